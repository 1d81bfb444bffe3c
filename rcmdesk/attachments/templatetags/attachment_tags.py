"""The documents panel on an owner's page (appeal, work item, decision; the claim page too
when the lead adds it): ``{% load attachment_tags %}{% attachments_panel obj %}``."""

from __future__ import annotations

from typing import Any

from django import template

from rcmdesk.attachments.models import OwnerKind
from rcmdesk.attachments.owners import MODELS, Owner
from rcmdesk.attachments.views import panel_context

register = template.Library()


@register.inclusion_tag("attachments/_panel.html", takes_context=True)
def attachments_panel(context: Any, obj: Any) -> dict[str, Any]:
    """The panel for ``obj``, an object the page already fetched through its visibility."""
    request = context.get("request")
    user = getattr(request, "user", None)
    kind = next((k for k, model in MODELS.items() if isinstance(obj, model)), None)
    if kind is None or user is None or not user.is_authenticated:
        return {"owner": None}
    return {**panel_context(user, Owner(OwnerKind(kind), obj)),
            "csrf_token": context.get("csrf_token"), "request": request}
