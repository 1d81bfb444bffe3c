"""A client admin's response times per kind."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.escalations.models import ResponseSla
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
URL = "/escalations/response-times/"


def test_a_client_admin_sets_a_kinds_hours(world: World, signed_in: Any) -> None:
    admin = signed_in(Role.CLIENT_ADMIN)
    assert admin.get(f"{URL}?client=acme").status_code == 200
    response = admin.post(URL, {"client": "acme", "kind": "sop_gap", "hours": "24"})
    assert response.status_code == 302
    assert ResponseSla.objects.get(client=world.acme, kind="sop_gap").hours == 24
    assert 'data-testid="sla-sop_gap">24<' in admin.get(f"{URL}?client=acme").content.decode()


def test_nonsense_hours_are_refused(world: World, signed_in: Any) -> None:
    response = signed_in(Role.CLIENT_ADMIN).post(URL, {
        "client": "acme", "kind": "sop_gap", "hours": "soon"})
    assert response.status_code == 400
    assert not ResponseSla.objects.exists()


def test_partner_roles_and_other_tenants_cannot_set_them(world: World,
                                                         signed_in: Any) -> None:
    assert signed_in(Role.PARTNER_LEAD).get(f"{URL}?client=acme").status_code == 403
    assert signed_in(Role.CLIENT_ADMIN).get(f"{URL}?client=birch").status_code == 404
