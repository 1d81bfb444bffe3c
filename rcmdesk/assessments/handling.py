"""Hours per item and expected recovery for an assessment, each with where it comes from.

A prospect has no history in the product, so its handle times come from the platform's own
specialists: the handle time measured on the working clients' closed items of the same kind
(``capacity.services.action_durations``, the productivity report's definition), pooled over
the last 8 weeks, when there are enough of them to mean something; else the defaults of
``work``. The assessment's own numbers, set by its admin, win over both. Every figure says
which it is, because a prospect reads a staffing number only as far as it trusts its inputs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from rcmdesk import errors
from rcmdesk.assessments.capacity import HandleHours
from rcmdesk.assessments.models import Assessment
from rcmdesk.assessments.work import (
    DEFAULT_HANDLE_HOURS,
    DEFAULT_RECOVERY_PERCENT,
    ITEM_KIND,
    MEASURED_MINIMUM,
    WorkType,
)
from rcmdesk.calendar import day_start
from rcmdesk.capacity import planner
from rcmdesk.capacity.services import HISTORY_DAYS, action_durations
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem

MEASURED = "measured"
DEFAULT = "default"
SET_HERE = "set for this assessment"
DEFAULT_HANDLE_BASIS = "typical of co-managed teams"
DEFAULT_RECOVERY_BASIS = "default"


def handle_hours(assessment: Assessment) -> dict[WorkType, HandleHours]:
    """Per kind: the assessment's own hours, else measured, else the default."""
    overrides = _overrides(assessment.handle_hours, "handle hours", Decimal("24"),
                           zero_ok=False)
    measured = measured_hours() if set(WorkType) - set(overrides) else {}
    out = {}
    for work in WorkType:
        if work in overrides:
            out[work] = HandleHours(work, overrides[work], SET_HERE, SET_HERE)
        elif work in measured:
            out[work] = measured[work]
        else:
            out[work] = HandleHours(work, DEFAULT_HANDLE_HOURS[work], DEFAULT,
                                    DEFAULT_HANDLE_BASIS)
    return out


def recovery(assessment: Assessment) -> tuple[dict[WorkType, Decimal], dict[WorkType, str]]:
    """Per kind: expected recovery percent and its source ("default" / "set for this
    assessment")."""
    overrides = _overrides(assessment.recovery_percent, "recovery percent", Decimal(100),
                           zero_ok=True)
    percent = {w: overrides.get(w, DEFAULT_RECOVERY_PERCENT[w]) for w in WorkType}
    source = {w: SET_HERE if w in overrides else DEFAULT for w in WorkType}
    return percent, source


def measured_hours() -> dict[WorkType, HandleHours]:
    """Mean handle hours per kind over the working clients' items closed in the last 8
    weeks (each client's own 8 weeks, on its calendar), where at least
    ``MEASURED_MINIMUM`` of them have a handle time. One ordered read of actions and one of
    closed items per client."""
    kinds = {kind: work for work, kind in ITEM_KIND.items()}
    pooled: dict[str, list[float]] = defaultdict(list)
    for client in Organization.objects.working():
        since = day_start(client.today() - timedelta(days=HISTORY_DAYS), client.time_zone)
        durations = action_durations(None, client, since)
        if not durations.per_item:
            continue
        for pk, kind in (WorkItem.objects.filter(client=client, kind__in=list(kinds),
                                                 status=ItemStatus.DONE, closed_at__gte=since)
                         .values_list("pk", "kind")):
            spent = durations.per_item.get(pk)
            if spent:
                pooled[kind].append(spent)
    out = {}
    for kind, hours in pooled.items():
        if len(hours) < MEASURED_MINIMUM:
            continue
        mean = Decimal(repr(planner.handle_time(hours).mean))
        work = kinds[kind]
        out[work] = HandleHours(
            work, mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), MEASURED,
            f"over {len(hours):,} closed {ItemKind(kind).label} items "
            f"in the last {HISTORY_DAYS // 7} weeks")
    return out


def _overrides(stored: Any, what: str, most: Decimal, *, zero_ok: bool,
               ) -> dict[WorkType, Decimal]:
    """The assessment's own numbers (``{WorkType value: "decimal"}``); a value that is not
    a number in range is refused in words rather than computed with."""
    out = {}
    for key, text in (stored or {}).items():
        try:
            work = WorkType(key)
            value = Decimal(str(text))
        except (ValueError, InvalidOperation):
            raise errors.Invalid(f"The {what} set for {key} ({text}) is not a number of a "
                                 f"kind of work.") from None
        if not (value >= 0 if zero_ok else value > 0) or value > most:
            least = "0 or more" if zero_ok else "above 0"
            raise errors.Invalid(f"The {what} set for {work.label} must be {least} and at "
                                 f"most {most}; {value} is set.")
        out[work] = value
    return out
