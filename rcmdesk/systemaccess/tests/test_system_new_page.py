"""Registering a system: the client's admin only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.systemaccess.models import ClientSystem
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
URL = reverse("systemaccess:system_new")


def test_the_client_admin_registers_a_system_with_its_workflows(world: World,
                                                               signed_in) -> None:
    response = signed_in(Role.CLIENT_ADMIN).post(URL, {
        "name": "Acme EHR", "kind": "ehr", "workflows": ["ar_followup", "denials"]})
    assert response.status_code == 302
    system = ClientSystem.objects.get()
    assert system.client == world.acme
    assert system.workflows == ["ar_followup", "denials"]


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, Role.PARTNER_LEAD])
def test_others_may_not_register_systems(world: World, signed_in, role: Role) -> None:
    assert signed_in(role).post(URL, {"name": "X", "kind": "ehr"}).status_code == 403
    assert not ClientSystem.objects.exists()
