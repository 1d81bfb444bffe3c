"""The SOP side of an audit: which version was in force, and its checklist.

``rcmdesk.playbooks.sops`` (helper G) answers both; until it is importable these fall back
to "no version" and a short default checklist, so QA works on a client with no SOPs yet.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from types import ModuleType
from typing import Any

from rcmdesk.workqueue.models import WorkAction, WorkItem

DEFAULT_CHECKLIST = [
    "The action taken fits the item (status, denial reason or balance) as it stood.",
    "The payer was contacted through the right channel, with reference numbers noted.",
    "The note says what was done and what happens next, clearly enough to pick up from.",
    "Follow-up date, status and outcome match what the note says.",
    "No decision reserved to the client (write-off, exception) was taken without approval.",
]


def _sops() -> ModuleType | None:
    try:
        return importlib.import_module("rcmdesk.playbooks.sops")
    except ImportError:
        return None


def version_for(item: WorkItem) -> Any:
    """The version recorded on the item's last action, else the one in force when it closed."""
    last = (WorkAction.objects.filter(item=item, sop_version__isnull=False)
            .select_related("sop_version").order_by("-at", "-id").first())
    if last is not None:
        return last.sop_version
    sops = _sops()
    if sops is None:
        return None
    at: datetime | None = item.closed_at
    payer_id = item.claim.payer_id if item.claim_id and item.claim else None
    return sops.sop_in_force(item.client_id, item.workflow, payer_id=payer_id,
                             category=item.category, at=at)


def checklist_for(version: Any) -> list[str]:
    sops = _sops()
    if sops is not None:
        return list(sops.checklist_for(version))
    if version is not None and version.checklist:
        return [str(p) for p in version.checklist]
    return list(DEFAULT_CHECKLIST)


def render_sop(version: Any) -> str:
    """Safe HTML of the version's body when playbooks can render it, else empty (the page
    then shows the raw text)."""
    sops = _sops()
    render = getattr(sops, "render", None) if sops is not None else None
    return str(render(version)) if render is not None and version is not None else ""
