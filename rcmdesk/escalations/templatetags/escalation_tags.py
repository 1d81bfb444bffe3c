"""Escalations about a work item, for the item page (outside this app)."""

from __future__ import annotations

from typing import Any

from django import template

from rcmdesk.escalations import services
from rcmdesk.escalations.models import Escalation

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
