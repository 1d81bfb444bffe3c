"""An explainable priority score: points a specialist can read back, factor by factor.

score = dollars + age + urgency, where
- dollars: expected recoverable dollars, on a log scale so a $50,000 claim does not bury
  fifty $1,000 ones: 100 x log10(1 + $),
  capped at 500 points. When a contract prices the claim, the recoverable dollars are
  what it still allows: min(open balance, expected allowed not yet paid on the item's line,
  or on the claim's lines); without one, the open balance x the payer's historical pay rate
  (a guess: 60% with no history yet);
- age: one point per day since the date of service, capped at 180 (old claims get harder
  to collect, and aging is what the client's AR report shows);
- urgency: days left until the payer's deadline (timely filing or appeal): 300 points with
  14 days or fewer left, 200 with 30, 100 with 60, 0 beyond; an item past its deadline loses
  its dollar points (the money is very likely gone; it still needs a person to confirm).
Pure functions: no database, so the tests state every case by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rcmdesk.calendar import office_day

DEFAULT_PAY_RATE = Decimal("0.60")  # with no history for a payer yet
URGENCY = ((14, 300), (30, 200), (60, 100))


@dataclass(frozen=True)
class Contracted:
    """What the contract still allows on the item's line or claim: expected allowed minus
    what the payer has paid on those lines so far (``contracts.expected.expected_unpaid``)."""

    unpaid: Decimal
    contract: str  # the contract's name, for the why text


@dataclass(frozen=True)
class Facts:
    balance: Decimal
    pay_rate: Decimal | None  # share of billed dollars the payer paid recently, None: unknown
    service_date: date | None
    deadline: date | None
    deadline_kind: str  # "timely filing" or "appeal"
    today: date
    contracted: Contracted | None = None  # None: no contract prices it (pay-rate guess)


@dataclass(frozen=True)
class Factor:
    name: str
    points: int
    why: str

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "points": self.points, "why": self.why}


@dataclass(frozen=True)
class Priority:
    points: int
    factors: tuple[Factor, ...]

    def as_list(self) -> list[dict[str, object]]:
        return [f.as_dict() for f in self.factors]


def score(facts: Facts) -> Priority:
    dollars = _dollars(facts)
    urgency = _urgency(facts)
    if facts.deadline is not None and facts.deadline < facts.today:
        dollars = Factor(dollars.name, 0, dollars.why + "; past the deadline, so 0 points")
    factors = (dollars, _age(facts), urgency)
    return Priority(sum(f.points for f in factors), factors)


def _points(expected: Decimal) -> int:
    """100 x log10(1 + $), capped at 500: the dollars' share of an item's priority."""
    return min(500, round(100 * math.log10(1 + float(expected))))


def _dollars(facts: Facts) -> Factor:
    if facts.contracted is not None:
        return _contracted(facts, facts.contracted)
    rate = facts.pay_rate if facts.pay_rate is not None else DEFAULT_PAY_RATE
    source = "payer's pay rate" if facts.pay_rate is not None else "default pay rate"
    expected = (max(facts.balance, Decimal(0)) * rate).quantize(Decimal("0.01"))
    return Factor("expected recoverable", _points(expected),
                  f"${facts.balance:,.2f} open x {source} {rate:.0%} = ${expected:,.2f}")


def _contracted(facts: Facts, contracted: Contracted) -> Factor:
    balance = max(facts.balance, Decimal(0))
    expected = min(balance, max(contracted.unpaid, Decimal(0))).quantize(Decimal("0.01"))
    return Factor("expected recoverable", _points(expected),
                  f"${facts.balance:,.2f} open; contract allows ${contracted.unpaid:,.2f} "
                  f"({contracted.contract})")


def _age(facts: Facts) -> Factor:
    if facts.service_date is None:
        return Factor("age", 0, "no date of service")
    days = max(0, (facts.today - facts.service_date).days)
    return Factor("age", min(180, days), f"{days} days since the date of service")


def _urgency(facts: Facts) -> Factor:
    if facts.deadline is None:
        return Factor("deadline", 0, f"no {facts.deadline_kind} deadline known")
    left = (facts.deadline - facts.today).days
    if left < 0:
        return Factor("deadline", 0, f"{facts.deadline_kind} deadline "
                      f"{office_day(facts.deadline)} passed {-left} days ago")
    points = next((p for limit, p in URGENCY if left <= limit), 0)
    return Factor("deadline", points, f"{left} days left until the {facts.deadline_kind} "
                  f"deadline {office_day(facts.deadline)}")
