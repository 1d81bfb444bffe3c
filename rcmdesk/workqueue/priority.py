"""An explainable priority score: points a specialist can read back, factor by factor.

score = dollars + age + urgency, where
- dollars: expected recoverable dollars (open balance x the payer's historical pay rate),
  on a log scale so a $50,000 claim does not bury fifty $1,000 ones: 100 x log10(1 + $),
  capped at 500 points;
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
class Facts:
    balance: Decimal
    pay_rate: Decimal | None  # share of billed dollars the payer paid recently, None: unknown
    service_date: date | None
    deadline: date | None
    deadline_kind: str  # "timely filing" or "appeal"
    today: date


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


def _dollars(facts: Facts) -> Factor:
    rate = facts.pay_rate if facts.pay_rate is not None else DEFAULT_PAY_RATE
    source = "payer's pay rate" if facts.pay_rate is not None else "default pay rate"
    expected = (max(facts.balance, Decimal(0)) * rate).quantize(Decimal("0.01"))
    points = min(500, round(100 * math.log10(1 + float(expected))))
    return Factor("expected recoverable", points,
                  f"${facts.balance:,.2f} open x {source} {rate:.0%} = ${expected:,.2f}")


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
