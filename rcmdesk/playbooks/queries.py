"""Reading the playbook: which clients' playbooks a person sees, its documents and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Max, Q

from rcmdesk.playbooks.models import PlaybookChange, SopDocument, SopVersion
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action
from rcmdesk.tenancy.visibility import visibility_for

HISTORY_SHOWN = 50
SOP_MODEL = SopDocument._meta.label_lower


def readable_clients(user: Any) -> list[Organization]:
    """Clients whose playbook the user reads: their own, or their engagements' clients."""
    ids = visibility_for(user).clients_for(None)
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def client_for(user: Any, slug: str) -> Organization | None:
    """The client named by ``slug`` among those readable, else the user's only one."""
    clients = readable_clients(user)
    if slug:
        return next((c for c in clients if c.slug == slug), None)
    return clients[0] if len(clients) == 1 else None


def may_edit(user: Any, client_id: int) -> bool:
    return allows(user, Action.EDIT_PLAYBOOKS) and visibility_for(user).can_write(client_id)


def documents(user: Any, client: Organization) -> list[SopDocument]:
    """The client's SOPs, each with ``latest`` (its newest version number)."""
    return list(SopDocument.objects.visible_to(user).filter(client=client)
                .select_related("payer").annotate(latest=Max("versions__number"))
                .order_by("workflow", "-active", "title"))


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    author: str
    what: str
    note: str
    sop_id: int | None = None


def history(user: Any, client: Organization, limit: int = HISTORY_SHOWN) -> list[HistoryEntry]:
    """SOP versions and rule changes, newest first, side by side."""
    versions = (SopVersion.objects.visible_to(user).filter(document__client=client)
                .select_related("document", "author").order_by("-created_at", "-id")[:limit])
    # an SOP's own changes (retired, reactivated) only where the SOP itself is readable
    sops = SopDocument.objects.visible_to(user).filter(client=client).values("pk")
    changes = (PlaybookChange.objects.visible_to(user).filter(client=client)
               .filter(~Q(model=SOP_MODEL) | Q(object_id__in=sops))
               .select_related("author").order_by("-created_at", "-id")[:limit])
    entries = [HistoryEntry(v.created_at, _name(v.author), f"{v.document.title} v{v.number}",
                            v.change_note, v.document_id) for v in versions]
    entries += [HistoryEntry(c.created_at, _name(c.author), describe_change(c), c.change_note)
                for c in changes]
    return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]


def _name(user: Any) -> str:
    return str(getattr(user, "username", "") or "system")


MODEL_NAMES = {"playbooks.payerrule": "payer rule", "playbooks.authrequirement":
               "authorization requirement", "playbooks.claimedit": "claim edit",
               "playbooks.sopdocument": "SOP", "denials.appealpolicy": "appeal policy"}


def describe_change(change: PlaybookChange) -> str:
    """'payer rule 4: appeal_days 90 → 60' — the fields that differ."""
    before, after = change.before or {}, change.after or {}
    skip = {"id", "updated_at", "client_id"}
    diffs = [f"{k} {before.get(k, '—') if change.before else '—'} → {after.get(k, '—')}"
             for k in sorted(set(before) | set(after))
             if k not in skip and before.get(k) != after.get(k)]
    name = MODEL_NAMES.get(change.model, change.model)
    return f"{name} {change.object_id}: " + ("; ".join(diffs) or "no field changed")
