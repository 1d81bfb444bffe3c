"""The review list: logins due, kept or revoked in bulk with one button."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rcmdesk.conftest import World
from rcmdesk.systemaccess.models import AccessStatus, SystemAccess
from rcmdesk.systemaccess.tests.factories import acme_system, login
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
URL = reverse("systemaccess:review")


def overdue(world: World, name: str) -> SystemAccess:
    access = login(world, acme_system(world, name), account=name.lower())
    SystemAccess.objects.filter(pk=access.pk).update(
        granted_at=timezone.now() - timedelta(days=120))
    return access


def test_the_admin_keeps_one_and_revokes_another_in_bulk(world: World, signed_in) -> None:
    keep, drop = overdue(world, "Acme EHR"), overdue(world, "Acme PM")
    admin = signed_in(Role.CLIENT_ADMIN)
    body = admin.get(URL).content.decode()
    assert "acme ehr" in body
    assert "acme pm" in body
    admin.post(URL, {"access": [keep.pk], "decision": "keep"})
    admin.post(URL, {"access": [drop.pk], "decision": "revoke"})
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert keep.last_attested_at is not None
    assert drop.status == AccessStatus.REVOKED
    assert 'data-testid="nothing-due"' in admin.get(URL).content.decode()


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, Role.PARTNER_LEAD])
def test_only_the_client_admin_reviews(world: World, signed_in, role: Role) -> None:
    drop = overdue(world, "Acme EHR")
    assert signed_in(role).post(URL, {"access": [drop.pk], "decision": "revoke"}
                                ).status_code == 403
    drop.refresh_from_db()
    assert drop.status == AccessStatus.GRANTED
