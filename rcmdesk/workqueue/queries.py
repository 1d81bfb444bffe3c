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

from rcmdesk.accounts.models import User
from rcmdesk.arfollowup.models import ClaimStatusRequest, ClaimStatusResponse
from rcmdesk.arfollowup.queries import Exchange, exchanges
from rcmdesk.audit.services import record_listing
from rcmdesk.calendar import DeadlineFlag, deadline_flag, local_date
from rcmdesk.decisions.models import Proposal
from rcmdesk.decisions.queries import write_offs
from rcmdesk.remits.models import RemitClaim
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import Action, OrgKind, Role, Workflow, role_allows
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue.counts import CENT, Tile, open_by_queue, open_items
from rcmdesk.workqueue.facts import Code, Fact, denial_codes, facts
from rcmdesk.workqueue.models import (
    ACTIVE_STATUSES,
    KIND_WORKFLOW,
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
    client: str = ""  # a client organization's id (one the viewer sees, else nothing)
    q: str = ""  # free text: patient, claim number (ours or the payer's), payer, item number

    @classmethod
    def from_params(cls, params: Any) -> ItemFilter:
        return cls(**{name: str(params.get(name, "") or "")[:100]
                      for name in ("workflow", "kind", "status", "bucket", "payer",
                                   "assignee", "client", "q")})


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
    if f.client.isdigit():
        items = items.filter(client_id=int(f.client))
    if f.payer.strip():
        payer = f.payer.strip()
        items = items.filter(Q(claim__payer__name__icontains=payer)
                             | Q(claim__payer__payer_id__iexact=payer))
    for word in f.q.replace(",", " ").split()[:5]:
        items = items.filter(_matches(word))
    if f.assignee == "me":
        items = items.filter(assignee=user)
    elif f.assignee == "none":
        items = items.filter(assignee__isnull=True)
    elif f.assignee:
        items = items.filter(assignee__username=f.assignee)
    return items


def _matches(word: str) -> Q:
    """One word of the free-text filter: a patient's name, our claim number or the payer's,
    the payer's name or id, the item's title, or its number ("#123")."""
    found = (Q(title__icontains=word) | Q(claim__patient_control_number__icontains=word)
             | Q(claim__payer_claim_control_number__icontains=word)
             | Q(claim__payer__name__icontains=word) | Q(claim__payer__payer_id__iexact=word)
             | Q(claim__patient__last_name__icontains=word)
             | Q(claim__patient__first_name__icontains=word))
    number = word.lstrip("#")
    return found | Q(pk=int(number)) if number.isdigit() and len(number) < 10 else found


@dataclass(frozen=True)
class FilterChoices:
    """What the workbench's filters offer: only clients and workflows the viewer sees
    (a filter never names a workflow the user has none of, nor another tenant)."""

    clients: list[tuple[int, str]]
    workflows: list[Workflow]
    kinds: list[str]  # the kinds of items those workflows hold


def filter_choices(user: Any) -> FilterChoices:
    visibility = visibility_for(user)
    seen = {wf for wfs in visibility.workflows_by_client.values() for wf in wfs}
    workflows = [wf for wf in dict.fromkeys(KIND_WORKFLOW.values()) if wf in seen]
    clients = list(Organization.objects.filter(pk__in=visibility.client_ids)
                   .order_by("name").values_list("pk", "name"))
    kinds = [k for k in ItemKind.values if KIND_WORKFLOW[k] in workflows]
    return FilterChoices(clients, workflows, kinds)


WORKING_ROLES = frozenset(r for r in Role if role_allows(r, Action.WORK_ITEMS))


def eligible_workers(scopes: Iterable[tuple[int, Workflow]]) -> list[User]:
    """Active people who may take items of each (client, workflow) in ``scopes`` — any of
    them: a client's own staff whose role works items, and partner staff whose role works
    items and who are assigned to an active engagement of that client covering the workflow.

    These are the questions ``authz.require(WORK_ITEMS)`` asks of an assignee, asked of
    everyone at once (two queries), so an assignment picker offers only people the
    assignment would accept.
    """
    wanted: dict[int, set[Workflow]] = defaultdict(set)
    for client_id, workflow in scopes:
        wanted[client_id].add(Workflow(workflow))
    if not wanted:
        return []
    engagements = [e.pk for e in Engagement.objects.filter(
        client_id__in=wanted, client__is_active=True, partner__is_active=True)
        if e.is_active() and e.workflows() & wanted[e.client_id]]
    client_roles = [r.value for r in WORKING_ROLES if r.org_kind is OrgKind.CLIENT]
    partner_roles = [r.value for r in WORKING_ROLES if r.org_kind is OrgKind.PARTNER]
    own_staff = Q(organization_id__in=wanted, role__in=client_roles)
    partner_staff = Q(assignments__engagement_id__in=engagements, role__in=partner_roles,
                      organization_id=F("assignments__engagement__partner_id"))
    return list(User.objects.filter(own_staff | partner_staff, is_active=True,
                                    organization__is_active=True)
                .select_related("organization").distinct()
                .order_by("first_name", "last_name", "username"))


def assignable_scopes(user: Any, f: ItemFilter | None = None) -> list[tuple[int, Workflow]]:
    """The (client, workflow) pairs whose items ``user`` may hand out, narrowed to the
    list's client and workflow filters when they are set."""
    if not allows(user, Action.ASSIGN_WORK):
        return []
    visibility = visibility_for(user)
    pairs = [(client_id, wf) for client_id, wfs in visibility.workflows_by_client.items()
             if client_id not in visibility.read_only_clients for wf in wfs]
    if f is not None and f.client.isdigit():
        pairs = [p for p in pairs if p[0] == int(f.client)]
    if f is not None and f.workflow:
        pairs = [p for p in pairs if p[1] == f.workflow]
    return pairs


@dataclass(frozen=True)
class Age:
    """How old an item's problem is, and counted from what (the office asks "how old is the
    denial", and a bucket alone does not say it)."""

    days: int
    since: str  # "the date of service", "the denial", "it was opened"


def item_age(item: WorkItem, today: date) -> Age:
    """Days since the date of service when the item knows it (the claim's, or the one the
    producer noted), else since the item was opened."""
    service = item.claim.service_from if item.claim_id and item.claim else None
    service = service or _iso_day(item.detail.get("service_date"))
    if service is not None:
        return Age((today - service).days, "the date of service")
    opened = local_date(item.created_at, item.client.time_zone)
    return Age(max(0, (today - opened).days), "it was opened")


def denied_days_ago(item: WorkItem, today: date) -> int | None:
    """For a denial: days since the remit that denied it (``detail["remit_date"]``)."""
    day = _iso_day(item.detail.get("remit_date"))
    return None if day is None else (today - day).days


def _iso_day(text: Any) -> date | None:
    """A day the producer noted in ``detail`` (ISO text), or None."""
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Row:
    """One item as a list shows it: its age and its deadline flag on the client's day."""

    item: WorkItem
    age: Age
    flag: DeadlineFlag


def rows(items: Iterable[WorkItem]) -> list[Row]:
    """The list's rows (no query: the client is already joined)."""
    days: dict[int, date] = {}
    found = []
    for item in items:
        today = days.get(item.client_id) or days.setdefault(item.client_id, item.client.today())
        found.append(Row(item, item_age(item, today), deadline_flag(item.deadline, today)))
    return found


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
    age: Age
    flag: DeadlineFlag  # the deadline, past or near, on the client's day
    denied_days_ago: int | None
    facts: list[Fact]  # ``detail`` in words
    codes: list[Code]  # a denial's CARCs and RARCs, code + category


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
                    status, written_off, item_age(item, today),
                    deadline_flag(item.deadline, today), denied_days_ago(item, today),
                    facts(item), denial_codes(item))


@dataclass(frozen=True)
class Workload:
    """One person's load, for the supervisor's team view."""

    user_id: int
    username: str
    name: str  # the person's full name, else their username
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
            .values("assignee_id", "assignee__username", "assignee__first_name",
                    "assignee__last_name")
            .annotate(leased=Count("id", filter=Q(status=ItemStatus.IN_PROGRESS,
                                                    lease_expires_at__gt=now)),
                      assigned=Count("id", filter=Q(status=ItemStatus.OPEN)),
                      pending=Count("id", filter=Q(status__in=pending)),
                      oldest=Min("created_at"))
            .order_by("assignee__username"))
    people = [Workload(r["assignee_id"], r["assignee__username"],
                       f'{r["assignee__first_name"]} {r["assignee__last_name"]}'.strip()
                       or r["assignee__username"], r["leased"], r["assigned"], r["pending"],
                       r["oldest"]) for r in rows]
    unassigned = list(active.filter(assignee__isnull=True).values("workflow")
                      .annotate(count=Count("id"), amount=Sum("amount"), oldest=Min("created_at"))
                      .order_by("workflow"))
    return people, unassigned
