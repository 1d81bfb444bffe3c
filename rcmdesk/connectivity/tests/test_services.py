"""Connection services: only the client's admins change them, every change is audited in
words, and no secret reaches the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.audit.models import AuditEvent
from rcmdesk.audit.words import action_words, detail_pairs
from rcmdesk.conftest import World
from rcmdesk.connectivity import services
from rcmdesk.connectivity.models import Connection, Credential, CredentialKind
from rcmdesk.connectivity.tests.connection_factories import (
    PASSWORD,
    assert_nowhere_in_audit,
    certificate_pem,
    core_values,
    private_key,
    sftp_connection,
    sftp_values,
)
from rcmdesk.connectivity.validation import ConnectionProblem
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_client_admin_adds_an_sftp_mailbox_and_the_trail_reads_in_words(
        world: World) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    assert connection.client == world.acme
    assert connection.enabled
    event = AuditEvent.objects.get(action="connection.create")
    assert action_words(event.action) == "Connection added"
    pairs = dict(detail_pairs(event.detail))
    assert pairs["Connection kind"] == "SFTP mailbox"
    assert pairs["Host key (SHA-256)"].startswith("SHA256:")


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, Role.CLIENT_STAFF, Role.PARTNER_LEAD,
                                  Role.PARTNER_SPECIALIST, Role.PLATFORM_ADMIN])
def test_nobody_but_a_client_admin_adds_a_connection(world: World, role: Role) -> None:
    with pytest.raises((PermissionDenied, Http404)):
        services.create_connection(world.acme, sftp_values(), acting_user=world.user(role))
    assert not Connection.objects.exists()


def test_another_clients_admin_cannot_touch_this_clients_connection(world: World) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    with pytest.raises(Http404):
        services.set_secret(connection, "password", PASSWORD, acting_user=world.birch_admin)


def test_a_change_is_audited_with_only_what_changed(world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    connection = sftp_connection(world.acme, admin)
    services.update_connection(connection, {"host": "sftp.example.com", "port": 22},
                               acting_user=admin)
    event = AuditEvent.objects.get(action="connection.update")
    assert event.detail == {"connection": "Clearinghouse SFTP", "host": "sftp.example.com",
                            "port": 22}
    services.update_connection(connection, {"host": "sftp.example.com"}, acting_user=admin)
    assert AuditEvent.objects.filter(action="connection.update").count() == 1


def test_a_connections_kind_cannot_change(world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    connection = sftp_connection(world.acme, admin)
    with pytest.raises(ConnectionProblem, match="kind cannot change"):
        services.update_connection(connection, core_values(), acting_user=admin)


def test_two_connections_of_a_client_cannot_share_a_name(world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    sftp_connection(world.acme, admin)
    with pytest.raises(ConnectionProblem, match="already has a connection named"):
        sftp_connection(world.acme, admin)


def test_setting_a_password_records_kind_and_key_but_never_the_password(world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    connection = sftp_connection(world.acme, admin)
    credential = services.set_secret(connection, CredentialKind.PASSWORD, PASSWORD,
                                     acting_user=admin)
    assert credential.hint == ""  # no part of a password, not even its last characters
    event = AuditEvent.objects.get(action="connection.secret_set")
    assert action_words(event.action) == "Connection secret set"
    assert dict(detail_pairs(event.detail))["Secret"] == "Password"
    assert event.detail["key_id"] == credential.key_id
    assert_nowhere_in_audit(PASSWORD)


def test_a_private_key_is_recorded_by_its_fingerprint(world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    connection = sftp_connection(world.acme, admin)
    key = private_key()
    credential = services.set_secret(connection, "private_key", key, acting_user=admin)
    assert credential.hint.startswith("SHA256:")
    assert AuditEvent.objects.get(action="connection.secret_set").detail["hint"] == \
        credential.hint
    assert_nowhere_in_audit(key)


def test_a_client_certificate_is_recorded_by_fingerprint_subject_and_expiry(
        world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    connection = services.create_connection(world.acme, core_values(), acting_user=admin)
    pem = certificate_pem()
    services.set_secret(connection, "client_cert", pem, acting_user=admin)
    detail = AuditEvent.objects.get(action="connection.secret_set").detail
    assert detail["subject"] == "CN=acme-core-client"
    assert detail["hint"].startswith("SHA256:")
    assert_nowhere_in_audit(pem)


def test_rotation_keeps_who_set_each_secret_when(world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    connection = sftp_connection(world.acme, admin)
    services.set_secret(connection, "password", PASSWORD, acting_user=admin)
    services.set_secret(connection, "password", PASSWORD + "-2", acting_user=admin)
    rows = Credential.objects.filter(connection=connection).order_by("pk")
    assert [r.retired_at is None for r in rows] == [False, True]
    assert {r.set_by for r in rows} == {admin}
    assert AuditEvent.objects.filter(action="connection.secret_set").last().detail[
        "replaced"] is True


def test_disable_and_enable_are_audited(world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    connection = sftp_connection(world.acme, admin)
    services.disable_connection(connection, acting_user=admin, reason="moving clearinghouse")
    assert not Connection.objects.get(pk=connection.pk).enabled
    services.enable_connection(connection, acting_user=admin)
    assert Connection.objects.get(pk=connection.pk).enabled
    assert list(AuditEvent.objects.filter(action__startswith="connection.")
                .values_list("action", flat=True).order_by("pk")) == [
        "connection.create", "connection.disable", "connection.enable"]
