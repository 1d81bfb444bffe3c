"""Escalations about a work item, for the item page (outside this app)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from rcmdesk import labels
from rcmdesk.calendar import NO_FLAG, DeadlineFlag, deadline_flag
from rcmdesk.escalations import services
from rcmdesk.escalations.models import Escalation, EscalationStatus

register = template.Library()
SHOWN = 10


@register.simple_tag(takes_context=True)
def item_escalations(context: Any, item: Any) -> dict[str, Any]:
    """The item's escalations the viewer sees, and whether they may raise another."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if item is None or user is None or not user.is_authenticated:
        return {"rows": [], "may_raise": False}
    rows: list[Escalation] = list(
        Escalation.objects.visible_to(user).filter(item=item).select_related("owner")
        .order_by("-created_at")[:SHOWN])
    return {"rows": rows, "may_raise": services.may_raise(user, item.client_id)}


@register.simple_tag
def response_flag(e: Escalation) -> DeadlineFlag:
    """The first-response clock as every list flags a deadline: past once overdue, near
    within a week of the due day on the owner's calendar; nothing once answered."""
    if e.first_response_at is not None or e.status != EscalationStatus.OPEN:
        return NO_FLAG
    now = timezone.now()
    if e.is_overdue(now):
        return DeadlineFlag("past", "overdue")
    due = services.local(e.response_due_at, e.owner_time_zone)
    today = services.local(now, e.owner_time_zone)
    return NO_FLAG if due is None or today is None else deadline_flag(due.date(), today.date())


@register.filter
def event_words(kind: str) -> str:
    """An escalation event in words: "acknowledged", "reassigned", "raised"."""
    return services.PAST.get(kind) or labels.label(kind).lower()
