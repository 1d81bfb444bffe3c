"""TA1s and 999s are kept against whichever of our files they name (837, 270, 276, 278),
and the file's transmissions take the worst verdict of its answers."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.connectivity.models import (
    Connection,
    ConnectionKind,
    Transmission,
    TransmissionState,
)
from rcmdesk.intake.models import OutboundFile
from rcmdesk.intake.services import ingest, process
from rcmdesk.submission.models import AckSource, AckVerdict, BatchStatus, OutboundAck
from rcmdesk.submission.tests.test_acks import ack_999, sent_batch
from rcmdesk.submission.tests.test_ta1_intake import ta1_file
from rcmdesk.tenancy.models import Organization
from rcmdesk.x12 import t999
from rcmdesk.x12.writer import Envelope, write_interchange
from rcmdesk.x12.writers import build_999

GUIDES = {"270": ("HS", "005010X279A1"), "276": ("HR", "005010X212"),
          "278": ("HI", "005010X217")}


def outbound(client: Organization, set_id: str, control: int) -> OutboundFile:
    """One of our 270/276/278 files as ``intake.outbound.write`` keeps it."""
    data = f"ISA ... {set_id} {control}".encode()
    return OutboundFile.objects.create(
        client=client, set_id=set_id, name=f"{set_id}-{control}.x12",
        sha256=hashlib.sha256(data).hexdigest(), size=len(data), content=data,
        isa_sender="ACME", isa13=f"{control:09d}", gs06=str(control), count=1)


def mailbox(client: Organization) -> Connection:
    found, _ = Connection.objects.get_or_create(
        client=client, name="Clearinghouse mailbox",
        defaults={"kind": ConnectionKind.SFTP, "host": "127.0.0.1"})
    return found


def sent(out: OutboundFile, connection: Connection, *, minutes_ago: int = 5) -> Transmission:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return Transmission.objects.create(client_id=out.client_id, outbound=out,
                                       connection=connection, state=TransmissionState.SENT,
                                       sent_at=at, remote_name=f"{out.name}")


def ack_for(out: OutboundFile, status: str, *, set_status: str = "", control: int = 800,
            codes: tuple[str, ...] = ()) -> bytes:
    functional_id, version = GUIDES[out.set_id]
    ack = t999.Acknowledgment(
        "0001", functional_id, out.gs06, version,
        (t999.SetResponse(out.set_id, "0001", version, set_status or status, codes),),
        status, "1", "1", "0" if status == "R" else "1")
    env = Envelope(sender="RCMDESKCH", receiver="ACME", interchange_control=control,
                   group_control=control)
    return write_interchange([build_999(ack)], env)


def test_a_999_to_our_270_is_kept_against_the_file_and_marks_its_transmission_accepted(
        world: World) -> None:
    out = outbound(world.acme, "270", 41)
    transmission = sent(out, mailbox(world.acme))
    result = ingest(world.acme, ack_for(out, "A"), "ack-270.999")
    assert result.outcome == "applied", result.message
    [ack] = OutboundAck.objects.filter(outbound=out)
    assert (ack.source, ack.verdict, ack.received_id) == (AckSource.ACK_999,
                                                          AckVerdict.ACCEPTED, result.file.pk)
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.ACCEPTED
    assert transmission.ack_file_id == result.file.pk
    assert transmission.acknowledged_at == ack.recorded_at
    assert AuditEvent.objects.filter(action="outbound.acknowledged").count() == 1


def test_a_999_rejecting_our_276_says_why_and_marks_the_transmission_rejected(
        world: World) -> None:
    out = outbound(world.acme, "276", 42)
    transmission = sent(out, mailbox(world.acme))
    ingest(world.acme, ack_for(out, "R", codes=("5",)), "ack-276.999")
    ack = OutboundAck.objects.get(outbound=out)
    assert ack.verdict == AckVerdict.REJECTED
    assert "276 group 42 rejected" in ack.summary
    assert "one or more segments in error" in ack.summary
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.REJECTED


def test_a_999_accepting_with_errors_marks_our_278_accepted_with_errors(world: World) -> None:
    out = outbound(world.acme, "278", 43)
    transmission = sent(out, mailbox(world.acme))
    ingest(world.acme, ack_for(out, "E"), "ack-278.999")
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.ACCEPTED_WITH_ERRORS


def test_a_ta1_to_our_270_interchange_is_kept_against_it(world: World) -> None:
    out = outbound(world.acme, "270", 44)
    transmission = sent(out, mailbox(world.acme))
    result = ingest(world.acme, ta1_file(out.isa13, "R", "024"), "reject.ta1")
    assert result.file.summary["sets"]["TA1"]["rejected"] == 1
    assert result.file.summary["sets"]["TA1"]["unmatched"] == 0
    ack = OutboundAck.objects.get(outbound=out)
    assert (ack.source, ack.verdict) == (AckSource.TA1, AckVerdict.REJECTED)
    assert "note code 024" in ack.summary
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.REJECTED


def test_a_999_rejection_outweighs_an_earlier_ta1_acceptance_whatever_the_order(
        world: World) -> None:
    out = outbound(world.acme, "276", 45)
    transmission = sent(out, mailbox(world.acme))
    ingest(world.acme, ack_for(out, "R"), "ack.999")
    ingest(world.acme, ta1_file(out.isa13, "A"), "accept.ta1")
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.REJECTED
    assert OutboundAck.objects.filter(outbound=out).count() == 2


def test_an_acknowledged_file_sent_by_hand_keeps_its_answer_without_a_transmission(
        world: World) -> None:
    out = outbound(world.acme, "270", 46)
    ingest(world.acme, ack_for(out, "A"), "ack.999")
    assert OutboundAck.objects.get(outbound=out).verdict == AckVerdict.ACCEPTED
    assert not Transmission.objects.exists()


def test_a_queued_transmission_is_not_marked_acknowledged(world: World) -> None:
    out = outbound(world.acme, "270", 47)
    queued = Transmission.objects.create(client=world.acme, outbound=out,
                                         connection=mailbox(world.acme))
    ingest(world.acme, ack_for(out, "A"), "ack.999")
    queued.refresh_from_db()
    assert queued.state == TransmissionState.QUEUED
    assert queued.ack_file_id is None


def test_processing_the_same_answer_again_records_it_once(world: World) -> None:
    out = outbound(world.acme, "276", 48)
    transmission = sent(out, mailbox(world.acme))
    first = ingest(world.acme, ack_for(out, "A"), "ack.999")
    process(first.file)
    again = ingest(world.acme, ack_for(out, "A"), "ack-again.999")
    assert again.file.pk == first.file.pk or again.outcome != "applied"
    assert OutboundAck.objects.filter(outbound=out).count() == 1
    assert AuditEvent.objects.filter(action="outbound.acknowledged").count() == 1
    transmission.refresh_from_db()
    assert transmission.ack_file_id == first.file.pk


def test_a_999_to_a_group_we_never_sent_is_counted_unmatched(world: World) -> None:
    out = outbound(world.acme, "270", 49)
    OutboundFile.objects.filter(pk=out.pk).update(gs06="9049")
    result = ingest(world.acme, ack_for(out, "A"), "ack.999")
    assert result.outcome == "applied", result.message
    assert not OutboundAck.objects.exists()
    [(_key, outcome)] = [(k, v) for k, v in result.file.summary["sets"].items()]
    assert outcome["unmatched"] == 1


def test_a_999_to_our_837_is_kept_against_the_batch_file_and_its_transmission(
        world: World) -> None:
    batch = sent_batch(world, "PCN1")
    transmission = sent(batch.outbound, mailbox(world.acme))
    ingest(world.acme, ack_999(batch, "A"), "ack.999")
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.ACCEPTED
    assert OutboundAck.objects.get(outbound=batch.outbound).verdict == AckVerdict.ACCEPTED
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ACKNOWLEDGED
