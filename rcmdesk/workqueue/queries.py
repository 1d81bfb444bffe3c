"""Read-only views over work items for the workbench pages, the API and the benchmarks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Min, Q, Sum

from rcmdesk.arfollowup.models import ClaimStatusRequest, ClaimStatusResponse
from rcmdesk.arfollowup.queries import Exchange, exchanges
from rcmdesk.audit.services import record_listing
from rcmdesk.decisions.models import Proposal
from rcmdesk.decisions.queries import write_offs
from rcmdesk.remits.models import RemitClaim
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue.counts import CENT, Tile, open_by_queue, open_items
from rcmdesk.workqueue.models import (
    ACTIVE_STATUSES,
    AgingBucket,
    CallLog,
    ItemKind,
    ItemStatus,
    WorkAction,
    WorkItem,
)


def queue_counts(user: Any) -> list[dict[str, Any]]:
    """Open items the user may see by workflow, aging bucket and status (``counts``)."""
    return open_by_queue(user)


def client_counts(client_id: int) -> list[dict[str, Any]]:
    """``queue_counts`` for one client as the operator sees it (the CLI has no user)."""
    return open_by_queue(None, client_id)


@dataclass
class Board:
    """Counts folded for the page: per workflow and bucket, per workflow and status."""

    buckets: list[str]
    statuses: list[str]
    rows: list[tuple[str, list[Tile], list[Tile], Tile]]  # workflow, by bucket, by status, all
    total: Tile


def board(counts: list[dict[str, Any]]) -> Board:
    """Fold ``queue_counts`` rows into the page's table (no query)."""
    buckets = [*AgingBucket.values, ""]
    statuses = list(ACTIVE_STATUSES)
    cells: dict[tuple[str, str, str], Tile] = defaultdict(Tile)
    workflows: list[str] = []
    for row in counts:
        if row["workflow"] not in workflows:
            workflows.append(row["workflow"])
        tile = Tile(row["count"], Decimal(row["amount"]).quantize(CENT))
        cells[("b", row["workflow"], row["aging_bucket"])] += tile
        cells[("s", row["workflow"], row["status"])] += tile
    rows, total = [], Tile()
    for wf in workflows:
        by_bucket = [cells[("b", wf, b)] for b in buckets]
        everything = sum(by_bucket, Tile())
        total += everything
        rows.append((wf, by_bucket, [cells[("s", wf, s)] for s in statuses], everything))
    return Board(buckets, [str(s) for s in statuses], rows, total)


@dataclass(frozen=True)
class ItemFilter:
    workflow: str = ""
    kind: str = ""
    status: str = ""  # "" means every active status; "done" lists closed items
    bucket: str = ""
    payer: str = ""  # payer name or id
    assignee: str = ""  # "me", "none" or a username

    @classmethod
    def from_params(cls, params: Any) -> ItemFilter:
        return cls(**{name: str(params.get(name, "") or "")[:100]
                      for name in ("workflow", "kind", "status", "bucket", "payer",
                                   "assignee")})


def search(user: Any, f: ItemFilter) -> Any:
    """The filtered item list, most valuable first; unknown filter values are ignored."""
    items = (WorkItem.objects.visible_to(user)
             .select_related("client", "claim__payer", "assignee")
             .order_by("-priority", "id"))
    items = items.filter(status=f.status) if f.status in ItemStatus.values else items.active()
    if f.workflow in Workflow._value2member_map_:
        items = items.filter(workflow=f.workflow)
    if f.kind in ItemKind.values:
        items = items.filter(kind=f.kind)
    if f.bucket in AgingBucket.values:
        items = items.filter(aging_bucket=f.bucket)
    if f.payer.strip():
        payer = f.payer.strip()
        items = items.filter(Q(claim__payer__name__icontains=payer)
                             | Q(claim__payer__payer_id__iexact=payer))
    if f.assignee == "me":
        items = items.filter(assignee=user)
    elif f.assignee == "none":
        items = items.filter(assignee__isnull=True)
    elif f.assignee:
        items = items.filter(assignee__username=f.assignee)
    return items


def my_items(user: Any) -> Any:
    """Items assigned or leased to the user, the next follow-up first."""
    return (WorkItem.objects.visible_to(user).active().filter(assignee=user)
            .select_related("client", "claim")
            .order_by(F("follow_up_on").asc(nulls_first=True), "-priority", "id"))


def get_item(user: Any, item_id: int) -> WorkItem:
    item: WorkItem = (WorkItem.objects.select_related("client", "claim__payer",
                                                      "claim__patient", "assignee")
                      .get_visible_or_404(user, pk=item_id))
    return item


def audit_listing(items: Iterable[WorkItem], *, detail: dict[str, Any]) -> None:
    """Item titles name claims: one "list" event per client, naming the items shown."""
    record_listing(items, "workqueue.workitem", key="items", detail=detail)


@dataclass
class ItemPage:
    item: WorkItem
    history: list[WorkAction]
    remits: list[Any]
    points: int
    days_left: int | None
    today: date
    status: list[Exchange]  # the claim's 276s and 277 answers
    written_off: dict[int, Any]  # remit adjustment id -> the posted write-off that settled it


def history(item: WorkItem) -> list[WorkAction]:
    """The item's history, oldest first, each action with its call log (``call_of``)."""
    return list(item.actions.select_related("actor", "call").order_by("at", "id"))


def call_of(action: WorkAction) -> CallLog | None:
    """The call / portal log kept with ``action``, if any (read by ``history``'s join)."""
    try:
        call: CallLog = action.call  # type: ignore[attr-defined]
    except CallLog.DoesNotExist:
        return None
    return call


def claim_calls(user: Any, claim_id: int) -> list[CallLog]:
    """Every payer call and portal check logged on the claim's work items that ``user`` may
    see, oldest first, with the item and who made it: the claim page's timeline."""
    items = WorkItem.objects.visible_to(user).filter(claim_id=claim_id).values("pk")
    return list(CallLog.objects.filter(claim_id=claim_id, item_id__in=items)
                .select_related("item", "action__actor").order_by("at", "id"))


def item_page(item: WorkItem, today: date) -> ItemPage:
    """What the item page shows besides the item: history and the claim's remits."""
    history_rows = history(item)
    remits: list[Any] = []
    status: list[Exchange] = []
    written_off: dict[int, Any] = {}
    if item.claim_id is not None:
        written_off = write_offs(Proposal.objects.all(), item.claim_id).by_adjustment
        status = exchanges(ClaimStatusRequest.objects.all(), ClaimStatusResponse.objects.all(),
                           item.claim_id)
        remits = list(RemitClaim.objects.filter(claim_id=item.claim_id)
                      .select_related("remittance")
                      .prefetch_related("adjustments")
                      .order_by("remittance__payment_date", "remittance_id", "index"))
    points = sum(int(f.get("points", 0)) for f in item.priority_factors
                 if isinstance(f, dict))
    return ItemPage(item, history_rows, remits, points, item.days_to_deadline(today), today,
                    status, written_off)


@dataclass(frozen=True)
class Workload:
    """One person's load, for the supervisor's team view."""

    user_id: int
    username: str
    leased: int
    assigned: int
    pending: int
    oldest: datetime | None


def team(user: Any, now: datetime) -> tuple[list[Workload], list[dict[str, Any]]]:
    """Per assignee counts and oldest item, and unassigned counts per workflow (two queries).

    Only supervisors see the team: the check lives here so every caller gets it."""
    if not allows(user, Action.ASSIGN_WORK):
        raise PermissionDenied("Only supervisors (client admins, partner leads) see the team.")
    active = open_items(user)
    pending = (ItemStatus.PENDING_PAYER, ItemStatus.PENDING_CLIENT_DECISION)
    rows = (active.filter(assignee__isnull=False)
            .values("assignee_id", "assignee__username")
            .annotate(leased=Count("id", filter=Q(status=ItemStatus.IN_PROGRESS,
                                                    lease_expires_at__gt=now)),
                      assigned=Count("id", filter=Q(status=ItemStatus.OPEN)),
                      pending=Count("id", filter=Q(status__in=pending)),
                      oldest=Min("created_at"))
            .order_by("assignee__username"))
    people = [Workload(r["assignee_id"], r["assignee__username"], r["leased"], r["assigned"],
                       r["pending"], r["oldest"]) for r in rows]
    unassigned = list(active.filter(assignee__isnull=True).values("workflow")
                      .annotate(count=Count("id"), amount=Sum("amount"), oldest=Min("created_at"))
                      .order_by("workflow"))
    return people, unassigned
