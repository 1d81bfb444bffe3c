"""999, TA1 and 277CA answers mark each sent claim accepted or rejected, with items in words."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from rcmdesk.claims.models import Claim, FrontDoor
from rcmdesk.conftest import World
from rcmdesk.intake.services import ingest
from rcmdesk.submission import services
from rcmdesk.submission.models import AckStatus, BatchClaim, SubmissionBatch
from rcmdesk.submission.tests.factories import SERVICE_DAY, TODAY, draft_claim
from rcmdesk.synth.files import Controls, Rejection, build_277ca, write_999
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.x12 import t999
from rcmdesk.x12.tests.samples import need_samples
from rcmdesk.x12.writer import Envelope, write_interchange
from rcmdesk.x12.writers import build_999

PRACTICE = SimpleNamespace(name="ACME FAMILY MEDICINE", npi="1234567893", submitter_id="ACME")


def sent_batch(world: World, *pcns: str, kind: str = "P") -> SubmissionBatch:
    for pcn in pcns:
        draft_claim(world.acme, pcn, kind=kind)
    [batch] = services.submit(world.acme, acting_user=world.user(Role.CLIENT_STAFF), today=TODAY)
    return batch


def ack_999(batch: SubmissionBatch, status: str, errors: tuple[t999.SegmentError, ...] = (),
            control: int = 500) -> bytes:
    version = "005010X222A1" if batch.kind == "P" else "005010X223A2"
    ack = t999.Acknowledgment(
        "0001", "HC", batch.outbound.gs06, version,
        (t999.SetResponse("837", "0001", version, status, ("5",) if errors else (), errors),),
        status, "1", "1", "1" if status == "A" else "0")
    env = Envelope(sender="RCMDESKCH", receiver="ACME", interchange_control=control,
                   group_control=control)
    return write_interchange([build_999(ack)], env)


def ack_277ca(batch: SubmissionBatch, accepted: list[str], rejected: list[str],
              control: int = 700, listed: tuple[str, ...] = ()) -> bytes:
    """Claims in ``rejected`` (A7) and ``listed`` (A2) get a claim level; ``accepted`` only
    count in the totals, as the synthetic clearinghouse reports them."""
    def billed(pcn: str) -> Any:
        return SimpleNamespace(
            claim=SimpleNamespace(patient_control_number=pcn, charge=Decimal("1025.00")),
            patient=SimpleNamespace(last="DOE", first="JANE"),
            coverage=SimpleNamespace(member_id=f"W{pcn}"), service_date=SERVICE_DAY)
    body = build_277ca(cast(Any, PRACTICE), [billed(p) for p in accepted],
                       [Rejection(billed(p), "A7", "562", "85") for p in rejected]
                       + [Rejection(billed(p), "A2", "20", "") for p in listed],
                       "20261121", f"{batch.reference}0001")
    env = Envelope(sender="RCMDESKCH", receiver="ACME", interchange_control=control,
                   group_control=control)
    return write_interchange([body], env)


def rejection_items(claim: Claim) -> list[WorkItem]:
    return list(WorkItem.objects.filter(kind=ItemKind.REJECTION, claim=claim))


def test_a_999_accepting_the_set_marks_its_claims_syntax_accepted(world: World,
                                                                  tmp_path: Path) -> None:
    batch = sent_batch(world, "PCN1", "PCN2")
    path = tmp_path / "ack.999"
    write_999(path, Controls(), cast(Any, PRACTICE), "P", int(batch.outbound.gs06), "20261121")
    result = ingest(world.acme, path.read_bytes(), "ack.999")
    assert result.outcome == "applied", result.message
    assert set(Claim.objects.values_list("front_door", flat=True)) == {
        FrontDoor.SYNTAX_ACCEPTED}
    assert not WorkItem.objects.filter(kind=ItemKind.REJECTION).exists()


def test_a_999_rejecting_the_set_makes_an_item_per_claim_naming_segment_and_element(
        world: World) -> None:
    batch = sent_batch(world, "PCN1")
    error = t999.SegmentError("CLM", "21", "2300", "8",
                              (t999.ElementError(("5", "1"), "1331", "7", "99"),))
    result = ingest(world.acme, ack_999(batch, "R", (error,)), "reject.999")
    assert result.outcome == "applied", result.message
    claim = Claim.objects.get(patient_control_number="PCN1")
    assert claim.front_door == FrontDoor.REJECTED
    [item] = rejection_items(claim)
    text = str(item.detail)
    assert "CLM (Claim Information), segment 21 of the set in loop 2300" in text
    assert "CLM05-1 (data element 1331): code value not allowed (IK4 code 7)" in text
    assert "segment has element errors" in text
    assert item.detail["batch_id"] == batch.pk
    assert BatchClaim.objects.get(claim=claim).ack_status == AckStatus.REJECTED


def test_a_277ca_accepts_one_claim_and_rejects_another_with_an_item(world: World) -> None:
    batch = sent_batch(world, "PCN1", "PCN2")
    result = ingest(world.acme, ack_277ca(batch, ["PCN1"], ["PCN2"]), "ca.277")
    assert result.outcome == "applied", result.message
    ok, bad = (Claim.objects.get(patient_control_number=p) for p in ("PCN1", "PCN2"))
    assert (ok.front_door, bad.front_door) == (FrontDoor.ACCEPTED, FrontDoor.REJECTED)
    [item] = rejection_items(bad)
    assert item.source_key == f"claim:{bad.pk}:277ca:{result.file.pk}"
    assert "A7" in item.detail["summary"]
    assert "562" in item.detail["summary"]
    assert "entity 85" in item.detail["summary"]
    assert not rejection_items(ok)


def test_ingesting_the_same_277ca_again_changes_nothing(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    data = ack_277ca(batch, [], ["PCN1"])
    first = ingest(world.acme, data, "ca.277")
    from rcmdesk.intake.services import process
    process(first.file)
    assert WorkItem.objects.filter(kind=ItemKind.REJECTION).count() == 1


def test_a_corrected_claim_resubmitted_closes_its_old_rejection_item(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    ingest(world.acme, ack_277ca(batch, [], ["PCN1"]), "ca.277")
    claim = Claim.objects.get(patient_control_number="PCN1")
    [second] = services.submit(world.acme, [claim], acting_user=world.user(Role.CLIENT_STAFF),
                               today=TODAY)
    [item] = rejection_items(claim)
    assert item.status == ItemStatus.DONE
    assert "resubmitted" in item.close_reason
    result = ingest(world.acme, ack_277ca(second, [], [], control=701,
                                                  listed=("PCN1",)), "ca2.277")
    assert result.outcome == "applied", (result.message, result.file.summary)
    claim.refresh_from_db()
    assert claim.front_door == FrontDoor.ACCEPTED


@pytest.mark.parametrize("name", ["x12_277CA_accepted.txt", "x12_277CA_rejected.txt",
                                  "x12_999_accepted.txt", "x12_999_rejected.txt"])
def test_shared_acknowledgments_for_someone_elses_claims_are_stored_and_counted_unmatched(
        world: World, name: str) -> None:
    sent_batch(world, "PCN1")
    data = (need_samples() / "imsweb-x12-parser" / name).read_bytes()
    result = ingest(world.acme, data, name)
    assert result.outcome in ("applied", "quarantined"), result.message
    if result.outcome == "applied":
        summaries = list(result.file.summary["sets"].values())
        assert all(s.get("unmatched", 0) >= 0 for s in summaries)
    assert Claim.objects.get(patient_control_number="PCN1").front_door == FrontDoor.SENT


def test_a_rejected_interchange_ta1_rejects_every_claim_of_the_batch(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    isa = ("ISA*00*          *00*          *ZZ*RCMDESKCH      *ZZ*ACME           "
           "*261121*1200*^*00501*000000900*0*T*:~\n")
    ta1 = f"TA1*{batch.outbound.isa13}*261120*1200*R*022~\n"
    data = (isa + ta1 + "IEA*0*000000900~\n").encode()
    from rcmdesk.intake.models import ReceivedFile
    from rcmdesk.submission.acks import apply_ta1
    received = ReceivedFile.objects.create(client=world.acme, original_name="ta1.x12",
                                           sha256="x" * 64, size=len(data), content=data,
                                           channel="cli")
    assert apply_ta1(received)["rejected"] == 1
    assert Claim.objects.get(patient_control_number="PCN1").front_door == FrontDoor.REJECTED

