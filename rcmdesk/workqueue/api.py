"""Work items over the API: list, read (with an ETag), get next, act, bulk, counts.

Changes are conditional: ``POST /items/{id}/actions`` needs the item's ETag in ``If-Match``
(or its ``version`` in the body) and answers 412 Precondition Failed when the item changed
since, 428 when neither is given. Another tenant's item answers 404 like a missing one,
before any precondition is looked at.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from rcmdesk.api.paging import Page
from rcmdesk.api.problems import Problem
from rcmdesk.audit.services import record
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.workqueue import bulk, queries, services
from rcmdesk.workqueue.actionsets import action_set
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkAction, WorkItem

router = Router(tags=["work"])
CENT = Decimal("0.01")


class ItemOut(Schema):
    id: int
    client: str
    workflow: str
    kind: str
    title: str
    category: str
    aging_bucket: str
    status: str
    amount: Decimal
    priority: int
    deadline: date | None
    due_on: date | None
    follow_up_on: date | None
    assignee: str | None
    lease_expires_at: datetime | None
    claim_id: int | None
    touches: int
    version: int
    etag: str


class FactorOut(Schema):
    name: str
    points: int
    why: str


class CallOut(Schema):
    channel: str
    contact: str
    reference: str
    said: str


class ActionOut(Schema):
    at: datetime
    actor: str | None
    kind: str
    note: str
    outcome: str
    from_status: str
    to_status: str
    call: CallOut | None = None  # the payer call / portal check's log, when one was kept


class ItemDetailOut(ItemOut):
    actions: list[str]  # what may be recorded on this kind of item
    status_request: bool  # whether a 276 may be asked from it
    detail: dict[str, Any]
    priority_factors: list[FactorOut]
    days_to_deadline: int | None
    history: list[ActionOut]


class ItemQuery(Page):
    workflow: str = ""
    kind: str = ""
    status: str = ""
    bucket: str = ""
    payer: str = ""
    assignee: str = ""


class NextIn(Schema):
    workflow: str | None = None
    kind: str | None = None


class CallIn(Schema):
    """The log of a payer call or portal check (``called_payer`` / ``checked_portal``)."""

    channel: str = ""  # phone, portal, fax, email, chat; blank: by the action
    contact: str = ""  # the payer's representative, or the portal
    reference: str = ""  # the payer's call reference number
    said: str = ""


class ActionIn(Schema):
    """``kind`` is one of the item's actions (``actions`` on the item), or ``claim`` /
    ``release``."""

    kind: str
    note: str = ""
    outcome: str = ""
    status: str | None = None  # pending_payer, pending_client_decision, done, open
    follow_up_on: date | None = None
    version: int | None = None
    call: CallIn | None = None


class BulkIn(Schema):
    action: str
    ids: list[int]
    params: dict[str, Any] = {}


class BulkOut(Schema):
    done: list[int]
    skipped: dict[int, str]


class CountOut(Schema):
    workflow: str
    aging_bucket: str
    status: str
    count: int
    amount: Decimal


def _item_out(i: WorkItem) -> dict[str, Any]:
    return {"id": i.pk, "client": i.client.slug, "workflow": i.workflow, "kind": i.kind,
            "title": i.title, "category": i.category, "aging_bucket": i.aging_bucket,
            "status": i.status, "amount": i.amount, "priority": i.priority,
            "deadline": i.deadline, "due_on": i.due_on, "follow_up_on": i.follow_up_on,
            "assignee": i.assignee.username if i.assignee else None,
            "lease_expires_at": i.lease_expires_at, "claim_id": i.claim_id,
            "touches": i.touches, "version": i.version, "etag": i.etag}


@router.get("/items", response=list[ItemOut])
def list_items(request: HttpRequest, filters: Query[ItemQuery]) -> list[dict[str, Any]]:
    """Active items you may see (or ``status=done``), most valuable first; listing is audited."""
    f = queries.ItemFilter(**{k: str(v)[:100] for k, v in filters.dict().items()
                              if k not in ("limit", "offset")})
    offset = filters.offset
    items = list(queries.search(request.user, f)[offset: offset + filters.limit])
    queries.audit_listing(items, detail={"api": True, "offset": offset, **vars(f)})
    return [_item_out(i) for i in items]


@router.post("/items/bulk", response={200: BulkOut, 400: Problem})
def bulk_items(request: HttpRequest, body: BulkIn) -> Any:
    """Apply one action to many items; each one that is stale or not yours is skipped."""
    p = body.params
    try:
        until = date.fromisoformat(str(p["until"])) if p.get("until") else None
    except ValueError as exc:
        return Status(400, {"detail": str(exc)})
    params = bulk.Params(assignee=str(p.get("assignee", "")), until=until,
                         outcome=str(p.get("outcome", "")), note=str(p.get("note", "")))
    result = bulk.run(body.action, body.ids, params, acting_user=request.user)
    return Status(200, {"done": result.done, "skipped": result.skipped})


@router.get("/items/{int:item_id}", response=ItemDetailOut)
def get_item(request: HttpRequest, item_id: int, response: HttpResponse) -> dict[str, Any]:
    """One item with its history and priority explanation; the ETag header is its version."""
    item = queries.get_item(request.user, item_id)
    record("read", client_id=item.client_id, obj=item)
    response["ETag"] = item.etag
    return _detail_out(item)


def _detail_out(item: WorkItem) -> dict[str, Any]:
    actions = action_set(item.kind)
    return {**_item_out(item), "detail": item.detail,
            "actions": [k.value for k in actions.record],
            "status_request": actions.status_request,
            "priority_factors": [f for f in item.priority_factors if isinstance(f, dict)],
            "days_to_deadline": item.days_to_deadline(item.client.today()),
            "history": [_action_out(a) for a in queries.history(item)]}


def _action_out(a: WorkAction) -> dict[str, Any]:
    call = queries.call_of(a)
    return {"at": a.at, "actor": a.actor.username if a.actor else None,
            "kind": a.kind, "note": a.note, "outcome": a.outcome,
            "from_status": a.from_status, "to_status": a.to_status,
            "call": None if call is None else {"channel": call.channel, "contact": call.contact,
                                               "reference": call.reference,
                                               "said": call.said}}


@router.post("/next", response={200: ItemOut, 204: None})
def next_item(request: HttpRequest, body: NextIn, response: HttpResponse) -> Any:
    """The highest-priority item you may work, leased to you; 204 when the queue is empty."""
    wf = Workflow(body.workflow) if body.workflow and body.workflow in Workflow else None
    kind = body.kind if body.kind in ItemKind.values else None
    item = services.claim_next(acting_user=request.user, workflow=wf, kind=kind)
    if item is None:
        return Status(204, None)
    item = queries.get_item(request.user, item.pk)
    response["ETag"] = item.etag
    return Status(200, _item_out(item))


@router.post("/items/{int:item_id}/actions",
             response={200: ItemDetailOut, 400: Problem, 403: Problem, 412: Problem,
                       428: Problem})
def act_on_item(request: HttpRequest, item_id: int, body: ActionIn,
                response: HttpResponse) -> Any:
    """Claim, release, or record an action; conditional on the ETag you read (If-Match)."""
    item = queries.get_item(request.user, item_id)
    version = _precondition(request, item, body.version)
    if version is None:
        return Status(428, {"detail": "Send the item's ETag in If-Match (or its version)."})
    try:
        changed = _apply(request.user, item, version, body)
    except ValueError as exc:  # an unknown action or status (_apply's own reading)
        return Status(400, {"detail": str(exc)})
    changed = queries.get_item(request.user, item_id)
    response["ETag"] = changed.etag
    return Status(200, _detail_out(changed))


def _precondition(request: HttpRequest, item: WorkItem, version: int | None) -> int | None:
    """The version the caller last saw: from If-Match (an ETag of this item) or the body."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        tag = header.removeprefix("W/").strip('"')
        pk, _, number = tag.partition("-")
        if pk != str(item.pk) or not number.isdigit():
            return 0  # names another item or no version: can never match
        return int(number)
    return version


def _apply(user: Any, item: WorkItem, version: int, body: ActionIn) -> WorkItem:
    if body.kind == "claim":
        return services.claim(item, version, acting_user=user)
    if body.kind == "release":
        return services.release(item, version, acting_user=user)
    allowed = action_set(item.kind)
    if not allowed.allows(body.kind):
        raise ValueError(f"Unknown action {body.kind!r} for a {item.get_kind_display()} item; "
                         f"one of claim, release, "
                         f"{', '.join(k.value for k in allowed.record)}.")
    status = ItemStatus(body.status) if body.status else None
    if status is ItemStatus.PENDING_PAYER and body.follow_up_on is None:
        raise ValueError("Pending payer needs follow_up_on.")
    call = (services.Call(body.call.channel, body.call.contact, body.call.reference,
                          body.call.said) if body.call is not None else None)
    step = services.Step(ActionKind(body.kind), note=body.note, outcome=body.outcome,
                         status=status, follow_up_on=body.follow_up_on, call=call)
    return services.act(item, version, step, acting_user=user)


@router.get("/counts", response=list[CountOut])
def counts(request: HttpRequest) -> list[dict[str, Any]]:
    """Active items you may see by workflow, aging bucket and status, with dollar totals."""
    return [{**row, "amount": Decimal(row["amount"]).quantize(CENT)}
            for row in queries.queue_counts(request.user)]
