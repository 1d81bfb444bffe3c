"""Specialists each workflow needs: clear the backlog within N weeks, then hold steady state.

Pure Python over the findings (``figures``) and ``capacity.planner`` (the product's validated
planner: its fluid forecast for the burn-down, ``specialists_needed`` for the numbers), so
the page's what-if on N weeks recomputes in milliseconds from stored findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rcmdesk.assessments.figures import Findings
from rcmdesk.assessments.work import WorkType


@dataclass(frozen=True)
class HandleHours:
    """Hours per item of one kind and where the number comes from, in words."""

    work: WorkType
    hours: Decimal
    source: str  # "measured" / "default" / "set for this assessment"
    basis: str  # e.g. "measured over 212 closed denial items in the last 8 weeks"


@dataclass(frozen=True)
class WorkflowCapacity:
    """One workflow (``Workflow`` value) of the assessment: its backlog, what working it
    yields per specialist-hour, and the specialists it needs."""

    workflow: str
    works: tuple[WorkType, ...]  # the kinds of item it holds
    items: int  # open items now
    dollars: Decimal  # open dollars now
    recoverable: Decimal  # still recoverable (figures' definition)
    expected: Decimal  # recoverable x each kind's recovery percent
    hours_to_clear: Decimal  # items x handle hours (the backlog alone)
    arrivals_per_week: Decimal  # items
    steady_hours_per_week: Decimal  # arrivals x handle hours
    yield_per_hour: Decimal  # expected / hours_to_clear (0 when nothing to clear)
    to_clear: int  # specialists to clear backlog + arrivals within the weeks asked
    steady_fte: Decimal  # specialists holding arrivals alone (a fraction)
    steady: int  # whole specialists for steady state (planner: touched within SLA)
    weeks: int


def plan(findings: Findings, handle: dict[WorkType, HandleHours],
         recovery: dict[WorkType, Decimal], *, weeks: int, hours_per_day: Decimal,
         ) -> tuple[WorkflowCapacity, ...]:
    """One row per workflow with a backlog or arrivals, in ``Workflow`` order."""
    raise NotImplementedError("helper C writes this")


def burndown(row: WorkflowCapacity, findings: Findings, handle: dict[WorkType, HandleHours],
             specialists: float, *, start: date, weeks: int, hours_per_day: Decimal,
             ) -> tuple[tuple[date, Decimal, Decimal], ...]:
    """(week's end, backlog left under ``specialists``, the ideal straight line to zero at
    ``weeks``), week by week, from the planner's fluid forecast."""
    raise NotImplementedError("helper C writes this")
