"""A discrete-event simulation of one queue, to check the planner's forecast against.

It models the same queue the planner does, but item by item and at random: arrivals are a
Poisson process whose daily rate is the arrival model's (trend and day-of-week included),
spread over the whole day; specialists work one shift of ``hours_per_day`` on working days
starting at 09:00; each takes the oldest waiting item (FIFO) and works it for a service time
drawn from the handle-time distribution; an item still in hand at the end of the shift is
resumed at the next one (by the same specialist; if that specialist has left, it goes back to
the head of the queue). The backlog of a day is the items open at midnight.

Seeded (``random.Random(seed)``), pure Python, no dependencies. See ``docs/capacity.md``.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rcmdesk.capacity.planner import ArrivalModel, Staffing

SHIFT_START = 9.0  # hour of the day the shift starts
ServiceDraw = Callable[[random.Random], float]


def lognormal_service(mean_hours: float, scv: float = 1.0) -> ServiceDraw:
    """Service times (hours) with the given mean and squared coefficient of variation."""
    sigma2 = math.log(1.0 + scv)
    mu = math.log(mean_hours) - sigma2 / 2
    sigma = math.sqrt(sigma2)
    return lambda rng: rng.lognormvariate(mu, sigma)


def empirical_service(hours: Sequence[float]) -> ServiceDraw:
    """Service times resampled from measured handle times."""
    values = list(hours)
    return lambda rng: rng.choice(values)


@dataclass
class _Item:
    arrived: float  # hours since the start of day 0
    remaining: float  # hours of work left


def run(arrivals: ArrivalModel, service: ServiceDraw, staffing: Staffing,
        backlog_ages: Sequence[int], start: date, days: int, seed: int) -> list[int]:
    """One replication: the backlog at the end of each day."""
    rng = random.Random(seed)
    queue: deque[_Item] = deque(
        _Item(-24.0 * age, service(rng)) for age in sorted(backlog_ages, reverse=True))
    in_hand: list[_Item | None] = []
    result: list[int] = []
    for i in range(days):
        day = start + timedelta(days=i)
        base = 24.0 * i
        arrived_today = _poisson_times(rng, arrivals.expected(day), base)
        servers = round(staffing.on(day))
        in_hand = _resize(in_hand, servers, queue)
        if servers:
            in_hand = _work_shift(queue, arrived_today, in_hand,
                                  base + SHIFT_START, base + SHIFT_START + staffing.hours_per_day,
                                  service, rng)
        else:
            queue.extend(_Item(t, service(rng)) for t in arrived_today)
        result.append(len(queue) + sum(1 for it in in_hand if it is not None))
    return result


def _poisson_times(rng: random.Random, per_day: float, base: float) -> list[float]:
    times: list[float] = []
    if per_day <= 0:
        return times
    t = rng.expovariate(per_day / 24.0)
    while t < 24.0:
        times.append(base + t)
        t += rng.expovariate(per_day / 24.0)
    return times


def _resize(in_hand: list[_Item | None], servers: int, queue: deque[_Item]) -> list[_Item | None]:
    """Staff changes: newcomers start empty-handed; leavers hand their item back (oldest
    first, at the head of the queue)."""
    if servers >= len(in_hand):
        return in_hand + [None] * (servers - len(in_hand))
    for item in sorted((it for it in in_hand[servers:] if it is not None),
                       key=lambda it: it.arrived, reverse=True):
        queue.appendleft(item)
    return in_hand[:servers]


def _work_shift(queue: deque[_Item], arrived_today: list[float], in_hand: list[_Item | None],
                shift_start: float, shift_end: float, service: ServiceDraw,
                rng: random.Random) -> list[_Item | None]:
    """Run one shift; returns what each specialist holds at its end."""
    pending = deque(arrived_today)  # today's arrivals, in time order, not yet in the queue

    def admit(until: float) -> None:
        while pending and pending[0] <= until:
            queue.append(_Item(pending.popleft(), service(rng)))

    # (time the specialist is free, specialist index); items in hand finish first
    free: list[tuple[float, int]] = []
    holding: list[_Item | None] = [None] * len(in_hand)
    for k, item in enumerate(in_hand):
        if item is None:
            heapq.heappush(free, (shift_start, k))
        else:
            _start(item, k, shift_start, shift_end, free, holding)
    while free:
        t, k = heapq.heappop(free)
        if t >= shift_end:
            continue
        admit(t)
        if not queue:
            if not pending or pending[0] >= shift_end:
                continue
            t = pending[0]
            admit(t)
        _start(queue.popleft(), k, t, shift_end, free, holding)
    admit(math.inf)
    return holding


def _start(item: _Item, k: int, t: float, shift_end: float, free: list[tuple[float, int]],
           holding: list[_Item | None]) -> None:
    finish = t + item.remaining
    if finish <= shift_end:
        item.remaining = 0.0
        heapq.heappush(free, (finish, k))
    else:
        item.remaining = finish - shift_end
        holding[k] = item


def mean_backlog(arrivals: ArrivalModel, service: ServiceDraw, staffing: Staffing,
                 backlog_ages: Sequence[int], start: date, days: int = 28,
                 replications: int = 200, seed: int = 1) -> list[float]:
    """The mean end-of-day backlog over ``replications`` seeded runs."""
    totals = [0.0] * days
    for r in range(replications):
        for i, n in enumerate(run(arrivals, service, staffing, backlog_ages, start, days,
                                  seed * 100_003 + r)):
            totals[i] += n
    return [t / replications for t in totals]
