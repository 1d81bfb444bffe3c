"""The demo points every client at the clearinghouse simulator whose state ``rcmdesk sim
--prepare`` left: a mailbox each, pinned to the simulator's host key, secrets sealed; a real-
time connection when the simulator names an OAuth client; nothing (and one line saying how)
without a simulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.connectivity.models import Connection, ConnectionKind, Credential, CredentialKind
from rcmdesk.connectivity.secrets import current_secret
from rcmdesk.connectivity.validation import pinned_host_key
from rcmdesk.demo.connectivity import MAILBOX, REALTIME, build_connections
from rcmdesk.demo.services import build_demo
from rcmdesk.sim import contract, users
from rcmdesk.sim.keys import host_key, public_line
from rcmdesk.sim.store import write_json

PASSWORDS = {"acme": "acme-mailbox-pw-1", "birch": "birch-mailbox-pw-2"}
OAUTH = {"client_id": "rcmdesk", "client_secret": "core-oauth-secret-3"}


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    """What ``rcmdesk sim --prepare`` leaves: users, a host key and connection.json."""
    root = tmp_path / "sim"
    users.save(root, [users.User(name, pw) for name, pw in PASSWORDS.items()])
    contract.publish(root, "127.0.0.1", 8022)
    return root


def _with_oauth(state_dir: Path) -> None:
    said = contract.publish(state_dir, "127.0.0.1", 8022, realtime_port=8023)
    said["realtime"]["oauth"] = OAUTH
    write_json(state_dir / contract.CONNECTION_FILE, said)


def _rows() -> tuple[int, int, int]:
    return (Connection.objects.count(), Credential.objects.count(),
            AuditEvent.objects.filter(action__startswith="connection.").count())


@pytest.mark.django_db
def test_every_demo_client_gets_a_mailbox_pinned_to_the_simulators_host_key(state_dir):
    build_demo()
    built = build_connections(state_dir)
    assert built.mailboxes == ("acme", "birch", "cedar")
    key = pinned_host_key(public_line(host_key(state_dir)))  # stored without its comment
    for mailbox in Connection.objects.filter(name=MAILBOX):
        assert (mailbox.kind, mailbox.host, mailbox.port) == (ConnectionKind.SFTP,
                                                             "127.0.0.1", 8022)
        assert mailbox.host_key == key
        assert mailbox.username == mailbox.client.slug
        assert (mailbox.outbound_dir, mailbox.inbound_dir, mailbox.archive_dir) == (
            "to_clearinghouse", "from_clearinghouse", "archive")
        assert mailbox.carries == "837 270 276 278"
        assert (mailbox.completion, mailbox.after_download) == ("stable_size", "archive")
        assert mailbox.created_by.username == f"{mailbox.client.slug}.admin"
    assert "sftp://127.0.0.1:8022" in built.line()


@pytest.mark.django_db
def test_a_client_without_a_simulator_user_is_added_to_the_simulators_list(state_dir):
    build_demo()
    build_connections(state_dir)
    known = users.load(state_dir)
    assert sorted(known) == ["acme", "birch", "cedar"]
    assert known["acme"].password == PASSWORDS["acme"]  # the others' logins are kept
    cedar = Connection.objects.get(client__slug="cedar", name=MAILBOX)
    assert current_secret(cedar, CredentialKind.PASSWORD) == known["cedar"].password


@pytest.mark.django_db
def test_mailbox_passwords_are_sealed_and_never_written_in_the_clear(state_dir):
    build_demo()
    build_connections(state_dir)
    acme = Connection.objects.get(client__slug="acme", name=MAILBOX)
    assert current_secret(acme, CredentialKind.PASSWORD) == PASSWORDS["acme"]
    for credential in Credential.objects.all():
        assert PASSWORDS["acme"].encode() not in bytes(credential.ciphertext)
        assert PASSWORDS["birch"].encode() not in bytes(credential.ciphertext)
    trail = " ".join(str(e.detail) for e in AuditEvent.objects.all())
    assert "connection.secret_set" in set(AuditEvent.objects.values_list("action", flat=True))
    assert PASSWORDS["acme"] not in trail
    assert PASSWORDS["birch"] not in trail


@pytest.mark.django_db
def test_a_second_demo_run_changes_nothing(state_dir):
    build_demo()
    first = build_connections(state_dir)
    rows = _rows()
    assert build_connections(state_dir) == first
    assert _rows() == rows == (3, 3, 6)  # a create and a secret per client


@pytest.mark.django_db
def test_a_wiped_simulator_is_followed_new_host_key_and_password_rotated(
        state_dir, tmp_path):
    build_demo()
    build_connections(state_dir)
    fresh = tmp_path / "fresh"
    users.save(fresh, [users.User("acme", "new-acme-password")])
    contract.publish(fresh, "127.0.0.1", 8022)
    build_connections(fresh)
    acme = Connection.objects.get(client__slug="acme", name=MAILBOX)
    assert acme.host_key == pinned_host_key(public_line(host_key(fresh))) != pinned_host_key(
        public_line(host_key(state_dir)))
    assert current_secret(acme, CredentialKind.PASSWORD) == "new-acme-password"
    retired = Credential.objects.get(connection=acme, retired_at__isnull=False)
    assert bytes(retired.ciphertext) == b""


@pytest.mark.django_db
def test_a_simulator_naming_an_oauth_client_gives_each_client_a_real_time_connection(
        state_dir):
    _with_oauth(state_dir)
    build_demo()
    built = build_connections(state_dir)
    rest = Connection.objects.get(client__slug="birch", name=REALTIME)
    assert rest.kind == ConnectionKind.CORE_REST
    assert rest.endpoint_url == "http://127.0.0.1:8023/core/rest"
    assert rest.token_url == "http://127.0.0.1:8023/oauth/token"
    assert (rest.oauth_client_id, rest.carries) == ("rcmdesk", "270 276")
    assert current_secret(rest, CredentialKind.OAUTH_SECRET) == OAUTH["client_secret"]
    assert "http://127.0.0.1:8023/core/rest" in built.line()
    rows = _rows()
    build_connections(state_dir)
    assert _rows() == rows


@pytest.mark.django_db
def test_without_an_oauth_client_there_is_no_real_time_connection_and_the_line_says_so(
        state_dir):
    build_demo()
    built = build_connections(state_dir)
    assert not Connection.objects.filter(name=REALTIME).exists()
    assert "names no OAuth client" in built.line()


@pytest.mark.django_db
def test_without_a_prepared_simulator_nothing_is_made_and_the_line_says_how(tmp_path):
    build_demo()
    built = build_connections(tmp_path / "sim")
    assert Connection.objects.count() == 0
    assert "rcmdesk sim --prepare" in built.line()
    assert not (tmp_path / "sim" / users.USERS_FILE).exists()  # no mailbox made on the side
