from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rcmdesk.api.paging import ID_MAX, Limit
from rcmdesk.audit.services import events_of_own_organization

router = Router(tags=["audit"])


class EventOut(Schema):
    seq: int
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


@router.get("/events", response=list[EventOut])
def list_events(request: HttpRequest, filters: Query[EventFilter]) -> list[Any]:
    """The caller's own client organization's events, newest first (client admins only)."""
    events = events_of_own_organization(request.user, filters.action or "")
    if filters.before_seq:
        events = events.filter(seq__lt=filters.before_seq)
    return list(events.order_by("-seq")[: filters.limit])
