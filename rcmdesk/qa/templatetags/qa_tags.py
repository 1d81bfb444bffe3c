"""The QA audit behind a QA item, for the work item page (one include line there)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from rcmdesk.calendar import NO_FLAG, DeadlineFlag, deadline_flag
from rcmdesk.qa.models import Audit
from rcmdesk.web.templatetags.present import pct
from rcmdesk.workqueue.models import ItemKind

register = template.Library()


@register.simple_tag(takes_context=True)
def item_audit(context: dict[str, Any], item: Any) -> Audit | None:
    """The audit a QA_AUDIT or QA_FEEDBACK item stands for, if the viewer may see it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if item is None or user is None or item.kind not in (ItemKind.QA_AUDIT,
                                                         ItemKind.QA_FEEDBACK):
        return None
    audit_id = item.detail.get("audit_id") if isinstance(item.detail, dict) else None
    if not isinstance(audit_id, int):
        return None
    found: Audit | None = (Audit.objects.visible_to(user).filter(pk=audit_id)
                           .prefetch_related("points").first())
    return found


@register.filter
def audit_percent(score: Decimal | None) -> str:
    """An audit's score (stored as a fraction, 0.8571) as the percentage people read."""
    return pct(None if score is None else score * 100)


@register.simple_tag
def acknowledge_flag(audit: Audit) -> DeadlineFlag:
    """How near the specialist's acknowledgment is to its due day (the feedback item's),
    on the client's calendar; nothing once acknowledged."""
    item = audit.feedback_item
    if item is None or audit.acknowledged_at is not None:
        return NO_FLAG
    return deadline_flag(item.due_on, audit.client.today())
