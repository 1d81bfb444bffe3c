"""The SOP beside the work: for the work item page, outside this app."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from rcmdesk.playbooks.models import SopVersion
from rcmdesk.playbooks.rendering import render_markdown
from rcmdesk.playbooks.sops import checklist_for, sop_for_item

register = template.Library()


@register.simple_tag
def item_sop(item: Any, history: Any = None) -> dict[str, Any]:
    """The SOP in force for ``item`` now, and which version each past action was taken under.

    The viewer already may see the item (the page checked), so the item's workflow is in the
    viewer's scope, and so is the SOP in force for it: no further check is needed here.
    """
    version = sop_for_item(item) if item is not None else None
    actions = [a for a in (history or []) if getattr(a, "sop_version_id", None)]
    ids = {a.sop_version_id for a in actions}
    numbers = dict(SopVersion.objects.filter(pk__in=ids).values_list("pk", "number")) if ids \
        else {}
    return {
        "version": version,
        "html": render_markdown(version.body) if version else SafeString(""),
        "checklist": checklist_for(version) if version else [],
        "worked_under": [(a, numbers.get(a.sop_version_id)) for a in actions],
    }
