"""Deactivating a playbook row: client admins of its client only, audited."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.priorauth.tests.factories import require
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_client_admin_deactivates_a_requirement(world: World, signed_in: Any) -> None:
    row = require(world.acme, "72148")
    response = signed_in(Role.CLIENT_ADMIN).post(f"/auths/requirements/{row.pk}/deactivate/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert not row.active
    assert AuditEvent.objects.filter(action="playbooks.auth_requirement_deactivated").exists()


def test_staff_may_not_and_another_clients_row_is_not_found(world: World,
                                                           signed_in: Any) -> None:
    mine, theirs = require(world.acme, "72148"), require(world.birch, "72148")
    assert signed_in(Role.CLIENT_STAFF).post(
        f"/auths/requirements/{mine.pk}/deactivate/").status_code == 403
    assert signed_in(Role.CLIENT_ADMIN).post(
        f"/auths/requirements/{theirs.pk}/deactivate/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active
