"""The SOP side of an audit: which version was in force, its checklist, and its text.

``rcmdesk.playbooks`` owns SOPs; QA asks it, so the points an auditor scores are the client's
own (or playbooks' default list when the client has written none).
"""

from __future__ import annotations

from django.utils.safestring import SafeString

from rcmdesk.playbooks import sops
from rcmdesk.playbooks.models import SopVersion
from rcmdesk.playbooks.rendering import render_markdown
from rcmdesk.workqueue.models import WorkAction, WorkItem


def version_for(item: WorkItem) -> SopVersion | None:
    """The version recorded on the item's last action, else the one in force when it closed
    (items worked before versions were recorded on actions)."""
    last = (WorkAction.objects.filter(item=item, sop_version__isnull=False)
            .select_related("sop_version").order_by("-at", "-id").first())
    if last is not None:
        return last.sop_version
    return sops.sop_for_item(item, at=item.closed_at)


def checklist_for(version: SopVersion | None) -> list[str]:
    return sops.checklist_for(version)


def render_sop(version: SopVersion | None) -> SafeString | str:
    """Safe HTML of the version's body (playbooks' sanitising renderer)."""
    return render_markdown(version.body) if version is not None else ""
