"""The capacity planner: arrivals, handle time and backlog in; forecast and staffing out.

Pure Python (no Django, no database): ``rcmdesk.capacity.services`` loads the history and
this module does the arithmetic, so the same functions run in the page, the API, the CLI
and the simulation tests. The model and its limits are written up in ``docs/capacity.md``.

Two models, each used where it is right:

* The **forecast** is a deterministic fluid model run day by day: expected arrivals (mean +
  linear trend, times the day-of-week factor) join the backlog, and the day's capacity
  (specialists x productive hours / mean handle hours, on working days) drains it oldest
  first. A backlog of hundreds of items is a transient, and the fluid model is what tracks a
  transient; steady-state queueing formulas describe only the long run.
* The **staffing** answer uses M/M/c (Erlang C) for the probability that an item waits longer
  than the SLA, on the working clock, plus the fluid condition that the current backlog
  clears within the horizon. The larger of the two is the number needed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

WEEKDAYS = 7
DEFAULT_WORKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday..Friday (date.weekday())


@dataclass(frozen=True)
class ArrivalModel:
    """Expected arrivals on day ``t`` (days after ``origin``): (level + slope*t) * dow[weekday]."""

    origin: date
    level: float  # mean arrivals per day at ``origin`` (trend-adjusted)
    slope: float  # change of the daily mean per day
    dow: tuple[float, ...] = (1.0,) * WEEKDAYS  # factors by weekday, averaging 1

    def expected(self, day: date) -> float:
        t = (day - self.origin).days
        return max(0.0, self.level + self.slope * t) * self.dow[day.weekday()]


@dataclass(frozen=True)
class Staffing:
    """Who works the queue: ``specialists`` from day one, changed by ``changes`` from a date."""

    specialists: float
    hours_per_day: float = 6.0  # productive hours per specialist per working day
    workdays: frozenset[int] = DEFAULT_WORKDAYS
    changes: tuple[tuple[date, float], ...] = ()  # (from date, +N / -N specialists)

    def on(self, day: date) -> float:
        if day.weekday() not in self.workdays:
            return 0.0
        return max(0.0, self.specialists + sum(n for d, n in self.changes if day >= d))

    def with_change(self, start: date, n: float) -> Staffing:
        return replace(self, changes=(*self.changes, (start, n)))


@dataclass(frozen=True)
class ForecastDay:
    day: date
    arrivals: float
    capacity: float  # items the day's staff can finish
    served: float
    backlog: float  # open items at the end of the day
    mean_age: float  # days, over the backlog at the end of the day
    oldest_age: int
    over_sla: float  # items older than the SLA days at the end of the day


@dataclass
class Forecast:
    days: list[ForecastDay] = field(default_factory=list)

    def backlog(self) -> list[float]:
        return [d.backlog for d in self.days]


def fit_arrivals(counts: Sequence[tuple[date, int]], *, start: date) -> ArrivalModel:
    """Mean, least-squares trend and day-of-week factors from daily arrival counts.

    ``counts`` must list every day of the window (zeros included): a missing day would look
    like a quiet one to the day-of-week factors. The trend is fitted on weekly-adjusted
    counts so a window starting on a Monday does not read the weekly cycle as a trend. The
    model's origin is the day after the window, so ``level`` is the forecast's starting mean;
    with no history at all it is ``start`` (the client's day the forecast begins).
    """
    if not counts:
        return ArrivalModel(origin=start, level=0.0, slope=0.0)
    days = [d for d, _ in counts]
    values = [float(n) for _, n in counts]
    mean = sum(values) / len(values)
    dow = _dow_factors(days, values, mean)
    # days with no arrivals ever (weekends, often) carry no trend information
    fitted = [(float((d - days[0]).days), v / dow[d.weekday()])
              for d, v in zip(days, values, strict=True) if dow[d.weekday()] > 0]
    ts = [t for t, _ in fitted]
    slope = _slope(ts, [v for _, v in fitted])
    t_mean = sum(ts) / len(ts) if ts else 0.0
    origin = days[-1] + timedelta(days=1)
    level = mean + slope * ((origin - days[0]).days - t_mean)
    return ArrivalModel(origin=origin, level=max(0.0, level), slope=slope, dow=dow)


def _dow_factors(days: Sequence[date], values: Sequence[float], mean: float) -> tuple[float, ...]:
    sums = [0.0] * WEEKDAYS
    seen = [0] * WEEKDAYS
    for d, v in zip(days, values, strict=True):
        sums[d.weekday()] += v
        seen[d.weekday()] += 1
    if mean <= 0:
        return (1.0,) * WEEKDAYS
    return tuple((sums[w] / seen[w]) / mean if seen[w] else 1.0 for w in range(WEEKDAYS))


def _slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    n = len(xs)
    if n < 2:
        return 0.0
    x_mean, y_mean = sum(xs) / n, sum(ys) / n
    sxx = sum((x - x_mean) ** 2 for x in xs)
    if sxx == 0:
        return 0.0
    return sum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True)) / sxx


@dataclass(frozen=True)
class HandleTime:
    """Handle-time distribution in hours: mean, percentiles and the squared coefficient of
    variation (1 for exponential; the Erlang C staffing assumes it)."""

    count: int
    mean: float
    p50: float
    p90: float
    p95: float
    scv: float


def handle_time(hours: Iterable[float]) -> HandleTime:
    values = sorted(h for h in hours if h > 0)
    if not values:
        return HandleTime(0, 0.0, 0.0, 0.0, 0.0, 0.0)
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / n
    return HandleTime(n, mean, percentile(values, 50), percentile(values, 90),
                      percentile(values, 95), var / (mean * mean))


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return 0.0
    k = (len(sorted_values) - 1) * p / 100
    lo = math.floor(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def forecast(arrivals: ArrivalModel, mean_handle_hours: float, staffing: Staffing,
             backlog_ages: Sequence[int], start: date, days: int = 28,
             sla_days: int = 7) -> Forecast:
    """Day-by-day backlog and aging from ``start`` for ``days`` days (fluid model, FIFO).

    ``backlog_ages`` are the ages in days of the items open at the start. The backlog is
    kept as cohorts by arrival day, served oldest first, so the aging follows from the same
    run: an item's age is days since it arrived, and ``over_sla`` counts those older than
    ``sla_days`` (for a FIFO queue: the items that will miss a touch-by-SLA).
    """
    rate = 1.0 / mean_handle_hours if mean_handle_hours > 0 else 0.0
    cohorts: list[list[float]] = []  # [arrival day ordinal, items], oldest first
    for age in sorted(backlog_ages, reverse=True):
        arrived = (start - timedelta(days=age)).toordinal()
        if cohorts and cohorts[-1][0] == arrived:
            cohorts[-1][1] += 1
        else:
            cohorts.append([float(arrived), 1.0])
    result = Forecast()
    for i in range(days):
        day = start + timedelta(days=i)
        expected = arrivals.expected(day)
        capacity = staffing.on(day) * staffing.hours_per_day * rate
        if expected > 0:
            cohorts.append([float(day.toordinal()), expected])
        served = _serve(cohorts, capacity)
        result.days.append(_day_row(day, expected, capacity, served, cohorts, sla_days))
    return result


def _serve(cohorts: list[list[float]], capacity: float) -> float:
    served = 0.0
    while cohorts and capacity > 1e-12:
        take = min(cohorts[0][1], capacity)
        cohorts[0][1] -= take
        capacity -= take
        served += take
        if cohorts[0][1] <= 1e-9:
            cohorts.pop(0)
    return served


def _day_row(day: date, expected: float, capacity: float, served: float,
             cohorts: list[list[float]], sla_days: int) -> ForecastDay:
    end = day.toordinal()
    backlog = sum(n for _, n in cohorts)
    age_sum = sum((end - a) * n for a, n in cohorts)
    oldest = int(end - cohorts[0][0]) if cohorts else 0
    over = sum(n for a, n in cohorts if end - a > sla_days)
    return ForecastDay(day, expected, capacity, served, backlog,
                       age_sum / backlog if backlog > 0 else 0.0, oldest, over)


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability an arrival waits (Erlang C), ``offered_load`` = lambda/mu in Erlangs.

    Computed through the Erlang B recursion, which stays stable for hundreds of servers."""
    if servers <= 0 or offered_load >= servers:
        return 1.0
    if offered_load <= 0:
        return 0.0
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    rho = offered_load / servers
    return b / (1 - rho + rho * b)


def prob_wait_within(servers: int, arrivals_per_hour: float, service_per_hour: float,
                     hours: float) -> float:
    """M/M/c: P(wait <= hours) = 1 - C(c, a) * exp(-(c*mu - lambda) * t)."""
    if service_per_hour <= 0:
        return 0.0
    if arrivals_per_hour <= 0:
        return 1.0
    load = arrivals_per_hour / service_per_hour
    if load >= servers:
        return 0.0
    c_wait = erlang_c(servers, load)
    return 1.0 - c_wait * math.exp(-(servers * service_per_hour - arrivals_per_hour) * hours)


@dataclass(frozen=True)
class StaffingAnswer:
    needed: int  # the larger of the two below
    for_sla: int  # Erlang C: steady state meets "target of items touched within sla_days"
    to_clear_backlog: int  # fluid: current backlog + arrivals done within the horizon
    arrivals_per_work_hour: float
    service_per_hour: float
    offered_load: float  # Erlangs on the working clock
    sla_met_probability: float  # at ``for_sla`` specialists


def specialists_needed(arrivals: ArrivalModel, mean_handle_hours: float, staffing: Staffing,
                       backlog: float, start: date, *, sla_days: int = 7,
                       target: float = 0.90, horizon_days: int = 28) -> StaffingAnswer:
    """How many specialists hold "``target`` of items touched within ``sla_days``".

    Erlang C runs on the working clock: the horizon's expected arrivals spread over its
    productive hours (items arriving at night or at weekends wait for the next shift, so
    they join the working-hour stream), and the SLA's calendar days become the working
    hours inside them. M/M/c assumes exponential handle times and a stationary queue: it
    answers the long run, which is why the backlog on hand is checked separately.
    """
    days = [start + timedelta(days=i) for i in range(horizon_days)]
    work_days = sum(1 for d in days if d.weekday() in staffing.workdays)
    work_hours = work_days * staffing.hours_per_day
    arrivals_total = sum(arrivals.expected(d) for d in days)
    mu = 1.0 / mean_handle_hours if mean_handle_hours > 0 else 0.0
    lam = arrivals_total / work_hours if work_hours else 0.0
    sla_hours = sla_days * len(staffing.workdays) / WEEKDAYS * staffing.hours_per_day
    load = lam / mu if mu else 0.0
    for_sla = max(1, math.floor(load) + 1) if lam > 0 else 0
    while for_sla and prob_wait_within(for_sla, lam, mu, sla_hours) < target:
        for_sla += 1
    clear = 0
    if mu and work_hours:
        clear = math.ceil((backlog + arrivals_total) / (work_hours * mu) - 1e-9)
    met = prob_wait_within(for_sla, lam, mu, sla_hours) if for_sla else 1.0
    return StaffingAnswer(max(for_sla, clear), for_sla, clear, lam, mu, load, met)


@dataclass(frozen=True)
class QueueHistory:
    """What the services load for one queue; everything the planner needs, no ORM objects."""

    key: str  # workflow or item kind
    daily_arrivals: tuple[tuple[date, int], ...]
    handle_hours: tuple[float, ...]
    backlog_ages: tuple[int, ...]  # days open, one per open item
    specialists: float  # distinct specialists who worked the queue lately


@dataclass(frozen=True)
class QueuePlan:
    key: str
    arrivals: ArrivalModel
    handle: HandleTime
    staffing: Staffing
    forecast: Forecast
    answer: StaffingAnswer
    what_if: Forecast | None = None
    what_if_label: str = ""
    backlog_now: int = 0


DEFAULT_HANDLE_HOURS = 0.5  # used only when a queue has no measured handle time yet


def plan(history: QueueHistory, start: date, *, hours_per_day: float = 6.0,
         sla_days: int = 7, target: float = 0.90, days: int = 28,
         add: float = 0.0, add_from: date | None = None) -> QueuePlan:
    """Fit, forecast and staff one queue; with ``add`` also the what-if curve."""
    arrivals = fit_arrivals(history.daily_arrivals, start=start)
    handle = handle_time(history.handle_hours)
    mean_hours = handle.mean or DEFAULT_HANDLE_HOURS
    staffing = Staffing(history.specialists, hours_per_day)
    base = forecast(arrivals, mean_hours, staffing, history.backlog_ages, start, days, sla_days)
    answer = specialists_needed(arrivals, mean_hours, staffing, len(history.backlog_ages),
                                start, sla_days=sla_days, target=target, horizon_days=days)
    what_if, label = None, ""
    if add:
        when = add_from or start
        what_if = forecast(arrivals, mean_hours, staffing.with_change(when, add),
                           history.backlog_ages, start, days, sla_days)
        label = f"{add:+g} specialist(s) from {when.isoformat()}"
    return QueuePlan(history.key, arrivals, handle, staffing, base, answer, what_if, label,
                     len(history.backlog_ages))
