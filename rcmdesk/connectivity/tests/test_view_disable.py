"""Disabling and enabling a connection from the list."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.connectivity.models import Connection
from rcmdesk.connectivity.tests.connection_factories import sftp_connection
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_admin_disables_and_enables_a_connection(world: World, signed_in: Any) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    browser = signed_in(Role.CLIENT_ADMIN)
    assert browser.post(f"/connections/{connection.pk}/disable").status_code == 302
    assert not Connection.objects.get(pk=connection.pk).enabled
    assert "Disabled" in browser.get("/connections/").content.decode()
    assert browser.post(f"/connections/{connection.pk}/enable").status_code == 302
    assert Connection.objects.get(pk=connection.pk).enabled


def test_a_partner_lead_cannot_disable_it(world: World, signed_in: Any) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    assert signed_in(Role.PARTNER_LEAD).post(
        f"/connections/{connection.pk}/disable").status_code == 403
    assert Connection.objects.get(pk=connection.pk).enabled
