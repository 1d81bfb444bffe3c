"""Payer rules as data: timely filing, appeal windows and follow-up intervals.

The defaults are typical published values, there so a new client gets sensible deadlines on
day one; the client's playbook overrides them per payer (``PayerRule``). Resolution order,
most specific first: the client's rule for this payer, the client's rule for every payer,
the payer's own timely-filing days from its file, the default for the payer's kind.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol


@dataclass(frozen=True)
class Deadlines:
    timely_filing_days: int  # from the date of service to the payer's filing limit
    appeal_days: int  # from the remit (denial) date to the first-level appeal limit
    followup_days: int  # no payer response after this many days from submission: follow up
    source: str = "default"
    corrected_days: int | None = None  # a corrected claim's window; None: as timely filing
    secondary_days: int | None = None  # a secondary claim's window; None: as timely filing

    @property
    def corrected_filing_days(self) -> int:
        return self.corrected_days or self.timely_filing_days

    @property
    def secondary_filing_days(self) -> int:
        return self.secondary_days or self.timely_filing_days


DEFAULTS: dict[str, Deadlines] = {
    # Medicare: 12 months from the date of service (42 CFR 424.44); redetermination within
    # 120 days of the initial determination (42 CFR 405.942).
    "medicare": Deadlines(365, 120, 30, "default for Medicare"),
    # Medicaid varies by state; 180 days to file and 90 to appeal are common values.
    "medicaid": Deadlines(180, 90, 30, "default for Medicaid"),
    # Commercial contracts commonly allow 90 days to file and 180 days to appeal.
    "commercial": Deadlines(90, 180, 30, "default for commercial payers"),
    "other": Deadlines(180, 180, 30, "default"),
}


class RuleLike(Protocol):
    timely_filing_days: int | None
    appeal_days: int | None
    followup_days: int | None
    corrected_days: int | None
    secondary_days: int | None


def resolve(payer_kind: str, payer_filing_days: int | None,
            client_rule: RuleLike | None, payer_rule: RuleLike | None) -> Deadlines:
    """The deadlines in force for one payer of one client, field by field."""
    base = DEFAULTS.get(payer_kind, DEFAULTS["other"])
    if payer_filing_days:
        base = replace(base, timely_filing_days=payer_filing_days,
                       source=f"{base.source}; filing limit from the payer record")
    for rule, label in ((client_rule, "client playbook"), (payer_rule, "payer playbook")):
        if rule is not None:
            base = _overlay(base, rule, label)
    return base


def _overlay(base: Deadlines, rule: RuleLike, label: str) -> Deadlines:
    fields = ("timely_filing_days", "appeal_days", "followup_days", "corrected_days",
              "secondary_days")
    changed = {name: value for name in fields
               if (value := getattr(rule, name, None)) is not None}
    if not changed:
        return base
    return replace(base, **changed, source=f"{base.source}; {label}")
