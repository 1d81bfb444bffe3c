"""A TA1 received through intake answers our outbound interchange (ISA13) as a whole."""

from __future__ import annotations

from rcmdesk.claims.models import Claim, FrontDoor
from rcmdesk.conftest import World
from rcmdesk.intake.services import ALREADY, ingest, process
from rcmdesk.submission.models import AckStatus, BatchClaim, BatchStatus, SubmissionBatch
from rcmdesk.submission.tests.test_acks import rejection_items, sent_batch
from rcmdesk.workqueue.models import ItemKind, WorkItem


def ta1_file(isa13: str, status: str, note: str = "000", control: str = "000000900") -> bytes:
    """An interchange from the clearinghouse holding nothing but one TA1 (no sets)."""
    return (f"ISA*00*          *00*          *ZZ*RCMDESKCH      *ZZ*ACME           "
            f"*261121*1200*^*00501*{control}*0*T*:~\n"
            f"TA1*{isa13}*261120*1200*{status}*{note}~\n"
            f"IEA*0*{control}~\n").encode()


def test_a_ta1_rejecting_our_interchange_rejects_every_claim_of_its_batch_with_items(
        world: World) -> None:
    batch = sent_batch(world, "PCN1", "PCN2")
    result = ingest(world.acme, ta1_file(batch.outbound.isa13, "R", "022"), "reject.ta1")
    assert result.outcome == "applied", result.message
    assert result.file.summary["sets"]["TA1"]["rejected"] == 1
    for claim in Claim.objects.filter(patient_control_number__in=["PCN1", "PCN2"]):
        assert claim.front_door == FrontDoor.REJECTED
        [item] = rejection_items(claim)
        assert item.source_key == f"claim:{claim.pk}:ta1:{result.file.pk}"
        assert f"interchange {batch.outbound.isa13} rejected" in item.detail["summary"]
        assert item.detail["batch_id"] == batch.pk
    assert set(BatchClaim.objects.values_list("ack_status", flat=True)) == {
        AckStatus.REJECTED}
    assert SubmissionBatch.objects.get(pk=batch.pk).status == BatchStatus.REJECTED


def test_a_ta1_accepting_our_interchange_changes_nothing(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    result = ingest(world.acme, ta1_file(batch.outbound.isa13, "A"), "accept.ta1")
    assert result.outcome == "applied", result.message
    assert result.file.summary["sets"]["TA1"]["accepted"] == 1
    assert Claim.objects.get().front_door == FrontDoor.SENT
    assert BatchClaim.objects.get().ack_status == batch.claims.get().ack_status
    assert SubmissionBatch.objects.get(pk=batch.pk).status == batch.status
    assert not WorkItem.objects.filter(kind=ItemKind.REJECTION).exists()


def test_the_same_ta1_again_or_processed_twice_adds_no_item(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    data = ta1_file(batch.outbound.isa13, "R", "022")
    first = ingest(world.acme, data, "reject.ta1")
    assert ingest(world.acme, data, "again.ta1").outcome == ALREADY
    process(first.file)
    assert ingest(world.acme, ta1_file(batch.outbound.isa13, "R", "022", control="000000901"),
                  "resent.ta1").outcome == "applied"
    assert WorkItem.objects.filter(kind=ItemKind.REJECTION).count() == 1


def test_a_ta1_for_an_interchange_we_never_sent_is_counted_unmatched(world: World) -> None:
    sent_batch(world, "PCN1")
    result = ingest(world.acme, ta1_file("999999999", "R", "022"), "other.ta1")
    assert result.outcome == "applied", result.message
    assert result.file.summary["sets"]["TA1"]["unmatched"] == 1
    assert Claim.objects.get().front_door == FrontDoor.SENT
