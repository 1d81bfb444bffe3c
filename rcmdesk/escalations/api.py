"""Escalations over the API: list (board filters), raise, read (thread and history), post to
the thread, and move one (acknowledge, respond, reassign, resolve, reopen, close).

Another tenant's escalation answers 404 like a missing one; a person who may not act 403; a
stale version 409. Reads and listings are audited like the pages'.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from rcmdesk.api.paging import Page
from rcmdesk.api.problems import Problem
from rcmdesk.audit.services import record, record_listing
from rcmdesk.escalations import services
from rcmdesk.escalations.models import Escalation

router = Router(tags=["escalations"])


class EscalationOut(Schema):
    id: int
    client: str
    kind: str
    subject: str
    status: str
    owner: str
    owner_time_zone: str
    raised_by: str
    sla_hours: Decimal
    response_due_at: datetime
    response_due_local: datetime  # the same instant on the owner's clock
    overdue: bool
    first_response_at: datetime | None
    resolved_at: datetime | None
    item_id: int | None
    claim_id: int | None
    payer_id: int | None
    created_at: datetime
    version: int


class MessageOut(Schema):
    author: str
    body: str
    at: datetime


class EscalationEventOut(Schema):
    kind: str
    actor: str
    from_status: str
    to_status: str
    note: str
    detail: dict[str, Any]
    at: datetime


class EscalationDetailOut(EscalationOut):
    body: str
    messages: list[MessageOut]
    history: list[EscalationEventOut]


class ListQuery(Page):
    client: str = ""
    kind: str = ""
    mine: bool = False
    overdue: bool = False
    include_closed: bool = False


class EscalationIn(Schema):
    client: str
    kind: str
    subject: str
    body: str
    owner: str = ""  # username; default: the engagement's partner lead
    item_id: int | None = None


class MessageIn(Schema):
    body: str


class TransitionIn(Schema):
    action: str
    version: int
    note: str = ""
    owner: str = ""  # for reassign


def _out(e: Escalation, now: datetime) -> dict[str, Any]:
    return {"id": e.pk, "client": e.client.slug, "kind": e.kind, "subject": e.subject,
            "status": e.status, "owner": e.owner.username, "owner_time_zone": e.owner_time_zone,
            "raised_by": e.raised_by.username, "sla_hours": e.sla_hours,
            "response_due_at": e.response_due_at,
            "response_due_local": services.local(e.response_due_at, e.owner_time_zone),
            "overdue": e.is_overdue(now), "first_response_at": e.first_response_at,
            "resolved_at": e.resolved_at, "item_id": e.item_id, "claim_id": e.claim_id,
            "payer_id": e.payer_id, "created_at": e.created_at, "version": e.version}


def _detail(e: Escalation) -> dict[str, Any]:
    return {**_out(e, timezone.now()), "body": e.body,
            "messages": [{"author": m.author.username, "body": m.body, "at": m.at}
                         for m in e.messages.select_related("author")],
            "history": [{"kind": v.kind, "actor": v.actor.username if v.actor else "",
                         "from_status": v.from_status, "to_status": v.to_status,
                         "note": v.note, "detail": v.detail, "at": v.at}
                        for v in e.events.select_related("actor")]}


@router.get("", response=list[EscalationOut])
def list_escalations(request: HttpRequest, q: Query[ListQuery]) -> list[dict[str, Any]]:
    now = timezone.now()
    f = services.BoardFilter(client=q.client[:60], kind=q.kind[:16], mine=q.mine,
                             overdue_only=q.overdue, include_closed=q.include_closed)
    rows = list(services.search(request.user, f, now)[q.offset:q.offset + q.limit])
    record_listing(rows, "escalations.escalation", key="escalations", detail={"api": True})
    return [_out(e, now) for e in rows]


@router.get("/{int:escalation_id}", response=EscalationDetailOut)
def get_escalation(request: HttpRequest, escalation_id: int) -> dict[str, Any]:
    esc = services.get_visible(request.user, escalation_id)
    record("read", client_id=esc.client_id, obj=esc)
    return _detail(esc)


@router.post("", response={201: EscalationDetailOut, 400: Problem})
def create(request: HttpRequest, body: EscalationIn) -> Any:
    client = services.client_for(request.user, body.client[:60])
    if client is None:
        services.require_visible_client(request.user, body.client[:60])  # 404 out of sight
        raise services.NotAllowed("You may not raise escalations for this client.")
    item = None
    if body.item_id is not None:
        from rcmdesk.workqueue.models import WorkItem

        item = WorkItem.objects.get_visible_or_404(request.user, pk=body.item_id)
    owner = services.find_user(body.owner) if body.owner else None
    esc = services.create_escalation(client, body.kind, body.subject, body.body,
                                     acting_user=request.user, item=item, owner=owner)
    return Status(201, _detail(services.get_visible(request.user, esc.pk)))


@router.post("/{int:escalation_id}/messages", response={201: EscalationDetailOut,
                                                        400: Problem})
def post_message(request: HttpRequest, escalation_id: int, body: MessageIn) -> Any:
    esc = services.get_visible(request.user, escalation_id)
    services.post_message(esc, body.body, acting_user=request.user)
    return Status(201, _detail(services.get_visible(request.user, esc.pk)))


@router.post("/{int:escalation_id}/transition", response={200: EscalationDetailOut,
                                                          400: Problem, 409: Problem})
def transition(request: HttpRequest, escalation_id: int, body: TransitionIn) -> Any:
    esc = services.get_visible(request.user, escalation_id)
    owner = services.find_user(body.owner) if body.owner else None
    services.transition(esc, body.action, body.version, acting_user=request.user,
                        note=body.note, owner=owner)
    return Status(200, _detail(services.get_visible(request.user, esc.pk)))
