from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import asyncssh
import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.connectivity import inbound, jobs, sftp
from rcmdesk.connectivity.models import (
    Completion,
    Connection,
    Credential,
    CredentialKind,
    InboundFile,
    InboundState,
    RemoteAfter,
)
from rcmdesk.connectivity.secrets import seal
from rcmdesk.connectivity.tests.sftp_server import (  # noqa: F401 (fixture)
    MailboxServer,
    mailbox_for,
    sftp_server,
)
from rcmdesk.intake.models import Channel, ReceivedFile

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
REMIT = b"ISA*00*          *00*          *ZZ*PAYER          *ZZ*ACME           *261207*1500" \
        b"*^*00501*000000101*0*P*:~GS*HP*PAYER*ACME*20261207*1500*101*X*005010X221A1~" \
        b"ST*835*0001~SE*2*0001~GE*1*101~IEA*1*000000101~"


@pytest.fixture
def connection(world: World, sftp_server: MailboxServer) -> Connection:  # noqa: F811
    return mailbox_for(world.acme, sftp_server)


def deliver(server: MailboxServer, name: str, data: bytes, mtime: int = 1_765_000_000) -> None:
    path = server.root / "in" / name
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))


def test_a_file_seen_once_is_not_taken_until_a_later_poll_sees_the_same_size(
        connection: Connection, sftp_server: MailboxServer) -> None:  # noqa: F811
    deliver(sftp_server, "remit.835", REMIT)
    first = inbound.poll(connection, now=NOW)
    assert (first.listed, first.waiting, first.taken) == (1, 1, 0)
    assert InboundFile.objects.get().state == InboundState.SEEN
    second = inbound.poll(connection, now=LATER)
    assert second.taken == 1
    received = ReceivedFile.objects.get()
    assert (received.channel, bytes(received.content)) == (Channel.SFTP, REMIT)
    row = InboundFile.objects.get()
    assert (row.state, row.received) == (InboundState.TAKEN, received)
    assert AuditEvent.objects.filter(action="inbound.taken").count() == 1


def test_a_file_still_growing_is_not_taken(connection: Connection,
                                           sftp_server: MailboxServer) -> None:  # noqa: F811
    deliver(sftp_server, "remit.835", REMIT[:100], mtime=1_765_000_000)
    inbound.poll(connection, now=NOW)
    deliver(sftp_server, "remit.835", REMIT[:200], mtime=1_765_000_030)
    grown = inbound.poll(connection, now=LATER)
    assert (grown.waiting, grown.taken) == (1, 0)
    assert not ReceivedFile.objects.exists()
    assert InboundFile.objects.get().size == 200


def test_a_complete_file_is_archived_and_a_new_poll_does_nothing(
        connection: Connection, sftp_server: MailboxServer) -> None:  # noqa: F811
    deliver(sftp_server, "remit.835", REMIT)
    inbound.poll(connection, now=NOW)
    inbound.poll(connection, now=LATER)
    assert sftp_server.files("in") == {}
    assert sftp_server.files("archive") == {"remit.835": REMIT}
    again = inbound.poll(connection, now=LATER + timedelta(minutes=5))
    assert (again.listed, again.taken) == (0, 0)
    assert ReceivedFile.objects.count() == 1


def test_a_file_left_in_place_is_taken_once(connection: Connection,
                                            sftp_server: MailboxServer) -> None:  # noqa: F811
    connection.after_download = RemoteAfter.LEAVE
    connection.save()
    deliver(sftp_server, "remit.835", REMIT)
    for minutes in (0, 5, 10, 15):
        inbound.poll(connection, now=NOW + timedelta(minutes=minutes))
    assert ReceivedFile.objects.count() == 1
    assert InboundFile.objects.count() == 1
    assert list(sftp_server.files("in")) == ["remit.835"]


def test_the_same_bytes_under_two_names_are_recognised_by_intake(
        connection: Connection, sftp_server: MailboxServer) -> None:  # noqa: F811
    connection.after_download = RemoteAfter.DELETE
    connection.save()
    deliver(sftp_server, "remit-a.835", REMIT)
    deliver(sftp_server, "remit-b.835", REMIT)
    inbound.poll(connection, now=NOW)
    result = inbound.poll(connection, now=LATER)
    assert (result.taken, result.duplicates) == (1, 1)
    assert ReceivedFile.objects.count() == 1
    assert AuditEvent.objects.filter(action="intake.duplicate").count() == 1
    assert sftp_server.files("in") == {}


def test_a_half_downloaded_file_is_never_ingested_and_is_taken_next_poll(
        connection: Connection, sftp_server: MailboxServer) -> None:  # noqa: F811
    deliver(sftp_server, "remit.835", REMIT)
    inbound.poll(connection, now=NOW)
    sftp_server.faults.drop_download_after = 50
    cut = inbound.poll(connection, now=LATER)
    assert (cut.taken, cut.failed) == (0, 1)
    assert "connection was lost" in cut.errors[0]
    assert not ReceivedFile.objects.exists()
    row = InboundFile.objects.get()
    assert row.state == InboundState.SEEN
    assert "connection was lost" in row.last_error
    retried = inbound.poll(connection, now=LATER + timedelta(minutes=5))
    assert retried.taken == 1
    assert bytes(ReceivedFile.objects.get().content) == REMIT


def test_a_file_shorter_than_listed_is_not_ingested(
        connection: Connection, sftp_server: MailboxServer) -> None:  # noqa: F811
    deliver(sftp_server, "remit.835", REMIT)
    box = sftp.open_mailbox(connection)
    with box, pytest.raises(sftp.TransferError, match=r"got \d+ of \d+ bytes"):
        box.download("/in/remit.835", len(REMIT) + 10)


def test_with_done_markers_only_a_marked_file_is_taken(
        connection: Connection, sftp_server: MailboxServer) -> None:  # noqa: F811
    connection.completion = Completion.DONE_MARKER
    connection.save()
    deliver(sftp_server, "remit.835", REMIT)
    assert inbound.poll(connection, now=NOW).taken == 0
    assert inbound.poll(connection, now=LATER).taken == 0
    deliver(sftp_server, "remit.835.done", b"")
    assert inbound.poll(connection, now=LATER).taken == 1
    assert set(sftp_server.files("archive")) == {"remit.835", "remit.835.done"}


def test_only_files_matching_the_pattern_are_looked_at(
        connection: Connection, sftp_server: MailboxServer) -> None:  # noqa: F811
    connection.inbound_pattern = "*.835"
    connection.save()
    deliver(sftp_server, "remit.835", REMIT)
    deliver(sftp_server, "readme.txt", b"hello")
    deliver(sftp_server, ".remit2.835.part", REMIT)
    assert inbound.poll(connection, now=NOW).listed == 1


def test_the_poll_job_sums_mailboxes_and_reports_one_that_fails_in_words(
        world: World, connection: Connection, sftp_server: MailboxServer) -> None:  # noqa: F811
    mailbox_for(world.acme, sftp_server, name="Broken", host_key="")
    deliver(sftp_server, "remit.835", REMIT)
    jobs.poll_mailboxes(world.acme, now=NOW)
    answer = jobs.poll_mailboxes(world.acme, now=LATER)
    assert answer["taken"] == 1
    assert answer["errors"] == [
        "Broken: Connection Broken has no pinned host key, so the server cannot be "
        "recognised; paste the server's public key into the connection first."]


def test_a_wrong_pinned_host_key_refuses_to_connect(
        connection: Connection, sftp_server: MailboxServer) -> None:  # noqa: F811
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    connection.host_key = other
    connection.save()
    with pytest.raises(sftp.TransferError, match="not the pinned one"):
        inbound.poll(connection, now=NOW)
    assert sftp_server.logins == 0
    assert "not the pinned one" in sftp.check(connection)


def test_the_connection_check_says_in_words_that_it_worked(
        connection: Connection, sftp_server: MailboxServer) -> None:  # noqa: F811
    deliver(sftp_server, "remit.835", REMIT)
    answer = sftp.check(connection)
    assert answer.startswith(f"Connected to 127.0.0.1:{sftp_server.port} as rcm;")
    assert "inbound folder /in: 1 files" in answer


def test_a_wrong_password_is_reported_as_a_refused_login(
        connection: Connection, sftp_server: MailboxServer) -> None:  # noqa: F811
    sftp_server.password = "changed"
    assert "refused the login" in sftp.check(connection)


def test_a_known_hosts_line_is_accepted_as_the_pin(
        connection: Connection, sftp_server: MailboxServer) -> None:  # noqa: F811
    connection.host_key = f"[127.0.0.1]:{sftp_server.port} {sftp_server.public_key}"
    assert sftp.pinned_key(connection).export_public_key().decode().strip() == \
        sftp_server.public_key


def test_a_private_key_logs_in_where_a_password_is_not_set(
        world: World, sftp_server: MailboxServer) -> None:  # noqa: F811
    key = asyncssh.generate_private_key("ssh-ed25519")
    sftp_server.client_key = key
    connection = Connection.objects.create(
        client=world.acme, name="By key", kind="sftp", host="127.0.0.1",
        port=sftp_server.port, username=sftp_server.username,
        host_key=sftp_server.public_key, inbound_dir="/in")
    sealed, key_id = seal(key.export_private_key().decode())
    Credential.objects.create(connection=connection, kind=CredentialKind.PRIVATE_KEY,
                              ciphertext=sealed, key_id=key_id)
    assert sftp.check(connection).startswith("Connected to")
    assert sftp_server.logins == 1


def test_two_poll_results_add_up_and_each_error_names_its_connection() -> None:
    first = inbound.PollResult(listed=2, waiting=1, taken=1, errors=["late"])
    second = inbound.PollResult(listed=3, taken=2, duplicates=1, failed=1, errors=["down"])
    total = first.naming("North") + second.naming("South")
    assert total.as_dict() == {"listed": 5, "waiting": 1, "taken": 3, "duplicates": 1,
                               "failed": 1, "errors": ["North: late", "South: down"]}
    assert first.errors == ["late"]  # naming and adding leave the parts as they were
