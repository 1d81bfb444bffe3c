"""Claims out and answers back through the clearinghouse simulator, with no hands.

Every step runs the product's own code over real loopback sockets: ``submission.submit``
writes the 837 and the ``outbound_written`` signal queues it; ``outbound.send_due`` uploads
it to the simulator's SFTP server; the simulator answers (999, 277CA, later 835s) at the
test's clock; ``inbound.poll`` takes the answers and intake processes them (its task run on
the spot). What is asserted is where every claim ends, and that the faults a real network
brings (a cut upload, a cut download, a file delivered twice) leave one of everything.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import timedelta

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.connectivity import outbound
from rcmdesk.connectivity.models import InboundFile, InboundState, Transmission, TransmissionState
from rcmdesk.connectivity.tests.claims_chain import (  # noqa: F401 (fixture)
    ANSWERED,
    SETTLED,
    Chain,
    wired_chain,
)
from rcmdesk.connectivity.tests.simulated import running_simulator  # noqa: F401 (fixture)
from rcmdesk.intake.models import FileStatus, ReceivedFile
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.sim import users
from rcmdesk.submission import states
from rcmdesk.submission.models import OutboundAck
from rcmdesk.synth import outcomes
from rcmdesk.workqueue.models import ItemKind, WorkItem

REMITS_DONE_DAYS = 10  # the simulator pays 2-6 days after the 837, reversals 1-3 days later


@pytest.fixture
def a_front_door_rejection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first claim the payers decide is rejected at the front door, the rest drawn as
    the synthetic mix draws them. Why: the mix rejects 3%, so 200 claims would carry no
    rejection in about one run of 440 (the 837's bytes, and so the draws, differ each run),
    and the rejection path must be proven every time."""
    draw = outcomes.choose
    calls = itertools.count()

    def first_rejected(rng: random.Random) -> outcomes.Outcome:
        return outcomes.Outcome.REJECTED if next(calls) == 0 else draw(rng)

    monkeypatch.setattr(outcomes, "choose", first_rejected)


@pytest.mark.usefixtures("a_front_door_rejection")
def test_two_hundred_claims_each_end_answered_and_their_remits_post_without_hands(
        chain: Chain) -> None:
    batch = chain.submit(200)
    [transmission] = Transmission.objects.filter(outbound=batch.outbound)
    assert transmission.state == TransmissionState.QUEUED
    [sent] = chain.send()
    assert sent.state == TransmissionState.SENT
    chain.answer(hours=1)
    chain.fetch()
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.ACCEPTED
    stages = chain.stages(batch)
    assert len(stages) == 200
    assert set(stages.values()) <= ANSWERED, Counter(stages.values())
    rejected = {pcn for pcn, stage in stages.items()
                if stage == states.ClaimStage.REJECTED_277CA}
    assert rejected
    items = WorkItem.objects.filter(client=chain.world.acme, kind=ItemKind.REJECTION)
    assert set(items.values_list("claim__patient_control_number", flat=True)) == rejected

    chain.answer(days=REMITS_DONE_DAYS)
    chain.fetch()
    settled = chain.stages(batch)
    assert set(settled.values()) <= SETTLED, Counter(settled.values())
    assert states.ClaimStage.PAID in settled.values()
    assert set(ReceivedFile.objects.values_list("status", flat=True)) == {FileStatus.APPLIED}
    assert check_ledger(chain.world.acme) == []


def answers_taken(kind: str) -> list[bytes]:
    """The bytes intake received of one kind of answer (999, 277CA, 835), by file name."""
    return [bytes(f.content) for f in ReceivedFile.objects.filter(
        original_name__startswith=f"{kind}_").order_by("pk")]


def test_an_upload_cut_halfway_is_retried_into_exactly_one_complete_remote_file(
        chain: Chain) -> None:
    batch = chain.submit(3)
    chain.fault(drop_after_bytes=1024)
    [cut] = chain.send()
    assert (cut.state, cut.attempts) == (TransmissionState.QUEUED, 1)
    assert cut.next_attempt_at == chain.now + timedelta(minutes=1)  # retried after backoff
    assert "connection was lost" in cut.last_error
    assert outbound.remote_name(batch.outbound) not in chain.uploads()
    chain.answer()
    assert chain.sim.answers("acme") == []  # a partial upload is never taken, so no 999
    [retried] = chain.send()
    assert (retried.state, retried.attempts) == (TransmissionState.SENT, 2)
    name = outbound.remote_name(batch.outbound)
    assert chain.uploads() == [name]  # no .part left beside it
    folder = users.home(chain.sim.state_dir, "acme") / users.INBOUND
    assert (folder / name).read_bytes() == bytes(batch.outbound.content)
    chain.answer()
    chain.fetch()
    assert len(answers_taken("999")) == 1  # the simulator answered one file
    retried.refresh_from_db()
    assert retried.state == TransmissionState.ACCEPTED


def test_an_answer_delivered_twice_is_ingested_once(chain: Chain) -> None:
    batch = chain.submit(3)
    chain.send()
    chain.fault(duplicate_next=1)
    chain.answer()
    assert len([n for n in chain.sim.answers("acme") if n.startswith("999_")]) == 2
    results = chain.fetch()
    assert (sum(r.taken for r in results), sum(r.duplicates for r in results)) == (1, 1)
    assert len(answers_taken("999")) == 1
    assert AuditEvent.objects.filter(action="intake.duplicate").count() == 1
    assert OutboundAck.objects.filter(outbound=batch.outbound).count() == 1
    assert chain.sim.answers("acme") == []  # both archived on the server


def test_a_half_downloaded_answer_is_never_ingested_and_is_taken_whole_next_poll(
        chain: Chain) -> None:
    chain.submit(3)
    chain.send()
    chain.answer()
    [name] = chain.sim.answers("acme")
    whole = (users.home(chain.sim.state_dir, "acme") / users.OUTBOUND / name).read_bytes()
    assert chain.poll().waiting == 1  # seen once; taken when a later poll sees it unchanged
    chain.fault(drop_after_bytes=len(whole) // 2)
    cut = chain.poll()
    assert (cut.taken, cut.failed) == (0, 1)
    assert not ReceivedFile.objects.exists()
    assert InboundFile.objects.get().state == InboundState.SEEN
    again = chain.poll()
    assert (again.taken, again.failed) == (1, 0)
    assert answers_taken("999") == [whole]
