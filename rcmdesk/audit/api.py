from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rcmdesk.api.paging import ID_MAX, Limit
from rcmdesk.audit.services import events_of_own_organization, own_organization_chain

router = Router(tags=["audit"])


class EventOut(Schema):
    id: int
    seq: int | None  # within the client's chain; None while the event is being sealed
    at: datetime
    actor_username: str
    action: str
    object_type: str
    object_id: str
    ip: str | None
    request_id: str
    detail: dict[str, Any]


class EventFilter(Limit):
    action: str | None = None
    before_seq: int | None = Field(default=None, ge=1, le=ID_MAX)
    before_id: int | None = Field(default=None, ge=1, le=ID_MAX)


@router.get("/events", response=list[EventOut])
def list_events(request: HttpRequest, filters: Query[EventFilter]) -> list[Any]:
    """The caller's own client organization's events, newest first (client admins only);
    page on with ``before_id`` (``before_seq`` counts within the client's own chain)."""
    own_organization_chain(request.user)
    events = events_of_own_organization(request.user, filters.action or "")
    if filters.before_seq:
        events = events.filter(seq__lt=filters.before_seq)
    if filters.before_id:
        events = events.filter(id__lt=filters.before_id)
    return list(events.order_by("-id")[: filters.limit])
