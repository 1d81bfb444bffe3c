"""Closing a revocation: only the client's confirmation closes it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rcmdesk.accounts.services import disable_user
from rcmdesk.conftest import World
from rcmdesk.systemaccess.models import AccessStatus, RevocationTask
from rcmdesk.systemaccess.tests.factories import acme_system, login
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_client_admin_confirms_the_login_removed(world: World, signed_in) -> None:
    access = login(world, acme_system(world))
    disable_user(world.user(Role.PARTNER_SPECIALIST))
    task = RevocationTask.objects.get()
    signed_in(Role.CLIENT_ADMIN).post(reverse("systemaccess:confirm_revocation",
                                              args=[task.pk]))
    access.refresh_from_db()
    assert access.status == AccessStatus.REVOKED
    assert not RevocationTask.objects.open().exists()


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.CLIENT_MANAGER])
def test_a_partner_or_manager_cannot_close_it(world: World, signed_in, role: Role) -> None:
    login(world, acme_system(world))
    login(world, acme_system(world, "Acme PM"), user=world.user(Role.PARTNER_LEAD),
          account="l")
    from rcmdesk.tenancy.services import end_engagement

    end_engagement(world.acme_engagement, world.acme_engagement.start_date.replace(
        year=world.acme_engagement.start_date.year + 1), acting_user=world.user(Role.CLIENT_ADMIN))
    task = RevocationTask.objects.first()
    assert task is not None
    response = signed_in(role).post(reverse("systemaccess:confirm_revocation", args=[task.pk]))
    assert response.status_code in (403, 404)
    assert RevocationTask.objects.open().count() == 2
