"""The one definition of every work-queue count the product shows.

Why one module: the home page, the workbench, the capacity planner, the KPI dashboard and
the weekly report each used to count for themselves, and they disagreed (a home page with
"no open items" beside a workbench of 148, a planner backlog of 0 beside 107 open denials,
a report counting the producers' bookkeeping as "touched"). Every page now asks here.

- **Open items**: work items in any status but done, as the viewer may see them (each item's
  own workflow decides, see ``WorkItemQuerySet.visible_to``); ``user=None`` is the operator's
  and the stored report's view, every item of the client.
- **Backlog**: the open items a queue's specialists must work, that is open items less QA's
  own work (audits and feedback items are scored by QA, not worked by the queue); what the
  capacity planner staffs.
- **Touched / worked**: a *person* acted on the item: a history row with an actor whose kind
  is one of ``TOUCH_ACTIONS`` (a call, a portal check, a note, an appeal ...). Rows written
  by producers and events (created, updated by event, closed by a remit) and bookkeeping
  (claimed, released, assigned, snoozed) are not touches. "Items worked" is the number of
  distinct items touched; "actions" the number of touches.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from rcmdesk.workqueue.models import (
    TOUCH_ACTIONS,
    ZERO,
    ItemKind,
    WorkAction,
    WorkItem,
    WorkItemQuerySet,
)

CENT = Decimal("0.01")  # SQLite sums decimals without their scale
QA_KINDS = (ItemKind.QA_AUDIT, ItemKind.QA_FEEDBACK)  # QA's own work, not a queue's


@dataclass(frozen=True)
class Tile:
    """A count of items and their dollars (one cell of a table, one client on the home page)."""

    count: int = 0
    amount: Decimal = ZERO

    def __add__(self, other: Tile) -> Tile:
        return Tile(self.count + other.count, self.amount + other.amount)


def money(value: Any) -> Decimal:
    """A database sum as dollars and cents (None for an empty group is $0.00)."""
    return Decimal(value or ZERO).quantize(CENT)


def items(user: Any | None, client_id: int | None = None) -> WorkItemQuerySet:
    """Every item the viewer may see (``None``: every item), optionally of one client."""
    rows = WorkItem.objects.all() if user is None else WorkItem.objects.visible_to(user)
    return rows if client_id is None else rows.filter(client_id=client_id)


def open_items(user: Any | None, client_id: int | None = None) -> WorkItemQuerySet:
    """Open items: any status but done."""
    return items(user, client_id).active()


def open_by_queue(user: Any | None, client_id: int | None = None) -> list[dict[str, Any]]:
    """Open items by workflow, aging bucket and status, with dollars: one grouped query, so
    the workbench header costs the same for one client or fifty."""
    rows = (open_items(user, client_id)
            .values("workflow", "aging_bucket", "status")
            .annotate(count=Count("id"), amount=Sum("amount"))
            .order_by("workflow", "aging_bucket", "status"))
    return [{"workflow": row["workflow"], "aging_bucket": row["aging_bucket"],
             "status": row["status"], "count": row["count"], "amount": money(row["amount"])}
            for row in rows]


def open_by_client(user: Any | None) -> dict[int, Tile]:
    """Open items and dollars per client id (clients with none are absent)."""
    rows = (open_items(user).values("client_id").annotate(count=Count("id"), amount=Sum("amount"))
            .order_by())
    return {row["client_id"]: Tile(row["count"], money(row["amount"])) for row in rows}


def backlog_items(user: Any | None, client_id: int) -> WorkItemQuerySet:
    return open_items(user, client_id).exclude(kind__in=QA_KINDS)


def backlog(user: Any | None, client_id: int) -> dict[str, int]:
    """Backlog per workflow: open items less QA's own work."""
    rows = backlog_items(user, client_id).values("workflow").annotate(n=Count("id")).order_by()
    return {row["workflow"]: row["n"] for row in rows}


def backlog_ages(user: Any | None, client_id: int, today: date,
                 time_zone: str) -> dict[str, list[int]]:
    """Per workflow, one age in days per backlog item (days since it opened, on the client's
    calendar; an item opened today is 0 days old and still counts)."""
    ages: dict[str, list[int]] = defaultdict(list)
    for row in (backlog_items(user, client_id)
                .annotate(day=TruncDate("created_at", tzinfo=ZoneInfo(time_zone)))
                .values("workflow", "day").annotate(n=Count("pk")).order_by()):
        ages[row["workflow"]].extend([max((today - row["day"]).days, 0)] * row["n"])
    return dict(ages)


def touches(user: Any | None, client_id: int) -> Any:
    """Every touch on the client's items the viewer may see: a person acted (see above)."""
    rows = WorkAction.objects.filter(actor__isnull=False, kind__in=TOUCH_ACTIONS)
    if user is None:
        return rows.filter(item__client_id=client_id)
    return rows.filter(item__in=items(user, client_id))


@dataclass(frozen=True)
class Worked:
    """Items a person worked in a window, and how many times they were touched."""

    items: int = 0
    touches: int = 0


def worked(user: Any | None, client_id: int, start: datetime,
           end: datetime) -> dict[str, Worked]:
    """Per workflow, distinct items touched and touches in ``[start, end)``."""
    rows = (touches(user, client_id).filter(at__gte=start, at__lt=end)
            .values("item__workflow")
            .annotate(items=Count("item", distinct=True), actions=Count("pk")).order_by())
    return {row["item__workflow"]: Worked(row["items"], row["actions"]) for row in rows}

