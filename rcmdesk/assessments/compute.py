"""One assessment computed: findings measured once and stored, capacity and the
recommendation recomputed from them for any number of weeks (the page's what-if).

``Assessed`` is what the page, the PDF and the CLI show; ``as_json``/``from_json`` keep it in
``Assessment.result`` (Decimals and dates as strings, never floats).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rcmdesk.assessments.capacity import HandleHours, WorkflowCapacity
from rcmdesk.assessments.figures import Findings
from rcmdesk.assessments.models import Assessment
from rcmdesk.assessments.recommend import Recommendation
from rcmdesk.assessments.work import WorkType


@dataclass(frozen=True)
class Assessed:
    findings: Findings
    handle: dict[WorkType, HandleHours]
    recovery: dict[WorkType, Decimal]
    recovery_source: dict[WorkType, str]  # "default" / "set for this assessment"
    weeks: int
    hours_per_day: Decimal
    capacity: tuple[WorkflowCapacity, ...]
    recommendation: Recommendation


def as_json(assessed: Assessed) -> dict[str, Any]:
    raise NotImplementedError("helper C writes this")


def from_json(data: dict[str, Any]) -> Assessed:
    raise NotImplementedError("helper C writes this")


def assess(assessment: Assessment, *, acting_user: Any) -> Assessed:
    """Measure the tenant's findings as of the assessment's day, compute capacity and the
    recommendation for its weeks, store the result (audited) and return it."""
    raise NotImplementedError("helper C writes this")


def what_if(assessment: Assessment, *, weeks: int) -> Assessed:
    """The stored findings with capacity and the recommendation for ``weeks`` instead."""
    raise NotImplementedError("helper C writes this")
