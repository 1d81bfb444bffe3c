"""The QA audit behind a QA item, for the work item page (one include line there)."""

from __future__ import annotations

from typing import Any

from django import template

from rcmdesk.qa.models import Audit
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
