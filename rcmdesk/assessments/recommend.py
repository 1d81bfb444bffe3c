"""Where to start: workflows ranked by expected dollars per specialist-hour, the first one
named, and an engagement proposal in the product's engagement models, reasoned line by line.

Pure Python over ``capacity.WorkflowCapacity`` rows. The models are
``engagements.models.EngagementModel`` values (dedicated specialist, managed pod, monthly
support, fixed-scope backlog clean-up with a target date), named here by value so this module
stays free of Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rcmdesk.assessments.capacity import WorkflowCapacity


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
    findings' ages)."""
    raise NotImplementedError("helper C writes this")
