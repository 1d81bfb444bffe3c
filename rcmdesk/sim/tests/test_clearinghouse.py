"""The clearinghouse's answers, driven by a test clock (no sockets)."""

from __future__ import annotations

import sys
import types
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from rcmdesk.sim import faults, payers, users
from rcmdesk.sim.clearinghouse import Clearinghouse, isa_header
from rcmdesk.sim.tests.support import START, SteppedClock, an_837, outbound, put_inbound
from rcmdesk.x12 import t270, t277, t278, t835, t837, t999
from rcmdesk.x12.errors import X12Error
from rcmdesk.x12.findings import Severity
from rcmdesk.x12.parser import transactions
from rcmdesk.x12.validate import validate
from rcmdesk.x12.values import DateRef, Name
from rcmdesk.x12.writer import Envelope, write_interchange
from rcmdesk.x12.writers import build_270, build_278


def _kinds(files: dict[str, bytes]) -> list[str]:
    return sorted(name.split("_", 1)[0] for name in files)


def _pcns(data: bytes) -> set[str]:
    return {c.patient_control_number for c in t837.iter_claims(data)}


def test_an_837_gets_a_999_at_once_naming_its_group_and_set_addressed_to_its_sender(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse) -> None:
    sent = an_837(tmp_path)
    put_inbound(state_dir, "BATCH0001.x12", sent)
    done = clearinghouse.process(START)
    assert done.taken == ("BATCH0001.x12",)
    files = outbound(state_dir)
    assert _kinds(files) == ["999"]
    answer = files[next(iter(files))]
    ack = next(iter(t999.acknowledgments(answer)))
    ours = next(iter(transactions(sent)))
    assert (ack.group_control, ack.sets[0].control, ack.sets[0].status) == (
        ours.group.control, ours.control, "A")
    assert next(iter(transactions(answer))).interchange.receiver == ours.interchange.sender


def test_the_277ca_follows_and_names_every_claim_by_its_patient_control_number(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse,
        clock: SteppedClock) -> None:
    sent = an_837(tmp_path, claims=40)
    put_inbound(state_dir, "BATCH0001.x12", sent)
    clearinghouse.process(START)
    clearinghouse.process(clock.advance(hours=1))
    files = outbound(state_dir)
    assert _kinds(files) == ["277CA", "999"]
    ca = next(data for name, data in files.items() if name.startswith("277CA"))
    response = next(iter(t277.responses(ca)))
    assert response.acknowledgment
    assert {c.patient_control_number for c in response.claims} == _pcns(sent)
    categories = {c.statuses[0].category for c in response.claims}
    assert "A2" in categories
    assert categories <= {"A2", "A3", "A7"}


def test_835s_come_only_after_the_simulated_days_and_pay_the_claims_the_277ca_accepted(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse,
        clock: SteppedClock) -> None:
    sent = an_837(tmp_path, claims=40)
    put_inbound(state_dir, "BATCH0001.x12", sent)
    clearinghouse.process(START)
    clearinghouse.process(clock.advance(days=1, hours=23))
    assert "835" not in _kinds(outbound(state_dir))
    clearinghouse.process(clock.advance(days=7))
    files = outbound(state_dir)
    ca = next(data for name, data in files.items() if name.startswith("277CA"))
    rejected = {c.patient_control_number for c in next(iter(t277.responses(ca))).claims
                if c.statuses[0].category != "A2"}
    paid = {c.patient_control_number for name, data in files.items() if name.startswith("835")
            for c in t835.iter_claims(data)}
    assert paid == _pcns(sent) - rejected
    assert not clearinghouse.pending()


def test_every_answer_passes_the_x12_engines_validation(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse,
        clock: SteppedClock) -> None:
    put_inbound(state_dir, "BATCH0001.x12", an_837(tmp_path, claims=60))
    clearinghouse.process(START)
    clearinghouse.process(clock.advance(days=10))
    for name, data in outbound(state_dir).items():
        errors = [f for f in validate(data, name=name) if f.severity is Severity.ERROR]
        assert errors == [], name


def test_a_payer_the_synthetic_world_does_not_know_always_maps_to_the_same_payer() -> None:
    known = payers.synthetic_payers(1)
    assert payers.payer_for("90003", known).code == "ACM"
    chosen = payers.payer_for("ZZ-UNKNOWN-77", known)
    assert chosen in known
    assert payers.payer_for("ZZ-UNKNOWN-77", payers.synthetic_payers(1)) == chosen


def test_the_835_is_in_the_name_of_the_payer_the_837_named(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse,
        clock: SteppedClock) -> None:
    payer = Name("PR", "2", "OUR LOCAL PAYER", "", "", "", "PI", "LOCAL42")
    put_inbound(state_dir, "BATCH0001.x12", an_837(tmp_path, payer=payer))
    clearinghouse.process(START)
    clearinghouse.process(clock.advance(days=10))
    remits = [r for name, data in outbound(state_dir).items() if name.startswith("835")
              for r in t835.remittances(data)]
    assert remits
    assert {r.payer.name for r in remits if r.payer} == {"OUR LOCAL PAYER"}


@pytest.mark.parametrize("name", [".BATCH.x12", "BATCH.x12.part", "BATCH.x12.tmp"])
def test_a_file_still_being_uploaded_is_never_taken(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse, name: str) -> None:
    put_inbound(state_dir, name, an_837(tmp_path))
    assert clearinghouse.process(START).taken == ()
    assert outbound(state_dir) == {}


def test_a_broken_interchange_gets_a_ta1_rejecting_it_by_its_control_number(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse) -> None:
    sent = an_837(tmp_path)
    broken = sent[: sent.rindex(b"IEA")]  # the interchange never ends
    put_inbound(state_dir, "BATCH0001.x12", broken)
    clearinghouse.process(START)
    files = outbound(state_dir)
    assert _kinds(files) == ["TA1"]
    (ta1,) = t999.interchange_acks(next(iter(files.values())))
    assert (ta1.control, ta1.status) == (next(iter(transactions(sent))).interchange.control,
                                         "R")


def test_a_set_the_999_rejects_gets_no_277ca_and_no_835(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse,
        clock: SteppedClock) -> None:
    sent = an_837(tmp_path).replace(b"\nCLM*", b"\nCLX*", 1)
    put_inbound(state_dir, "BATCH0001.x12", sent)
    clearinghouse.process(START)
    clearinghouse.process(clock.advance(days=10))
    files = outbound(state_dir)
    assert _kinds(files) == ["999"]
    assert next(iter(t999.acknowledgments(next(iter(files.values()))))).sets[0].status == "R"


def test_pending_835s_survive_a_restart(
        tmp_path: Path, state_dir: Path, clock: SteppedClock) -> None:
    put_inbound(state_dir, "BATCH0001.x12", an_837(tmp_path))
    Clearinghouse(state_dir, seed=7, clock=clock).process(START)
    restarted = Clearinghouse(state_dir, seed=7, clock=clock)
    assert {p.kind for p in restarted.pending()} >= {"277CA", "835"}
    restarted.process(clock.advance(days=10))
    assert "835" in _kinds(outbound(state_dir))
    assert restarted.pending() == []


def _answers(tmp_path: Path, seed: int) -> dict[str, bytes]:
    root = tmp_path / f"run-{seed}-{len(list(tmp_path.iterdir()))}"
    users.save(root, [users.User("acme", "pw")])
    users.load(root)
    clock = SteppedClock()
    house = Clearinghouse(root, seed=seed, clock=clock)
    put_inbound(root, "A.x12", an_837(tmp_path, claims=30, reference="A"))
    house.process(START)
    put_inbound(root, "B.x12", an_837(tmp_path, claims=30, seed=4, reference="B"))
    house.process(clock.advance(hours=2))
    house.process(clock.advance(days=10))
    return outbound(root)


def test_the_same_seed_and_uploads_give_the_same_bytes_and_another_seed_does_not(
        tmp_path: Path) -> None:
    first, again, other = _answers(tmp_path, 5), _answers(tmp_path, 5), _answers(tmp_path, 6)
    assert first == again
    assert first != other


def test_a_duplicate_fault_delivers_the_next_answer_twice(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse) -> None:
    faults.inject(state_dir, duplicate_next=1)
    put_inbound(state_dir, "BATCH0001.x12", an_837(tmp_path))
    clearinghouse.process(START)
    files = outbound(state_dir)
    assert len(files) == 2
    assert len(set(files.values())) == 1
    assert faults.Faults.load(state_dir).duplicate_next == 0


def test_a_late_999_fault_holds_the_next_999_past_the_hour(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse,
        clock: SteppedClock) -> None:
    faults.inject(state_dir, late_999_next=1, late_999_hours=3)
    put_inbound(state_dir, "BATCH0001.x12", an_837(tmp_path))
    clearinghouse.process(START)
    clearinghouse.process(clock.advance(hours=1))
    assert _kinds(outbound(state_dir)) == ["277CA"]
    clearinghouse.process(clock.advance(hours=2))
    assert _kinds(outbound(state_dir)) == ["277CA", "999"]


def test_a_malformed_fault_delivers_a_file_no_reader_accepts(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse) -> None:
    faults.inject(state_dir, malformed_next=1)
    put_inbound(state_dir, "BATCH0001.x12", an_837(tmp_path))
    clearinghouse.process(START)
    (data,) = outbound(state_dir).values()
    with pytest.raises(X12Error):
        list(transactions(data))


def test_the_slow_real_time_answer_is_a_lasting_setting_read_from_the_state_dir(
        state_dir: Path) -> None:
    assert faults.Faults.load(state_dir).slow_realtime_seconds == 0
    name, value = faults.parse_flag("slow=25")
    faults.inject(state_dir, **{name: value})
    assert faults.Faults.load(state_dir).slow_realtime_seconds == 25.0
    assert faults.take_count(state_dir, "duplicate_next") is False


def test_an_unknown_fault_word_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        faults.parse_flag("gremlins")


def test_a_270_batch_is_answered_through_the_inquiries_seam(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The 271 comes from ``rcmdesk.sim.inquiries.answer_270`` (another change writes it);
    a stand-in module shows the seam passes the file and the simulated instant."""
    member = t270.InquiryMember(Name("IL", "1", "DOE", "JANE", "", "", "MI", "X1"),
                                trace="T1", trace_originator="1234567890",
                                birth_date="19800101", service_types=("30",))
    inquiry = t270.EligibilityInquiry(
        control="0001", reference="E1",
        source=Name("PR", "2", "PAYER", "", "", "", "PI", "90003"),
        receiver=Name("1P", "2", "CLINIC", "", "", "", "XX", "1234567893"),
        subscribers=(member,))
    sent = write_interchange([build_270(inquiry)], Envelope(sender="SYNBA0", usage="T"))
    seen: list[tuple[bytes, object]] = []

    def answer_270(data: bytes, *, now: object) -> bytes:
        seen.append((data, now))
        return b"ISA*...271 answer"

    monkeypatch.setitem(sys.modules, "rcmdesk.sim.inquiries",
                        types.SimpleNamespace(answer_270=answer_270))
    put_inbound(state_dir, "E1.x12", sent)
    clearinghouse.process(START)
    files = outbound(state_dir)
    assert _kinds(files) == ["271", "999"]
    assert seen == [(sent, START)]


def test_a_file_the_payers_cannot_decide_still_gets_its_999_and_a_note_for_a_person(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def undecidable(*_args: object, **_kwargs: object) -> None:
        raise ValueError("a claim the synthetic payers cannot price")

    monkeypatch.setattr(payers, "decide", undecidable)
    put_inbound(state_dir, "BATCH0001.x12", an_837(tmp_path))
    assert clearinghouse.process(START).taken == ("BATCH0001.x12",)
    assert _kinds(outbound(state_dir)) == ["999"]
    assert "cannot price" in (state_dir / "errors.log").read_text()


def test_a_week_of_daily_batches_driven_hour_by_hour_answers_every_claim(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse,
        clock: SteppedClock) -> None:
    """Seven simulated days with the test's clock: each day's batch gets its 999 within the
    hour and its 277CA; every claim the 277CA accepted is paid or denied on an 835 by the end
    (the 835s come two to six days out, reversals up to three days later still)."""
    sent: set[str] = set()
    for day in range(7):
        data = an_837(tmp_path, claims=15, seed=10 + day, reference=f"DAY{day}")
        sent |= _pcns(data)
        put_inbound(state_dir, f"DAY{day}.x12", data)
        for _hour in range(24):
            clearinghouse.process(clock.now)
            clock.advance(hours=1)
        files = outbound(state_dir)
        assert any(n.startswith("999_") and n.endswith(f"_DAY{day}.x12") for n in files)
    clearinghouse.process(clock.advance(days=10))
    files = outbound(state_dir)
    accepted = {c.patient_control_number for name, data in files.items()
                if name.startswith("277CA") for r in t277.responses(data) for c in r.claims
                if c.statuses[0].category == "A2"}
    remitted = {c.patient_control_number for name, data in files.items()
                if name.startswith("835") for c in t835.iter_claims(data)}
    assert accepted == remitted
    assert len(accepted) < len(sent)  # some front-door rejections in the mix
    assert clearinghouse.pending() == []


def test_a_278_request_gets_its_999_then_a_decision_that_keeps_the_request_trace(
        state_dir: Path, clearinghouse: Clearinghouse, clock: SteppedClock) -> None:
    event = t278.Review(level="2000E", request_category="HS", certification_type="I",
                        service_type="1", dates=(DateRef("472", "20261210", "D8"),),
                        trace="OURTRACE1", trace_originator="9000000001")
    request = t278.ServicesReview(
        control="0001", response=False,
        umo=Name("X3", "2", "ACME HEALTH", id_qualifier="PI", id="90003"),
        requester=Name("1P", "2", "CLINIC", id_qualifier="XX", id="1234567893"),
        subscriber=Name("IL", "1", "DOE", "JANE", "", "", "MI", "X1"), reviews=(event,))
    sent = write_interchange([build_278(request)], Envelope(sender="SYNBA0", usage="T"))
    put_inbound(state_dir, "AUTH1.x12", sent)
    clearinghouse.process(START)
    assert _kinds(outbound(state_dir)) == ["999"]
    clearinghouse.process(clock.advance(hours=1))
    files = outbound(state_dir)
    answer = next(data for name, data in files.items() if name.startswith("278_"))
    assert [f for f in validate(answer) if f.severity is Severity.ERROR] == []
    (review,) = t278.services_reviews(answer)
    assert review.response
    assert review.reviews[0].trace == "OURTRACE1"
    assert review.reviews[0].decision in ("A1", "A4")


def test_with_a_one_minute_day_the_835_comes_minutes_later_paying_days_on(
        tmp_path: Path, state_dir: Path, clock: SteppedClock) -> None:
    """The command line's way: delays shrink with the day, the payment keeps its days and
    the envelope says when the file was really sent."""
    house = Clearinghouse(state_dir, seed=7, clock=clock, day=timedelta(minutes=1))
    put_inbound(state_dir, "BATCH0001.x12", an_837(tmp_path))
    house.process(START)
    house.process(clock.advance(minutes=1))
    assert _kinds(outbound(state_dir)) == ["277CA", "999"]
    house.process(clock.advance(minutes=10))
    remits = [(tx, r) for name, data in outbound(state_dir).items() if name.startswith("835")
              for tx in transactions(data) for r in [t835.remittance(tx)]]
    assert remits
    for tx, remit in remits:
        paid = datetime.strptime(remit.payment.date, "%Y%m%d").date()
        assert 2 <= (paid - START.date()).days <= 9
        assert tx.group.segment.get(4) == START.strftime("%Y%m%d")


def test_the_same_file_sent_twice_is_answered_twice_and_both_are_archived(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse) -> None:
    """A deliberate resend (same name, same bytes) is a new submission to a clearinghouse."""
    sent = an_837(tmp_path)
    put_inbound(state_dir, "BATCH0001.x12", sent)
    clearinghouse.process(START)
    put_inbound(state_dir, "BATCH0001.x12", sent)
    clearinghouse.process(START)
    assert _kinds(outbound(state_dir)) == ["999", "999"]
    archive = users.home(state_dir, "acme") / users.ARCHIVE
    assert sorted(p.read_bytes() == sent for p in archive.iterdir()) == [True, True]


def test_an_interchange_asking_for_a_ta1_gets_an_accepting_one_beside_its_999(
        tmp_path: Path, state_dir: Path, clearinghouse: Clearinghouse) -> None:
    sent = an_837(tmp_path)
    asking = sent[:100] + b"1" + sent[101:]  # ISA14, the acknowledgment-requested flag
    header = isa_header(asking)
    assert header is not None
    assert header.ack_requested
    put_inbound(state_dir, "BATCH0001.x12", asking)
    clearinghouse.process(START)
    files = outbound(state_dir)
    assert _kinds(files) == ["999", "TA1"]
    (ta1,) = t999.interchange_acks(next(d for n, d in files.items() if n.startswith("TA1")))
    assert (ta1.control, ta1.status, ta1.note) == (header.control, "A", "000")
