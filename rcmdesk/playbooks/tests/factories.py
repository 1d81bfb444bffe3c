"""Builders for playbook tests: SOPs written through the editing services, as an admin would."""

from __future__ import annotations

from rcmdesk.claims.models import Payer
from rcmdesk.conftest import World
from rcmdesk.playbooks import editing
from rcmdesk.playbooks.models import SopDocument, SopVersion
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Role


def make_sop(world: World, title: str = "Denials", *, client: Organization | None = None,
             workflow: str = "denials", body: str = "Read the **CARC** first.",
             checklist: list[str] | None = None, payer: Payer | None = None,
             category: str = "") -> SopDocument:
    client = client or world.acme
    admin = world.user(Role.CLIENT_ADMIN) if client == world.acme else world.birch_admin
    return editing.create_document(
        client, acting_user=admin, workflow=workflow, title=title, payer=payer, category=category,
        text=editing.SopText(body=body, change_note="first version",
                             checklist=checklist or ["Read the CARC"]))


def add_version(world: World, doc: SopDocument, body: str, note: str = "clearer") -> SopVersion:
    admin = world.user(Role.CLIENT_ADMIN) if doc.client_id == world.acme.pk \
        else world.birch_admin
    return editing.add_version(doc, editing.SopText(body=body, change_note=note), acting_user=admin)
