"""One assessment computed: findings measured once and stored, capacity and the
recommendation recomputed from them for any number of weeks (the page's what-if).

``Assessed`` is what the page, the PDF and the CLI show; ``as_json``/``from_json`` keep it in
``Assessment.result`` (Decimals and dates as strings, never floats).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from django.db import transaction
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.assessments import capacity, handling, recommend
from rcmdesk.assessments import findings as measuring
from rcmdesk.assessments.capacity import HandleHours, WorkflowCapacity
from rcmdesk.assessments.figures import Findings
from rcmdesk.assessments.models import Assessment
from rcmdesk.assessments.recommend import Recommendation
from rcmdesk.assessments.work import WorkType
from rcmdesk.audit.services import record

MIN_WEEKS, MAX_WEEKS = 1, 52
FORMAT = 1  # the stored result's layout; bumped when a field changes meaning


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
    """The assessment as JSON types only: Decimals and dates as strings (exact, never
    floats), enums by value, tuples as lists, dict keys as strings."""
    out = _dump(assessed)
    assert isinstance(out, dict)
    return {"format": FORMAT, **out}


def from_json(data: dict[str, Any]) -> Assessed:
    """The ``Assessed`` that ``as_json`` wrote, equal to it field by field."""
    loaded = _load(Assessed, {k: v for k, v in data.items() if k != "format"})
    assert isinstance(loaded, Assessed)
    return loaded


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal | date):
        return str(value)
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {str(_dump(k)): _dump(v) for k, v in value.items()}
    return value


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _load(kind: Any, value: Any) -> Any:
    """``value`` read back as ``kind`` (a type hint of the dataclasses above)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        return _load(next(a for a in args if a is not type(None)), value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_load(args[0], v) for v in value)
        return tuple(_load(a, v) for a, v in zip(args, value, strict=True))
    if origin is dict:
        return {_load(args[0], k): _load(args[1], v) for k, v in value.items()}
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = _hints(kind)
        return kind(**{f.name: _load(hints[f.name], value[f.name])
                       for f in dataclasses.fields(kind) if f.name in value})
    if kind is Decimal:
        return Decimal(value)
    if kind is date:
        return date.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    return value


def compute(found: Findings, handle: dict[WorkType, HandleHours],
            recovery: dict[WorkType, Decimal], recovery_source: dict[WorkType, str], *,
            weeks: int, hours_per_day: Decimal) -> Assessed:
    """Capacity, the recommendation and its burn-down from findings already measured: the
    pure part, shared by ``assess`` and the what-if (milliseconds, no query)."""
    check_weeks(weeks)
    rows = capacity.plan(found, handle, recovery, weeks=weeks, hours_per_day=hours_per_day)
    advice = recommend.recommend(rows, as_of=found.as_of, weeks=weeks,
                                 hours_per_day=hours_per_day)
    first = next((r for r in rows if r.workflow == advice.first), None)
    if first is not None and advice.proposal is not None:
        curve = capacity.burndown(first, found, handle, crew(advice.proposal, first),
                                  start=found.as_of, weeks=weeks, hours_per_day=hours_per_day)
        advice = dataclasses.replace(advice, burndown=curve)
    return Assessed(found, handle, recovery, recovery_source, weeks, hours_per_day, rows,
                    advice)


def crew(proposal: recommend.Proposal, row: WorkflowCapacity) -> float:
    """Specialists working the first workflow under the proposal (monthly support: its
    hours as a share of one specialist's week)."""
    if proposal.specialists:
        return float(proposal.specialists)
    return float(row.steady_fte)


def check_weeks(weeks: int) -> None:
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise errors.Invalid(f"The weeks to clear the backlog must be between {MIN_WEEKS} and "
                             f"{MAX_WEEKS}; {weeks} was asked.")


def assess(assessment: Assessment, *, acting_user: Any) -> Assessed:
    """Measure the tenant's findings as of the assessment's day, compute capacity and the
    recommendation for its weeks, store the result (audited) and return it."""
    check_weeks(assessment.weeks_to_clear)
    as_of = assessment.as_of or assessment.client.today()
    found = measuring.measure(assessment.client_id, as_of)
    recovery, source = handling.recovery(assessment)
    assessed = compute(found, handling.handle_hours(assessment), recovery, source,
                       weeks=assessment.weeks_to_clear, hours_per_day=assessment.hours_per_day)
    advice = assessed.recommendation
    with transaction.atomic():
        assessment.result = as_json(assessed)
        assessment.computed_at = timezone.now()
        assessment.save(update_fields=["result", "computed_at"])
        record("assessment.computed", client_id=assessment.client_id, obj=assessment,
               acting_user=acting_user,
               detail={"as_of": as_of.isoformat(), "weeks": assessed.weeks,
                       "claims": found.claims, "first": advice.first,
                       "model": advice.proposal.model if advice.proposal else ""})
    return assessed


def stored(assessment: Assessment) -> Assessed:
    """The last computed assessment; refused in words when there is none yet."""
    if not assessment.result:
        raise errors.Conflict("This assessment has not been computed yet: compute it first.")
    return from_json(assessment.result)


def what_if(assessment: Assessment, *, weeks: int) -> Assessed:
    """The stored findings with capacity and the recommendation for ``weeks`` instead (the
    stored handle times and recovery: the page shows what was computed, nothing re-measured,
    nothing saved)."""
    check_weeks(weeks)
    last = stored(assessment)
    return compute(last.findings, last.handle, last.recovery, last.recovery_source,
                   weeks=weeks, hours_per_day=last.hours_per_day)
