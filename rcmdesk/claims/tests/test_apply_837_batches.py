"""apply_837 writes claims in chunks: what a chunk mixes must come out as one by one."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rcmdesk.audit.services import PendingEvent
from rcmdesk.claims import services
from rcmdesk.claims.models import Claim, ClaimLine, Coverage, Patient, Payer, Provider
from rcmdesk.claims.services import apply_837
from rcmdesk.claims.tests.test_apply_837 import revenue, submission
from rcmdesk.conftest import World
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import ChargeKey, JournalEntry, LedgerEntry, PostingException
from rcmdesk.tenancy.models import Organization
from rcmdesk.x12 import t837
from rcmdesk.x12.values import Name

D = Decimal


def one_set(*parts: t837.ClaimSubmission) -> t837.ClaimSubmission:
    return dataclasses.replace(parts[0], claims=tuple(c for p in parts for c in p.claims))


def for_patient(part: t837.ClaimSubmission, last: str, member: str) -> t837.ClaimSubmission:
    claim = part.claims[0]
    subscriber = dataclasses.replace(
        claim.subscriber, name=Name("IL", "1", last, "JANE", id_qualifier="MI", id=member))
    return dataclasses.replace(part, claims=(dataclasses.replace(claim, subscriber=subscriber),))


def counts() -> dict[str, int]:
    models = [Claim, ClaimLine, Coverage, Patient, Payer, Provider, ChargeKey, JournalEntry,
              LedgerEntry]
    return {m.__name__: m.objects.count() for m in models}  # type: ignore[attr-defined]


def test_a_chunk_of_new_unchanged_and_replacement_claims_charges_only_what_changed(
        world: World) -> None:
    apply_837(world.acme, one_set(submission("PCN1", ["100.00"]),
                                  submission("PCN2", ["100.00", "50.00"])))
    result = apply_837(world.acme, one_set(
        submission("PCN1", ["100.00"]), submission("PCN2", ["120.00"], frequency="7"),
        submission("PCN3", ["30.00", "5.00"])))
    assert (result.created, result.updated) == (["PCN3"], ["PCN1", "PCN2"])
    assert result.charged == ["PCN2", "PCN3"]
    pcn2 = Claim.objects.get(patient_control_number="PCN2")
    assert (pcn2.version, pcn2.total_charge, pcn2.insurance_balance) == (2, D("120"), D("120"))
    # line 2 is no longer billed but its old charge names it, so the row stays
    assert [ln.charge for ln in pcn2.lines.all()] == [D("120.00"), D("50.00")]
    assert JournalEntry.objects.filter(claim=pcn2, kind="charge_reversal").count() == 1
    assert revenue() == D("100") + D("120") + D("35")
    assert check_ledger() == []


def test_two_claims_of_one_new_patient_in_one_chunk_make_one_patient_and_one_coverage(
        world: World) -> None:
    apply_837(world.acme, one_set(submission("PCN1", ["10.00"]), submission("PCN2", ["20.00"])))
    assert Patient.objects.filter(client=world.acme).count() == 1
    assert Coverage.objects.filter(client=world.acme).count() == 1
    assert set(Claim.objects.values_list("patient_id", flat=True)) == {
        Patient.objects.get().pk}


def test_a_known_patient_is_found_again_and_a_new_one_is_added_beside_it(
        world: World) -> None:
    apply_837(world.acme, submission("PCN1", ["10.00"]))
    known = Patient.objects.get()
    apply_837(world.acme, one_set(for_patient(submission("PCN2", ["20.00"]), "ROE", "M2"),
                                  submission("PCN3", ["30.00"])))
    assert Claim.objects.get(patient_control_number="PCN3").patient_id == known.pk
    assert Claim.objects.get(patient_control_number="PCN2").patient.last_name == "ROE"
    assert Patient.objects.count() == 2


def test_the_same_file_applied_again_adds_no_row_and_no_charge(world: World) -> None:
    whole = one_set(*(submission(f"PCN{n}", ["10.00", f"{n}.00"]) for n in range(1, 8)))
    apply_837(world.acme, whole)
    before = counts()
    again = apply_837(world.acme, whole)
    assert (again.charged, len(again.updated)) == ([], 7)
    assert counts() == before
    assert check_ledger() == []


def test_claims_spread_over_several_chunks_share_their_patient_payer_and_provider(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "CHUNK", 2)
    result = apply_837(world.acme, one_set(
        *(submission(f"PCN{n}", ["10.00"]) for n in range(1, 6))))
    assert len(result.created) == len(result.charged) == 5
    assert (Patient.objects.count(), Payer.objects.count(), Provider.objects.count()) == (1, 1, 1)
    assert revenue() == D("50")
    assert check_ledger() == []


def test_a_pcn_sent_twice_in_one_set_is_created_then_replaced(world: World) -> None:
    result = apply_837(world.acme, one_set(submission("PCN1", ["100.00", "50.00"]),
                                           submission("PCN1", ["80.00"], frequency="7")))
    assert (result.created, result.updated, result.charged) == (
        ["PCN1"], ["PCN1"], ["PCN1", "PCN1"])
    claim = Claim.objects.get()
    assert (claim.version, claim.insurance_balance) == (2, D("80"))
    assert revenue() == D("80")
    assert check_ledger() == []


def _paid_in_full(client: Organization, pcns: list[str], trace: str, isa13: str) -> None:
    """One 835 paying each claim's single 100.00 line in full (insurance AR back to 0)."""
    from rcmdesk.intake.services import ingest
    from rcmdesk.remits.tests.x12text import header, remit

    body = "".join(f"CLP*{pcn}*1*100*100**12*CCN{pcn}~SVC*HC:99213*100*100**1~REF*6R*L1~"
                   for pcn in pcns)
    data = remit(header(f"{100 * len(pcns)}.00", trace=trace) + body, isa13=isa13)
    assert ingest(client, data, f"{trace}.835").outcome == "applied"


def test_a_replacements_credit_balances_take_as_many_queries_for_many_claims_as_for_one(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Flagging is set-based: an exception and an audit event per claim, no query per claim
    (the events go to ``record_many`` in one batch, stubbed here to count them apart)."""
    events: list[PendingEvent] = []

    def kept(batch: list[PendingEvent], **kwargs: Any) -> int:
        events.extend(batch)
        return len(batch)

    monkeypatch.setattr(services, "record_many", kept)

    def queries_for(prefix: str, count: int) -> int:
        pcns = [f"{prefix}{n}" for n in range(count)]
        apply_837(world.acme, one_set(*(submission(pcn, ["100.00"]) for pcn in pcns)))
        _paid_in_full(world.acme, pcns, f"T{prefix}", f"{count:09d}")
        with CaptureQueriesContext(connection) as captured:
            apply_837(world.acme, one_set(*(submission(pcn, ["60.00"], frequency="7")
                                            for pcn in pcns)))
        return len(captured.captured_queries)

    assert queries_for("ONE", 1) == queries_for("MANY", 4)
    assert [e.action for e in events] == ["claims.credit_balance"] * 5
    assert PostingException.objects.filter(reason="credit_balance").count() == 5
    assert set(Claim.objects.values_list("insurance_balance", flat=True)) == {D("-40.00")}
    assert check_ledger() == []
