"""Appeals where other pages show them: the deadline flag (``denials/_deadline.html``) and
the item page's appeals box (one include line in workqueue/item.html)."""

from __future__ import annotations

from typing import Any

from django import template

from rcmdesk.denials import queries
from rcmdesk.denials.deadlines import DeadlineFlag, deadline_flag
from rcmdesk.denials.models import Appeal
from rcmdesk.workqueue.models import WorkItem

register = template.Library()


@register.simple_tag
def appeal_flag(appeal: Appeal) -> DeadlineFlag:
    return deadline_flag(appeal)


@register.simple_tag(takes_context=True)
def item_appeals(context: Any, item: WorkItem | None) -> list[queries.AppealRow]:
    """The item's appeals the reader may see, level by level."""
    user = getattr(context.get("request"), "user", None)
    if item is None or user is None:
        return []
    return queries.rows(queries.visible(user).filter(item=item).order_by("level", "id"))
