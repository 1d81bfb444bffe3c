from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

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


class EventFilter(Schema):
    action: str | None = None
    before_seq: int | None = None
    limit: int = 100


@router.get("/events", response=list[EventOut])
def list_events(request: HttpRequest, filters: Query[EventFilter]) -> list[Any]:
    """The caller's own client organization's events, newest first (client admins only)."""
    events = events_of_own_organization(request.user, filters.action or "")
    if filters.before_seq:
        events = events.filter(seq__lt=filters.before_seq)
    return list(events.order_by("-seq")[: max(1, min(filters.limit, 500))])
