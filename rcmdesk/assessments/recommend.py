"""Where to start: workflows ranked by expected dollars per specialist-hour, the first one
named, and an engagement proposal in the product's engagement models, reasoned line by line.

Pure Python over ``capacity.WorkflowCapacity`` rows. The models are
``engagements.models.EngagementModel`` values (dedicated specialist, managed pod, monthly
support, fixed-scope backlog clean-up with a target date), named here by value so this module
stays free of Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from rcmdesk.assessments.capacity import WorkflowCapacity
from rcmdesk.calendar import office_day
from rcmdesk.tenancy.roles import Workflow

# EngagementModel values (engagements.models), by value: this module imports no Django.
DEDICATED = "dedicated"
MANAGED_POD = "managed_pod"
MONTHLY_SUPPORT = "monthly_support"
BACKLOG_CLEANUP = "backlog_cleanup"

# Steady state below half a specialist's week is bought as hours a month; up to a week and a
# quarter one dedicated specialist holds it (the rest is slack for peaks and leave); above,
# a pod of whole specialists.
MONTHLY_BELOW = Decimal("0.5")
DEDICATED_UP_TO = Decimal("1.25")
MONTHLY_STEP = 5  # monthly hours are sold in steps of five
WEEKS_PER_MONTH = Decimal(52) / 12

# How each workflow's items and recoverable dollars read in a sentence.
NOUNS: dict[str, str] = {
    "charges_claims": "rejected claims", "ar_followup": "items",
    "denials": "denials", "posting": "remittances",
}
RECOVERABLE: dict[str, str] = {
    "charges_claims": "still inside the filing limit", "ar_followup": "still collectable",
    "denials": "still appealable", "posting": "received and not applied",
}


@dataclass(frozen=True)
class Proposal:
    """The engagement to propose for the first workflow."""

    workflow: str
    model: str  # EngagementModel value
    specialists: int  # dedicated: 1; pod: its specialists; clean-up: its team
    monthly_hours: Decimal | None = None  # monthly support
    target_date: date | None = None  # clean-up
    cleanup_items: int = 0
    cleanup_dollars: Decimal = Decimal("0.00")
    then_model: str = ""  # after a clean-up: the steady-state model
    then_specialists: int = 0
    then_monthly_hours: Decimal | None = None


@dataclass(frozen=True)
class Recommendation:
    ranking: tuple[WorkflowCapacity, ...]  # best yield per hour first
    first: str  # the workflow to start with ("" when there is no backlog at all)
    proposal: Proposal | None
    reasoning: tuple[str, ...]  # each step in words, with its numbers
    burndown: tuple[tuple[date, Decimal, Decimal], ...] = ()  # under the proposal


def recommend(rows: tuple[WorkflowCapacity, ...], *, as_of: date, weeks: int,
              hours_per_day: Decimal) -> Recommendation:
    """Rank, name the first workflow, propose (burn-down left to the caller: it needs the
    findings' ages).

    Ranked by expected dollars per specialist-hour because the first engagement is sold on
    what it brings back for the hours bought; a tie goes to the larger dollars."""
    ranking = tuple(sorted(rows, key=lambda r: (-r.yield_per_hour, -r.expected)))
    reasoning = [yield_line(r) for r in ranking]
    top = next((r for r in ranking if r.expected > 0), None)
    if top is None:
        reasoning.append("Nothing measured is recoverable by working it: no workflow to "
                         "start with and no proposal.")
        return Recommendation(ranking, "", None, tuple(reasoning))
    reasoning.append(_ranked_line(top, ranking))
    proposal = propose(top, as_of=as_of, weeks=weeks, hours_per_day=hours_per_day)
    reasoning.append(_staffing_line(top, proposal))
    reasoning.append(_proposal_line(top, proposal))
    return Recommendation(ranking, top.workflow, proposal, tuple(reasoning))


def propose(row: WorkflowCapacity, *, as_of: date, weeks: int,
            hours_per_day: Decimal) -> Proposal:
    """A clean-up with a target date when the steady-state model alone would not clear the
    backlog within the weeks asked (it needs more hands, or the model's hours beyond the
    new items' are too few: monthly support is sized to the arrivals), then the steady-state
    model; else the steady-state model alone."""
    model, specialists, monthly = steady_model(row)
    if row.items and (row.to_clear > row.steady or _spare_hours(
            row, model, specialists, monthly, hours_per_day) * weeks < row.hours_to_clear):
        return Proposal(row.workflow, BACKLOG_CLEANUP, row.to_clear,
                        target_date=as_of + timedelta(weeks=weeks), cleanup_items=row.items,
                        cleanup_dollars=row.dollars, then_model=model,
                        then_specialists=specialists, then_monthly_hours=monthly)
    return Proposal(row.workflow, model, specialists, monthly_hours=monthly)


def _spare_hours(row: WorkflowCapacity, model: str, specialists: int,
                 monthly: Decimal | None, hours_per_day: Decimal) -> Decimal:
    """Hours a week the steady-state model has beyond the new items' own."""
    weekly = ((monthly or Decimal(0)) / WEEKS_PER_MONTH if model == MONTHLY_SUPPORT
              else specialists * hours_per_day * 5)
    return max(Decimal(0), weekly - row.steady_hours_per_week)


def steady_model(row: WorkflowCapacity) -> tuple[str, int, Decimal | None]:
    """(model, specialists, monthly hours) that hold the workflow's arrivals."""
    if row.steady_fte < MONTHLY_BELOW:
        month = row.steady_hours_per_week * WEEKS_PER_MONTH
        hours = max(MONTHLY_STEP, math.ceil(month / MONTHLY_STEP) * MONTHLY_STEP)
        return MONTHLY_SUPPORT, 0, Decimal(hours)
    if row.steady_fte <= DEDICATED_UP_TO:
        return DEDICATED, 1, None
    return MANAGED_POD, math.ceil(row.steady_fte), None


def dollars(value: Decimal) -> str:
    """Money as a billing office reads it: "$1,234.56", a negative amount "($5.00)" (the
    pages' ``money`` filter's rule, without Django)."""
    amount = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"(${abs(amount):,.2f})" if amount < 0 else f"${amount:,.2f}"


def _label(workflow: str) -> str:
    return Workflow(workflow).label


def _number(value: Decimal, places: int = 1) -> str:
    q = Decimal(1).scaleb(-places)
    return f"{value.quantize(q, rounding=ROUND_HALF_UP):,}"


def _rate(value: Decimal) -> str:
    """Items a week: "95" when whole, else "95.5"."""
    return f"{value:,.0f}" if value == value.to_integral_value() else _number(value)


def _percent(value: Decimal) -> str:
    whole = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{whole}%" if whole == value.quantize(Decimal("0.1")) else f"{_number(value)}%"


def yield_line(row: WorkflowCapacity) -> str:
    """"Denials: $412,300.00 still appealable x 50% expected recovery = $206,150.00 over
    1,240 denials x 0.50 h = 620.0 h: $332.50 per specialist-hour" (a workflow of several
    kinds shows their blended percent and hours)."""
    head = f"{_label(row.workflow)}: {dollars(row.recoverable)} {RECOVERABLE[row.workflow]}"
    if not row.recoverable:
        return f"{head}: nothing to recover by working its {row.items:,} items."
    percent = row.expected * 100 / row.recoverable
    line = f"{head} x {_percent(percent)} expected recovery = {dollars(row.expected)}"
    if not row.hours_to_clear:
        return f"{line}, with no backlog to work: $0.00 per specialist-hour"
    per_item = row.hours_to_clear / row.items
    return (f"{line} over {row.items:,} {NOUNS[row.workflow]} x {_number(per_item, 2)} h = "
            f"{_number(row.hours_to_clear)} h: {dollars(row.yield_per_hour)} "
            f"per specialist-hour")


def _ranked_line(top: WorkflowCapacity, ranking: tuple[WorkflowCapacity, ...]) -> str:
    others = [f"{_label(r.workflow)} {dollars(r.yield_per_hour)}"
              for r in ranking if r is not top]
    line = (f"Ranked first of {len(ranking)} workflow{'s' if len(ranking) != 1 else ''} "
            f"by expected dollars per specialist-hour: {_label(top.workflow)} at "
            f"{dollars(top.yield_per_hour)}")
    return f"{line}; then {', '.join(others)}" if others else line


def _model_words(model: str, specialists: int, monthly: Decimal | None) -> str:
    if model == MONTHLY_SUPPORT:
        return f"monthly support, {monthly or 0:,} hours a month"
    if model == DEDICATED:
        return "one dedicated specialist"
    return f"a managed pod of {specialists} specialists"


def _staffing_line(row: WorkflowCapacity, proposal: Proposal) -> str:
    model, specialists, monthly = steady_model(row)
    holding = (f"holding {_rate(row.arrivals_per_week)} a week takes "
               f"{_number(row.steady_fte, 2)} ({_model_words(model, specialists, monthly)})")
    if not row.items:
        return f"No backlog to clear; {holding}"
    return (f"Clearing {row.items:,} items plus {_rate(row.arrivals_per_week)} arriving a "
            f"week within {row.weeks} week{'s' if row.weeks != 1 else ''} takes "
            f"{row.to_clear} specialist{'s' if row.to_clear != 1 else ''}; {holding}")


def _proposal_line(row: WorkflowCapacity, proposal: Proposal) -> str:
    label = _label(row.workflow)
    if proposal.model == BACKLOG_CLEANUP and proposal.target_date is not None:
        then = _model_words(proposal.then_model, proposal.then_specialists,
                            proposal.then_monthly_hours)
        return (f"Proposal: a fixed-scope backlog clean-up of {label} "
                f"({proposal.cleanup_items:,} {NOUNS[row.workflow]}, "
                f"{dollars(proposal.cleanup_dollars)}) by {office_day(proposal.target_date)} "
                f"with {proposal.specialists} specialist"
                f"{'s' if proposal.specialists != 1 else ''} (about "
                f"{_number(row.hours_to_clear)} hours of work), then {then}.")
    words = _model_words(proposal.model, proposal.specialists, proposal.monthly_hours)
    return f"Proposal: {label} with {words}."
