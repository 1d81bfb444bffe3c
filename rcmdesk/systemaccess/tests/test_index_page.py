"""The registry page: the client's admin sees everything and the buttons, a specialist
only their own logins, client staff nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rcmdesk.accounts.services import disable_user
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.systemaccess.tests.factories import acme_system, login
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
URL = reverse("systemaccess:index")


def test_the_client_admin_sees_systems_logins_and_open_revocations_in_words(
        world: World, signed_in) -> None:
    system = acme_system(world)
    login(world, system)
    login(world, acme_system(world, "Acme PM"), user=world.user(Role.PARTNER_LEAD),
          account="priya.pm")
    disable_user(world.user(Role.PARTNER_SPECIALIST))
    body = signed_in(Role.CLIENT_ADMIN).get(URL).content.decode()
    assert "Acme EHR" in body
    assert "priya.pm" in body
    assert "sam.s" in body
    assert "User disabled" in body
    assert 'data-testid="confirm-revocation-' in body
    assert "Granted" in body
    assert "Review list" in body
    assert AuditEvent.objects.filter(action="list", client_org_id=world.acme.pk,
                                     object_type="systemaccess.systemaccess").exists()


def test_a_specialist_sees_only_their_own_logins_read_only(world: World, signed_in) -> None:
    system = acme_system(world)
    login(world, system)
    login(world, system, user=world.user(Role.PARTNER_LEAD), account="priya.ehr")
    body = signed_in(Role.PARTNER_SPECIALIST).get(URL).content.decode()
    assert "My logins" in body
    assert "sam.s" in body
    assert "priya.ehr" not in body
    assert "Review list" not in body


def test_a_partner_lead_sees_their_engagements_logins_and_a_way_to_ask(
        world: World, signed_in) -> None:
    login(world, acme_system(world))
    body = signed_in(Role.PARTNER_LEAD).get(URL).content.decode()
    assert "sam.s" in body
    assert reverse("systemaccess:engagement", args=[world.acme_engagement.pk]) in body
    assert "confirm-revocation" not in body
    assert "Review list" not in body


@pytest.mark.parametrize("role", [Role.CLIENT_STAFF, Role.PLATFORM_ADMIN])
def test_roles_without_a_registry_are_refused(world: World, signed_in, role: Role) -> None:
    assert signed_in(role).get(URL).status_code == 403
