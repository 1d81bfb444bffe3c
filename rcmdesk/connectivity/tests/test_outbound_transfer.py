from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.connectivity import outbound
from rcmdesk.connectivity.models import (
    Connection,
    RealtimeInquiry,
    Transmission,
    TransmissionState,
)
from rcmdesk.connectivity.tests.sftp_server import (  # noqa: F401 (fixture)
    MailboxServer,
    mailbox_for,
    sftp_server,
)
from rcmdesk.errors import Conflict, Invalid
from rcmdesk.intake import outbound as writer
from rcmdesk.intake.models import OutboundFile
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.x12.writer import Elements, Envelope, TransactionBody

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def body(set_id: str = "837") -> TransactionBody:
    segments: list[Elements] = [["BHT", "0019", "00", "B1", "20261207", "1200", "CH"]]
    segments += [["NM1", "85", "2", f"PROVIDER {i}"] for i in range(40)]
    return TransactionBody(set_id, "005010X222A1", "HC", "0001", segments)


def write_837(world: World, name: str = "837P-20261207.x12") -> OutboundFile:
    return writer.write(world.acme, "837", [body()], Envelope(sender="ACME", receiver="CH"),
                        name=name)


@pytest.fixture
def connection(world: World, sftp_server: MailboxServer) -> Connection:  # noqa: F811
    return mailbox_for(world.acme, sftp_server)


def test_a_written_837_is_queued_for_the_connection_carrying_837s(connection: Connection,
                                                                   world: World) -> None:
    out = write_837(world)
    row = Transmission.objects.get(outbound=out)
    assert (row.connection, row.state) == (connection, TransmissionState.QUEUED)


def test_a_file_without_a_connection_for_its_set_is_not_queued(connection: Connection,
                                                               world: World) -> None:
    connection.carries = "270 276"
    connection.save()
    assert outbound.queue(write_837(world)) is None
    assert not Transmission.objects.exists()


def test_a_file_answered_in_real_time_is_not_queued_by_the_writer(connection: Connection,
                                                                   world: World) -> None:
    from django.db import transaction

    with transaction.atomic():
        out = writer.write(world.acme, "270", [body("270")], Envelope(sender="ACME"),
                           name="270.x12")
        RealtimeInquiry.objects.create(client=world.acme, connection=connection,
                                       set_id="270", outbound=out, isa13=out.isa13,
                                       gs06=out.gs06, payload_id="p1")
    assert not Transmission.objects.filter(outbound=out).exists()
    fallback = outbound.queue(out)
    assert fallback is not None
    assert fallback.state == TransmissionState.QUEUED


def test_a_queued_837_goes_out_once_under_its_final_name(
        connection: Connection, world: World, sftp_server: MailboxServer) -> None:  # noqa: F811
    out = write_837(world)
    [sent] = outbound.send_due(world.acme, now=NOW)
    assert sent.state == TransmissionState.SENT
    assert sent.remote_name == f"837P-20261207-{out.isa13}.x12"
    assert sent.sent_at == NOW
    assert sftp_server.files("out") == {sent.remote_name: bytes(out.content)}
    event = AuditEvent.objects.get(action="transmission.sent")
    assert event.detail["remote_name"] == sent.remote_name


def test_a_second_send_never_sends_again(
        connection: Connection, world: World, sftp_server: MailboxServer) -> None:  # noqa: F811
    write_837(world)
    outbound.send_due(world.acme, now=NOW)
    logins = sftp_server.logins
    assert outbound.send_due(world.acme, now=NOW + timedelta(hours=1)) == []
    assert sftp_server.logins == logins
    assert AuditEvent.objects.filter(action="transmission.sent").count() == 1


def test_a_line_dropped_mid_upload_ends_in_exactly_one_complete_remote_file(
        connection: Connection, world: World, sftp_server: MailboxServer) -> None:  # noqa: F811
    out = write_837(world)
    sftp_server.faults.drop_upload_after = 300
    [first] = outbound.send_due(world.acme, now=NOW)
    assert first.state == TransmissionState.QUEUED
    assert "connection was lost" in first.last_error
    assert first.next_attempt_at == NOW + timedelta(minutes=1)
    assert list(sftp_server.files("out")) == [f".{outbound.remote_name(out)}.part"]
    assert outbound.send_due(world.acme, now=NOW + timedelta(seconds=30)) == []  # backoff
    [second] = outbound.send_due(world.acme, now=NOW + timedelta(minutes=1))
    assert (second.state, second.attempts) == (TransmissionState.SENT, 2)
    assert sftp_server.files("out") == {second.remote_name: bytes(out.content)}


def test_a_dropped_line_holds_back_only_the_file_it_cut(
        connection: Connection, world: World, sftp_server: MailboxServer) -> None:  # noqa: F811
    write_837(world, name="first.x12")
    write_837(world, name="second.x12")
    sftp_server.faults.drop_upload_after = 300
    first, second = outbound.send_due(world.acme, now=NOW)
    assert (first.state, second.state) == (TransmissionState.QUEUED, TransmissionState.SENT)
    assert sftp_server.logins == 2  # a new session after the drop


def test_a_server_that_cannot_be_reached_fails_every_file_with_one_reason(
        connection: Connection, world: World) -> None:
    connection.port = 1  # nothing listens there
    connection.save()
    write_837(world, name="first.x12")
    write_837(world, name="second.x12")
    rows = outbound.send_due(world.acme, now=NOW)
    assert {r.state for r in rows} == {TransmissionState.QUEUED}
    assert len({r.last_error for r in rows}) == 1
    assert rows[0].last_error.startswith("Connecting to 127.0.0.1:1")


def test_a_file_already_on_the_server_with_our_bytes_counts_as_sent(
        connection: Connection, world: World, sftp_server: MailboxServer) -> None:  # noqa: F811
    out = write_837(world)
    (sftp_server.root / "out" / outbound.remote_name(out)).write_bytes(bytes(out.content))
    [row] = outbound.send_due(world.acme, now=NOW)
    assert row.state == TransmissionState.SENT
    assert AuditEvent.objects.get(action="transmission.sent").detail["already_there"]


def test_backoff_doubles_and_is_capped() -> None:
    waits = [outbound.backoff(n) for n in (1, 2, 3, 4, 20)]
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 60)]


def test_after_the_last_attempt_the_file_fails_with_a_work_item_saying_why(
        connection: Connection, world: World) -> None:
    connection.host_key = ""
    connection.save()
    write_837(world)
    at = NOW
    for _ in range(outbound.MAX_ATTEMPTS):
        rows = outbound.send_due(world.acme, now=at)
        at = at + timedelta(hours=2)
    [row] = rows
    assert (row.state, row.attempts) == (TransmissionState.FAILED, outbound.MAX_ATTEMPTS)
    item = WorkItem.objects.get(kind=ItemKind.TRANSMISSION)
    assert "could not be sent to Clearinghouse" in item.title
    assert "no pinned host key" in item.title
    assert outbound.send_due(world.acme, now=at + timedelta(days=1)) == []


def test_a_resend_needs_a_reason_and_is_a_new_audited_row(
        connection: Connection, world: World, sftp_server: MailboxServer) -> None:  # noqa: F811
    write_837(world)
    [first] = outbound.send_due(world.acme, now=NOW)
    admin = world.user(Role.CLIENT_ADMIN)
    with pytest.raises(Invalid, match="Say why"):
        outbound.resend(first, reason="  ", acting_user=admin)
    again = outbound.resend(first, reason="payer says it never arrived", acting_user=admin)
    assert (again.resend_of, again.requested_by) == (first, admin)
    event = AuditEvent.objects.get(action="transmission.resend")
    assert event.detail["reason"] == "payer says it never arrived"
    [sent] = outbound.send_due(world.acme, now=NOW + timedelta(minutes=5))
    assert sent.pk == again.pk
    assert sent.remote_name.endswith("-resend1.x12")
    assert len(sftp_server.files("out")) == 2


def test_a_client_manager_may_not_resend(connection: Connection, world: World) -> None:
    write_837(world)
    row = Transmission.objects.get()
    row.state = TransmissionState.SENT
    with pytest.raises(PermissionDenied):
        outbound.resend(row, reason="because", acting_user=world.user(Role.CLIENT_MANAGER))


def test_a_file_still_waiting_to_go_is_not_resent(connection: Connection,
                                                 world: World) -> None:
    write_837(world)
    with pytest.raises(Conflict, match="still waiting to be sent"):
        outbound.resend(Transmission.objects.get(), reason="impatient",
                        acting_user=world.user(Role.CLIENT_ADMIN))


def test_two_claims_at_once_never_take_the_same_row(connection: Connection,
                                                    world: World) -> None:
    for n in range(3):
        write_837(world, name=f"batch{n}.x12")
    first = outbound.claim(now=NOW, limit=2)
    second = outbound.claim(now=NOW)
    assert len(first) == 2
    assert len(second) == 1
    assert not {r.pk for r in first} & {r.pk for r in second}
    assert outbound.claim(now=NOW) == []
    later = outbound.claim(now=NOW + outbound.LEASE)  # leases ran out: a dead worker's rows
    assert len(later) == 3


def test_a_row_locked_by_another_worker_is_skipped_not_waited_for(
        connection: Connection, world: World, django_db_blocker: Any) -> None:
    from django.db import connection as db

    if db.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite locks the whole database)")
    import threading

    from django.db import transaction

    write_837(world, name="a.x12")
    write_837(world, name="b.x12")
    locked = threading.Event()
    release = threading.Event()

    def hold_one() -> None:
        with transaction.atomic():
            Transmission.objects.select_for_update().filter(outbound__name="a.x12").get()
            locked.set()
            release.wait(10)
        db.close()

    holder = threading.Thread(target=hold_one)
    holder.start()
    try:
        assert locked.wait(10)
        taken = outbound.claim(now=NOW)
        assert [r.outbound.name for r in taken] == ["b.x12"]
    finally:
        release.set()
        holder.join(10)
