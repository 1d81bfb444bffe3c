"""Timely filing: a claim past the payer's filing limit is denied and cannot be appealed, so
it is stopped here (error) and flagged two weeks ahead (warning)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from rcmdesk.scrubber.registry import Context, Hit, Subject, rule

WARN_DAYS = 14


@dataclass(frozen=True)
class Window:
    deadline: date
    days: int
    which: str  # "timely filing", "corrected claim", "secondary claim"


def window(s: Subject, ctx: Context) -> Window | None:
    """The filing deadline in force: corrected (7/8) and secondary claims have their own."""
    if "filing_window" not in s.memo:
        s.memo["filing_window"] = _window(s, ctx)
    found: Window | None = s.memo["filing_window"]
    return found


def _window(s: Subject, ctx: Context) -> Window | None:
    book = ctx.deadline_books.get(s.claim.client_id)
    served = s.first_service_date
    if book is None or s.payer is None or served is None:
        return None
    deadlines = book.for_payer(s.payer)
    if s.is_replacement:
        days, which = deadlines.corrected_filing_days, "corrected claim"
    elif s.coverage is not None and s.coverage.priority != "P":
        days, which = deadlines.secondary_filing_days, "secondary claim"
    else:
        days, which = deadlines.timely_filing_days, "timely filing"
    return Window(served + timedelta(days=days), days, which)


@rule("TF001", topic="filing", severity="error", field="claim.service_from",
      title="Inside the payer's filing limit",
      why="Service date + the playbook's filing days (corrected or secondary windows for "
          "7/8 and non-primary claims); past it, the payer denies for timely filing.")
def past_limit(s: Subject, ctx: Context) -> Iterator[Hit]:
    w = window(s, ctx)
    if w is not None and ctx.today > w.deadline:
        yield Hit(f"Past the {w.which} limit ({w.days} days): the last day was {w.deadline}.")


@rule("TF002", topic="filing", severity="warning", field="claim.service_from",
      title="Filing limit within two weeks",
      why="Send it now: the limit ends within 14 days.")
def near_limit(s: Subject, ctx: Context) -> Iterator[Hit]:
    w = window(s, ctx)
    if w is not None and 0 <= (w.deadline - ctx.today).days <= WARN_DAYS:
        left = (w.deadline - ctx.today).days
        yield Hit(f"The {w.which} limit ends on {w.deadline} ({left} day(s) left).")
