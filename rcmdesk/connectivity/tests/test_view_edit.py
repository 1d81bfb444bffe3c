"""Editing a connection: its kind stays, its secrets are links to their own page."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.connectivity.models import Connection
from rcmdesk.connectivity.tests.connection_factories import sftp_connection
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_admin_changes_the_folders(world: World, signed_in: Any) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    browser = signed_in(Role.CLIENT_ADMIN)
    page = browser.get(f"/connections/{connection.pk}/")
    assert page.status_code == 200
    assert "SSH private key" in page.content.decode()
    assert 'data-testid="test-connection"' in page.content.decode()  # test_view_test.py
    response = browser.post(f"/connections/{connection.pk}/", {
        "name": connection.name, "carries": ["837"], "host": connection.host, "port": 2222,
        "username": "acme", "host_key": connection.host_key, "outbound_dir": "/out2",
        "inbound_dir": "/inbound", "archive_dir": "/archive", "inbound_pattern": "*",
        "completion": "done_marker", "after_download": "archive", "timeout_seconds": 60})
    assert response.status_code == 302
    connection.refresh_from_db()
    assert (connection.outbound_dir, connection.carries) == ("/out2", "837")
    assert AuditEvent.objects.get(action="connection.update").detail["completion"] == \
        "done_marker"


def test_a_bad_host_key_comes_back_beside_its_field(world: World, signed_in: Any) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    page = signed_in(Role.CLIENT_ADMIN).post(f"/connections/{connection.pk}/", {
        "name": connection.name, "carries": ["837"], "host": "h", "port": 22,
        "username": "u", "host_key": "not a key", "outbound_dir": "/o", "inbound_dir": "/i",
        "archive_dir": "/a", "completion": "stable_size", "after_download": "archive"})
    assert page.status_code == 400
    assert "The host key could not be read" in page.content.decode()
    assert Connection.objects.get(pk=connection.pk).host == "127.0.0.1"


def test_another_clients_connection_is_not_found(world: World, signed_in: Any) -> None:
    connection = sftp_connection(world.birch, world.birch_admin)
    assert signed_in(Role.CLIENT_ADMIN).get(f"/connections/{connection.pk}/").status_code == 404


def test_a_partner_specialist_is_refused(world: World, signed_in: Any) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    page = signed_in(Role.PARTNER_SPECIALIST).get(f"/connections/{connection.pk}/")
    assert page.status_code == 403
