"""Which completed items a QA draw picks: pure logic, no database.

A draw must be reproducible from what is recorded (the seed and the population), so that
anyone can re-run it and see the auditor was handed the items chance chose, not the ones
someone preferred. Everything here is therefore deterministic given its inputs: specialists
in id order, workflows in name order, item ids sorted, one ``random.Random(seed)`` consumed
in that order.

Each specialist's items in each workflow are sampled at the specialist's rate. The sample
size is ``rate x items`` rounded at random (down or up, weighted by the fraction), so its
expectation is exactly the rate while each draw stays within one item of it. The minimum per
week is per specialist (across workflows): a specialist below it gets more of their items,
drawn at random from the rest, or all of them if they completed fewer.

A plan may instead state a precision (``draw`` with ``total``): the week's sample size comes
from ``stats.sample_size`` over the whole population, and is spread over the strata in
proportion to their sizes (largest remainders, ties in stratum order: no chance involved), so
the week's estimate has the stated precision and every specialist's and workflow's share is
in proportion; a new specialist or one after a failure still gets at least their plan's rate,
and the weekly minimum still applies (both only add items). For money work a plan may use
monetary-unit sampling (``draw_mus``): items picked with probability proportional to their
dollars (``stats.mus_select``), the same seed consumed the same way; no minimum top-up there,
which would break the proportionality the projection relies on.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from rcmdesk.qa import stats

HUNDRED = Decimal(100)


class Standing(StrEnum):
    """Why a specialist is sampled at the rate they are."""

    BASE = "base"
    NEW = "new"  # within the plan's first days since they started
    AFTER_FAILURE = "after_failure"  # a failed audit in the plan's recent weeks

    @property
    def label(self) -> str:
        return {"base": "Base rate", "new": "New specialist",
                "after_failure": "After a failed audit"}[self.value]


@dataclass(frozen=True)
class Rates:
    """A plan's rates as percentages (5 means 5 %)."""

    base: Decimal
    new_specialist: Decimal
    after_failure: Decimal
    minimum_per_week: int

    def for_standing(self, standing: Standing) -> Decimal:
        return {Standing.BASE: self.base, Standing.NEW: self.new_specialist,
                Standing.AFTER_FAILURE: self.after_failure}[standing]


def standing(rates: Rates, *, is_new: bool, failed_recently: bool) -> Standing:
    """The standing with the highest rate among those that apply (both can: a new specialist
    who failed an audit is sampled at whichever is stricter)."""
    applicable = [Standing.BASE]
    if is_new:
        applicable.append(Standing.NEW)
    if failed_recently:
        applicable.append(Standing.AFTER_FAILURE)
    return max(applicable, key=lambda s: (rates.for_standing(s), s != Standing.BASE))


@dataclass(frozen=True)
class Specialist:
    """One specialist's completed items of the week, by workflow, and their standing."""

    user_id: int
    items_by_workflow: Mapping[str, Sequence[int]]
    standing: Standing = Standing.BASE

    @property
    def completed(self) -> int:
        return sum(len(ids) for ids in self.items_by_workflow.values())


@dataclass
class Stratum:
    """What one specialist's workflow contributed to the draw (recorded as counts)."""

    specialist_id: int
    workflow: str
    population: int
    sampled: list[int] = field(default_factory=list)


@dataclass
class Drawn:
    strata: list[Stratum]
    rates: dict[int, Decimal]  # specialist id -> percent applied
    standings: dict[int, Standing]

    @property
    def item_ids(self) -> list[int]:
        return sorted(i for s in self.strata for i in s.sampled)

    @property
    def population(self) -> int:
        return sum(s.population for s in self.strata)


def sample_size(population: int, percent: Decimal, rng: random.Random) -> int:
    """``population x percent`` rounded down or up at random, weighted by the fraction."""
    exact = Decimal(population) * percent / HUNDRED
    whole = math.floor(exact)
    fraction = float(exact - whole)  # a probability, not money
    return min(population, whole + (1 if fraction and rng.random() < fraction else 0))


def allocate(sizes: Sequence[int], total: int) -> list[int]:
    """``total`` spread over strata in proportion to their sizes, summing to exactly
    ``min(total, sum(sizes))``: floors first, then one more to the largest remainders."""
    population = sum(sizes)
    total = min(total, population)
    if population == 0:
        return [0 for _ in sizes]
    shares = [size * total // population for size in sizes]
    order = sorted(range(len(sizes)), key=lambda i: (-(sizes[i] * total % population), i))
    for i in order[:total - sum(shares)]:
        shares[i] += 1
    return shares


def draw(specialists: Sequence[Specialist], rates: Rates, seed: int,
         total: int | None = None) -> Drawn:
    """The items a seed picks from the population; same inputs, same items. ``total``:
    the week's sample size of a precision plan, allocated in proportion (module doc)."""
    rng = random.Random(seed)
    result = Drawn(strata=[], rates={}, standings={})
    people = sorted(specialists, key=lambda p: p.user_id)
    keys = [(p.user_id, wf) for p in people for wf in sorted(p.items_by_workflow)]
    shares: dict[tuple[int, str], int] = {}
    if total is not None:
        sizes = [len(next(p for p in people if p.user_id == uid).items_by_workflow[wf])
                 for uid, wf in keys]
        shares = dict(zip(keys, allocate(sizes, total), strict=True))
    for person in people:
        percent = rates.for_standing(person.standing)
        result.rates[person.user_id] = percent
        result.standings[person.user_id] = person.standing
        strata = [_sample_stratum(person.user_id, wf, person.items_by_workflow[wf], percent, rng,
                                  shares.get((person.user_id, wf)), person.standing)
                  for wf in sorted(person.items_by_workflow)]
        _top_up(strata, person, rates.minimum_per_week, rng)
        result.strata.extend(strata)
    return result


def _sample_stratum(user_id: int, workflow: str, ids: Sequence[int], percent: Decimal,
                    rng: random.Random, share: int | None = None,
                    standing: Standing = Standing.BASE) -> Stratum:
    ordered = sorted(ids)
    if share is None:
        size = sample_size(len(ordered), percent, rng)
    elif standing == Standing.BASE:
        size = share
    else:
        size = max(share, sample_size(len(ordered), percent, rng))
    return Stratum(user_id, workflow, len(ordered), sorted(rng.sample(ordered, size)))


def _top_up(strata: list[Stratum], person: Specialist, minimum: int,
            rng: random.Random) -> None:
    """Bring the specialist up to the weekly minimum from their items not yet picked."""
    missing = min(minimum, person.completed) - sum(len(s.sampled) for s in strata)
    if missing <= 0:
        return
    by_workflow = {s.workflow: s for s in strata}
    rest = sorted((item, s.workflow) for s in strata
                  for item in set(person.items_by_workflow[s.workflow]) - set(s.sampled))
    for item, workflow in rng.sample(rest, missing):
        by_workflow[workflow].sampled.append(item)
    for stratum in strata:
        stratum.sampled.sort()


@dataclass(frozen=True)
class MoneyItem:
    """One completed item of a money workflow, with its dollars (``WorkItem.amount``)."""

    item_id: int
    specialist_id: int
    workflow: str
    amount: Decimal


def draw_mus(items: Sequence[MoneyItem], n: int, seed: int) -> tuple[Drawn, stats.MusSelection]:
    """Monetary-unit draw of ``n`` dollar units: the strata record who and which workflow
    each picked item belongs to, as ``draw``'s do; the selection keeps the interval and the
    start the projection needs."""
    picked = stats.mus_select([(i.item_id, i.amount) for i in items], n, seed)
    chosen = set(picked.item_ids)
    result = Drawn(strata=[], rates={}, standings={})
    by_stratum: dict[tuple[int, str], Stratum] = {}
    for item in sorted(items, key=lambda i: (i.specialist_id, i.workflow, i.item_id)):
        key = (item.specialist_id, item.workflow)
        if key not in by_stratum:
            by_stratum[key] = Stratum(item.specialist_id, item.workflow, 0)
            result.strata.append(by_stratum[key])
            result.rates[item.specialist_id] = Decimal(0)
            result.standings[item.specialist_id] = Standing.BASE
        by_stratum[key].population += 1
        if item.item_id in chosen:
            by_stratum[key].sampled.append(item.item_id)
    return result, picked
