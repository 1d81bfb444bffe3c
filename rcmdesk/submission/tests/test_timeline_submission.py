"""The claim's timeline tells its submission: written in batch X, delivered (when, as what),
the TA1/999 and the 277CA."""

from __future__ import annotations

from rcmdesk.claims.models import Claim
from rcmdesk.claims.timeline import timeline
from rcmdesk.conftest import World
from rcmdesk.intake.services import ingest
from rcmdesk.submission.tests.test_acks import ack_277ca, ack_999, sent_batch
from rcmdesk.submission.tests.test_correlation import mailbox, sent
from rcmdesk.submission.tests.test_ta1_intake import ta1_file
from rcmdesk.tenancy.roles import Role


def titles(world: World, pcn: str) -> list[str]:
    claim = Claim.objects.get(patient_control_number=pcn)
    return [f"{e.title} | {e.detail}" for e in timeline(world.user(Role.CLIENT_STAFF), claim)
            if e.stage in ("submission", "payer")]


def test_the_timeline_shows_the_batch_the_delivery_the_999_and_the_277ca(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    sent(batch.outbound, mailbox(world.acme), minutes_ago=0)
    ingest(world.acme, ack_999(batch, "A"), "ack.999")
    ingest(world.acme, ack_277ca(batch, [], ["PCN1"]), "ca.277")
    shown = titles(world, "PCN1")
    assert any(t.startswith("Sent to the payer in an 837P batch") for t in shown)
    assert (f"File delivered to the clearinghouse (Clearinghouse mailbox) | "
            f"as {batch.outbound.name}") in shown
    assert any(t.startswith("999 (file syntax check): accepted") for t in shown)
    assert any(t.startswith("277CA (payer's front door): rejected | A7") for t in shown)


def test_a_rejected_interchange_shows_on_the_timeline(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    ingest(world.acme, ta1_file(batch.outbound.isa13, "R", "022"), "reject.ta1")
    assert any(t.startswith("TA1 (interchange check): rejected | interchange")
               for t in titles(world, "PCN1"))
