"""``rcmdesk connections``: list, add, set-secret (from standard input, never an argument)
and the operator's rekey; no command prints a secret."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.connectivity import secrets
from rcmdesk.connectivity.models import Connection, Credential
from rcmdesk.connectivity.tests.connection_factories import (
    PASSWORD,
    assert_nowhere_in_audit,
    host_key,
    private_key,
    sftp_connection,
)
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
runner = CliRunner()
ADMIN = ["--client", "acme", "--as", "acme.admin"]


def test_add_then_list_a_mailbox(world: World) -> None:
    result = runner.invoke(app, ["connections", "add", *ADMIN, "--name", "Mailbox",
                                 "--host", "127.0.0.1", "--port", "2222", "--user", "acme",
                                 "--host-key", host_key(), "--outbound-dir", "/out",
                                 "--inbound-dir", "/in", "--after", "leave"])
    assert result.exit_code == 0, result.output
    connection = Connection.objects.get(client=world.acme)
    listed = runner.invoke(app, ["connections", "list", *ADMIN])
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[0].startswith(
        f"{connection.pk}\tMailbox\tSFTP mailbox\tacme@127.0.0.1:2222")
    assert "Password: not set" in listed.stdout


def test_add_refuses_in_words(world: World) -> None:
    result = runner.invoke(app, ["connections", "add", *ADMIN, "--name", "Real time",
                                 "--kind", "core_rest", "--endpoint", "http://x.example/"])
    assert result.exit_code == 1
    assert "must start with https://" in result.output


def test_set_secret_reads_standard_input_and_never_prints_it(world: World) -> None:
    sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    result = runner.invoke(app, ["connections", "set-secret", "Clearinghouse SFTP", *ADMIN,
                                 "--kind", "password"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    connection = Connection.objects.get()
    assert secrets.current_secret(connection, "password") == PASSWORD
    listed = runner.invoke(app, ["connections", "list", *ADMIN])
    assert "Password: set" in listed.stdout
    assert PASSWORD not in listed.stdout
    assert_nowhere_in_audit(PASSWORD)


def test_a_private_key_is_reported_by_its_fingerprint(world: World) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    key = private_key()
    result = runner.invoke(app, ["connections", "set-secret", str(connection.pk), *ADMIN,
                                 "--kind", "private_key"], input=key)
    assert result.exit_code == 0, result.output
    assert Credential.objects.get().hint in result.stdout
    assert key.splitlines()[1] not in result.output


def test_a_partner_lead_may_not_set_a_secret(world: World) -> None:
    sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    result = runner.invoke(app, ["connections", "set-secret", "Clearinghouse SFTP",
                                 "--client", "acme", "--as", "pillar.lead"], input=PASSWORD)
    assert result.exit_code == 1
    assert "may not manage connections" in result.output
    assert not Credential.objects.exists()


def test_rekey_reseals_under_the_key_put_in_front(world: World, settings: Any) -> None:
    settings.CONNECTION_KEYS = "old-key"
    admin = world.user(Role.CLIENT_ADMIN)
    connection = sftp_connection(world.acme, admin)
    runner.invoke(app, ["connections", "set-secret", str(connection.pk), *ADMIN],
                  input=PASSWORD)
    settings.CONNECTION_KEYS = "new-key,old-key"
    result = runner.invoke(app, ["connections", "rekey"])
    assert result.exit_code == 0, result.output
    new_id = secrets.key_id("new-key")
    assert result.stdout.strip() == f"1 secret(s) sealed again under key {new_id}"
