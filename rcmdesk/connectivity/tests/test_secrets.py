"""Secrets at rest: a database row alone opens nothing, and a key can be rotated without a
moment when a stored secret is unreadable."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.connectivity import secrets, services
from rcmdesk.connectivity.models import Credential, CredentialKind
from rcmdesk.connectivity.secrets import SecretUnavailable
from rcmdesk.connectivity.tests.connection_factories import PASSWORD, sftp_connection
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db

OLD, NEW = "old-key-kept-outside-the-database", "new-key-put-in-front"


@pytest.fixture
def stored(world: World, settings: Any) -> Credential:
    settings.CONNECTION_KEYS = OLD
    admin = world.user(Role.CLIENT_ADMIN)
    connection = sftp_connection(world.acme, admin)
    return services.set_secret(connection, CredentialKind.PASSWORD, PASSWORD,
                               acting_user=admin)


def test_the_database_row_holds_ciphertext_not_the_secret(stored: Credential) -> None:
    row = Credential.objects.get(pk=stored.pk)
    assert PASSWORD.encode() not in bytes(row.ciphertext)
    assert row.key_id == secrets.key_id(OLD)
    assert secrets.unseal(row) == PASSWORD


def test_a_row_cannot_be_opened_with_any_other_key(stored: Credential, settings: Any) -> None:
    settings.CONNECTION_KEYS = "someone-elses-key,another-guess"
    with pytest.raises(SecretUnavailable, match=f"sealed with key {secrets.key_id(OLD)}"):
        secrets.unseal(Credential.objects.get(pk=stored.pk))


def test_a_new_key_in_front_still_opens_the_old_secret_and_rekey_reseals_it(
        stored: Credential, settings: Any) -> None:
    settings.CONNECTION_KEYS = f"{NEW},{OLD}"
    assert secrets.current_secret(stored.connection, CredentialKind.PASSWORD) == PASSWORD
    assert services.rekey(acting_user=None) == 1
    settings.CONNECTION_KEYS = NEW  # the old key can now be dropped
    row = Credential.objects.get(pk=stored.pk)
    assert row.key_id == secrets.key_id(NEW)
    assert secrets.unseal(row) == PASSWORD
    event = AuditEvent.objects.get(action="connection.rekey")
    assert event.detail == {"resealed": 1, "key_id": secrets.key_id(NEW)}


def test_rekey_twice_reseals_nothing_the_second_time(stored: Credential, settings: Any) -> None:
    settings.CONNECTION_KEYS = f"{NEW},{OLD}"
    services.rekey(acting_user=None)
    assert services.rekey(acting_user=None) == 0


def test_rekey_with_a_lost_key_names_the_secret_and_changes_nothing(
        stored: Credential, settings: Any) -> None:
    settings.CONNECTION_KEYS = NEW
    with pytest.raises(SecretUnavailable, match="Clearinghouse SFTP"):
        services.rekey(acting_user=None)
    assert Credential.objects.get(pk=stored.pk).key_id == secrets.key_id(OLD)


def test_rekey_is_the_operators_not_a_client_admins(world: World, stored: Credential) -> None:
    with pytest.raises(PermissionDenied):
        services.rekey(acting_user=world.user(Role.CLIENT_ADMIN))


def test_a_rotated_secret_leaves_no_readable_old_one(world: World, stored: Credential) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    services.set_secret(stored.connection, CredentialKind.PASSWORD, "second-password-xyz",
                        acting_user=admin)
    old = Credential.objects.get(pk=stored.pk)
    assert old.retired_at is not None
    assert bytes(old.ciphertext) == b""
    assert secrets.current_secret(stored.connection, "password") == "second-password-xyz"
