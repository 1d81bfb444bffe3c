"""The decision buttons: the client's admin approves and confirms; a partner is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.systemaccess.models import AccessStatus
from rcmdesk.systemaccess.tests.factories import acme_system, login
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_client_admin_approves_then_confirms_the_login_given(world: World,
                                                                 signed_in) -> None:
    access = login(world, acme_system(world), until="requested")
    admin = signed_in(Role.CLIENT_ADMIN)
    assert admin.post(reverse("systemaccess:step", args=[access.pk, "approve"])
                      ).status_code == 302
    admin.post(reverse("systemaccess:step", args=[access.pk, "grant"]))
    access.refresh_from_db()
    assert access.status == AccessStatus.GRANTED


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.PARTNER_QA])
@pytest.mark.parametrize("step", ["approve", "grant", "deny", "revoke"])
def test_no_partner_role_can_press_a_decision(world: World, signed_in, role: Role,
                                              step: str) -> None:
    access = login(world, acme_system(world), until="requested")
    response = signed_in(role).post(reverse("systemaccess:step", args=[access.pk, step]))
    assert response.status_code in (403, 404)
    access.refresh_from_db()
    assert access.status == AccessStatus.REQUESTED


def test_the_holder_notes_their_login_in_use(world: World, signed_in) -> None:
    access = login(world, acme_system(world))
    signed_in(Role.PARTNER_SPECIALIST).post(reverse("systemaccess:step",
                                                    args=[access.pk, "in-use"]))
    access.refresh_from_db()
    assert access.last_confirmed_in_use_at is not None


def test_an_unknown_step_is_not_found(world: World, signed_in) -> None:
    access = login(world, acme_system(world))
    assert signed_in(Role.CLIENT_ADMIN).post(
        reverse("systemaccess:step", args=[access.pk, "grant-all"])).status_code == 404
