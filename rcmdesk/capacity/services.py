"""Load a client's work-queue history for the planner, and measure productivity.

Counts (arrivals per day, the open backlog by age) are grouped in the database. Handle time
and productive hours need each specialist's actions in time order (a duration is the gap to
the same specialist's previous action), so those rows are read, bounded by the history
window, in one ordered query, and summed here. Definitions in ``docs/capacity.md``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import TruncDate

from rcmdesk import errors
from rcmdesk.audit.services import record
from rcmdesk.calendar import day_start
from rcmdesk.capacity import planner
from rcmdesk.capacity.planner import QueueHistory, QueuePlan
from rcmdesk.tenancy.authz import allows, require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action
from rcmdesk.workqueue.counts import QA_KINDS, backlog_ages
from rcmdesk.workqueue.models import ActionKind, ItemStatus, WorkAction, WorkItem

HISTORY_DAYS = 56  # arrivals and handle time are fitted on the last 8 weeks
STAFF_DAYS = 28  # specialists who acted on a queue in the last 4 weeks work it
SESSION_GAP = timedelta(minutes=45)  # a longer gap between two actions is a break
SESSION_OPENER = timedelta(minutes=5)  # credited to the first action after a break
BOOKKEEPING = (ActionKind.CREATED, ActionKind.UPDATED)


class CapacityProblem(errors.Invalid, ValueError):
    """A request the planner cannot answer (bad date, unknown workflow)."""


def authorize(user: Any, client_id: int) -> None:
    """Report readers (client managers and admins, partner leads) and those who assign the
    work; 404 for a client out of sight, 403 for a role that may not plan."""
    require(user, Action.VIEW_TENANT_DATA, client_id)
    if not (allows(user, Action.VIEW_REPORTS) or allows(user, Action.ASSIGN_WORK)):
        raise PermissionDenied("Your role does not allow this.")


def _items(user: Any | None, client: Organization) -> Any:
    """The client's queue work as ``user`` sees it (``None``: every item, the stored
    report's view, as in ``workqueue.counts``)."""
    rows = WorkItem.objects.all() if user is None else WorkItem.objects.visible_to(user)
    return rows.filter(client=client).exclude(kind__in=QA_KINDS)


def _day_start(client: Organization, day: date) -> datetime:
    return day_start(day, client.time_zone)


@dataclass
class Durations:
    """Per action: who, which item (and its workflow), how long; from one ordered read."""

    per_item: dict[int, float] = field(default_factory=dict)  # item id -> hours
    item_workflow: dict[int, str] = field(default_factory=dict)
    per_actor_workflow: dict[tuple[str, str], float] = field(default_factory=dict)
    per_week_workflow: dict[tuple[str, str], float] = field(default_factory=dict)


def action_durations(user: Any | None, client: Organization, since: datetime,
                     until: datetime | None = None) -> Durations:
    """The gap to the same specialist's previous action when under ``SESSION_GAP``, else
    ``SESSION_OPENER``; summed per item, per specialist and workflow, per week (actions in
    ``[since, until)``; no ``until``: up to now)."""
    actions = WorkAction.objects.filter(item__in=_items(user, client), at__gte=since,
                                        actor__isnull=False)
    if until is not None:
        actions = actions.filter(at__lt=until)
    rows = (actions.exclude(kind__in=BOOKKEEPING)
            .order_by("actor_id", "at", "id")
            .values_list("actor_id", "actor__username", "item_id", "item__workflow", "at"))
    out = Durations()
    per_item: dict[int, float] = defaultdict(float)
    per_actor: dict[tuple[str, str], float] = defaultdict(float)
    per_week: dict[tuple[str, str], float] = defaultdict(float)
    last: tuple[int, datetime] | None = None
    for actor_id, username, item_id, workflow, at in rows:
        gap = at - last[1] if last is not None and last[0] == actor_id else None
        spent = gap if gap is not None and gap <= SESSION_GAP else SESSION_OPENER
        hours = spent.total_seconds() / 3600
        per_item[item_id] += hours
        out.item_workflow[item_id] = workflow
        per_actor[(username, workflow)] += hours
        iso = at.isocalendar()
        per_week[(f"{iso.year}-W{iso.week:02d}", workflow)] += hours
        last = (actor_id, at)
    out.per_item, out.per_actor_workflow, out.per_week_workflow = (
        dict(per_item), dict(per_actor), dict(per_week))
    return out


def _handle_hours(items: Any, durations: Durations, since: datetime) -> dict[str, list[float]]:
    """Handle hours of the items closed since ``since``, per workflow (items closed without a
    specialist's action, by an event, have none and are left out)."""
    out: dict[str, list[float]] = defaultdict(list)
    for item_id in items.filter(status=ItemStatus.DONE, closed_at__gte=since).values_list(
            "pk", flat=True):
        spent = durations.per_item.get(item_id)
        if spent:
            out[durations.item_workflow[item_id]].append(spent)
    return out


def histories(user: Any, client: Organization, today: date | None = None,
              workflow: str | None = None) -> list[QueueHistory]:
    """One history per workflow the user sees for the client (or just ``workflow``)."""
    today = today or client.today()
    first = today - timedelta(days=HISTORY_DAYS)
    zone = ZoneInfo(client.time_zone)
    items = _items(user, client)
    if workflow:
        items = items.filter(workflow=workflow)
    arrivals: dict[str, dict[date, int]] = defaultdict(dict)
    for row in (items.filter(created_at__gte=_day_start(client, first),
                             created_at__lt=_day_start(client, today))
                .annotate(day=TruncDate("created_at", tzinfo=zone))
                .values("workflow", "day").annotate(n=Count("pk")).order_by()):
        arrivals[row["workflow"]][row["day"]] = row["n"]
    ages = backlog_ages(user, client.pk, today, client.time_zone)
    if workflow:
        ages = {wf: a for wf, a in ages.items() if wf == workflow}
    durations = action_durations(user, client, _day_start(client, first))
    handle = _handle_hours(items, durations, _day_start(client, first))
    staff = defaultdict(set)
    for wf, actor in (WorkAction.objects.filter(
            item__in=items, actor__isnull=False,
            at__gte=_day_start(client, today - timedelta(days=STAFF_DAYS)))
            .exclude(kind__in=BOOKKEEPING).values_list("item__workflow", "actor_id")
            .distinct()):
        staff[wf].add(actor)
    keys = sorted(set(arrivals) | set(ages) | set(handle))
    days = [first + timedelta(days=i) for i in range(HISTORY_DAYS)]
    return [QueueHistory(key, tuple((d, arrivals[key].get(d, 0)) for d in days),
                         tuple(handle[key]), tuple(ages.get(key, ())), float(len(staff[key])))
            for key in keys]


def plans(user: Any, client: Organization, *, workflow: str | None = None,
          add: float = 0.0, add_from: date | None = None, hours_per_day: float = 6.0,
          sla_days: int = 7, target: float = 0.90, today: date | None = None
          ) -> list[QueuePlan]:
    """Forecast and staffing per queue; the what-if applies to ``workflow`` (or every queue
    shown when none is named)."""
    authorize(user, client.pk)
    today = today or client.today()
    record("read", client_id=client.pk, object_type="capacity.forecast", acting_user=user,
           detail={"workflow": workflow or "", "add": add,
                   "from": add_from.isoformat() if add_from else ""})
    return [planner.plan(h, today, hours_per_day=hours_per_day, sla_days=sla_days,
                         target=target, add=add, add_from=add_from)
            for h in histories(user, client, today, workflow)]


@dataclass(frozen=True)
class ProductivityRow:
    specialist: str
    workflow: str
    closed: int
    productive_hours: float
    items_per_hour: float | None


@dataclass
class Productivity:
    rows: list[ProductivityRow]
    handle: dict[str, planner.HandleTime]  # per workflow
    weekly: list[dict[str, Any]]  # week, workflow, closed, productive_hours, items_per_hour


def productivity(user: Any, client: Organization, *, weeks: int = 8,
                 today: date | None = None) -> Productivity:
    """Items closed per productive hour by specialist and workflow, handle-time percentiles
    per workflow, and the weekly trend."""
    authorize(user, client.pk)
    today = today or client.today()
    record("read", client_id=client.pk, object_type="capacity.productivity", acting_user=user,
           detail={"weeks": weeks})
    since = _day_start(client, today - timedelta(weeks=weeks))
    items = _items(user, client)
    durations = action_durations(user, client, since)
    closes = (WorkAction.objects.filter(item__in=items, kind=ActionKind.CLOSED, at__gte=since,
                                        actor__isnull=False)
              .values_list("actor__username", "item__workflow").annotate(n=Count("pk"))
              .order_by())
    closed_by = {(u, wf): n for u, wf, n in closes}
    rows = []
    for key in sorted(set(closed_by) | set(durations.per_actor_workflow)):
        hours = durations.per_actor_workflow.get(key, 0.0)
        n = closed_by.get(key, 0)
        rows.append(ProductivityRow(key[0], key[1], n, round(hours, 2),
                                    round(n / hours, 2) if hours else None))
    handle = {wf: planner.handle_time(v)
              for wf, v in sorted(_handle_hours(items, durations, since).items())}
    weekly_closed: dict[tuple[str, str], int] = defaultdict(int)
    for at, wf in (WorkAction.objects.filter(item__in=items, kind=ActionKind.CLOSED,
                                             at__gte=since).values_list("at",
                                                                        "item__workflow")):
        iso = at.isocalendar()
        weekly_closed[(f"{iso.year}-W{iso.week:02d}", wf)] += 1
    weekly = []
    for week, wf in sorted(set(weekly_closed) | set(durations.per_week_workflow)):
        hours = durations.per_week_workflow.get((week, wf), 0.0)
        n = weekly_closed.get((week, wf), 0)
        weekly.append({"week": week, "workflow": wf, "closed": n,
                       "productive_hours": round(hours, 2),
                       "items_per_hour": round(n / hours, 2) if hours else None})
    return Productivity(rows, handle, weekly)


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CapacityProblem(f"not a date (YYYY-MM-DD): {text!r}") from None


def plan_json(p: QueuePlan) -> dict[str, Any]:
    """One queue's plan as plain JSON types (the API and ``--json`` print the same)."""
    def curve(f: planner.Forecast | None) -> list[dict[str, Any]] | None:
        if f is None:
            return None
        return [{"day": d.day.isoformat(), "arrivals": round(d.arrivals, 1),
                 "capacity": round(d.capacity, 1), "backlog": round(d.backlog, 1),
                 "mean_age_days": round(d.mean_age, 1), "oldest_age_days": d.oldest_age,
                 "over_sla": round(d.over_sla, 1)} for d in f.days]

    a, h, s = p.arrivals, p.handle, p.answer
    return {
        "queue": p.key,
        "arrivals": {"per_day": round(a.level, 2), "trend_per_day": round(a.slope, 3),
                     "day_of_week": [round(x, 2) for x in a.dow]},
        "handle_hours": {"count": h.count, "mean": round(h.mean, 3), "p50": round(h.p50, 3),
                         "p90": round(h.p90, 3), "p95": round(h.p95, 3),
                         "scv": round(h.scv, 2)},
        "backlog": p.backlog_now,
        "specialists": p.staffing.specialists,
        "hours_per_day": p.staffing.hours_per_day,
        "staffing": {"needed": s.needed, "for_sla": s.for_sla,
                     "to_clear_backlog": s.to_clear_backlog,
                     "offered_load": round(s.offered_load, 2),
                     "sla_met_probability": round(s.sla_met_probability, 3)},
        "forecast": curve(p.forecast),
        "what_if": curve(p.what_if), "what_if_label": p.what_if_label,
    }


def productivity_json(p: Productivity) -> dict[str, Any]:
    return {
        "by_specialist": [vars(r) for r in p.rows],
        "handle_hours": {wf: {"count": h.count, "mean": round(h.mean, 3),
                              "p50": round(h.p50, 3), "p90": round(h.p90, 3),
                              "p95": round(h.p95, 3)} for wf, h in p.handle.items()},
        "weekly": p.weekly,
    }
