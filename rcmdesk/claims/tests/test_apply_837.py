"""Mirroring 837s: create by PCN, update on replacement, charge once per version."""

from __future__ import annotations

from decimal import Decimal

from rcmdesk.claims.models import Claim
from rcmdesk.claims.services import apply_837
from rcmdesk.conftest import World
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import Account, LedgerEntry
from rcmdesk.x12 import t837
from rcmdesk.x12.values import DateRef, Name

D = Decimal


def submission(pcn: str, charges: list[str], frequency: str = "1") -> t837.ClaimSubmission:
    lines = tuple(
        t837.ServiceLine(number=str(n), procedure=("HC", "99213", "25"), charge=D(c),
                         unit_basis="UN", units=D(1),
                         dates=(DateRef("472", "20250105", "D8"),), control_number=f"L{n}")
        for n, c in enumerate(charges, start=1))
    claim = t837.Claim(
        patient_control_number=pcn, charge=sum((D(c) for c in charges), D(0)),
        facility_code="11", facility_qualifier="B", frequency=frequency,
        billing_provider=t837.Provider(Name("85", "2", "ACME CLINIC", id_qualifier="XX",
                                            id="1234567893")),
        subscriber=t837.Subscriber("P", "18", "", "CI",
                                   Name("IL", "1", "DOE", "JANE", id_qualifier="MI", id="M1"),
                                   payer=Name("PR", "2", "ACME PAYER", id_qualifier="PI",
                                              id="PAYER01"),
                                   birth_date="19800101", gender="F"),
        patient=None, lines=lines)
    return t837.ClaimSubmission("P", "0001", "REF", None, None, (claim,))


def revenue() -> Decimal:
    return -sum((e.amount for e in LedgerEntry.objects.filter(account=Account.REVENUE)), D(0))


def test_an_837_creates_the_claim_its_lines_and_its_charge(world: World) -> None:
    result = apply_837(world.acme, submission("PCN1", ["100.00", "50.00"]))
    assert result.created == ["PCN1"]
    claim = Claim.objects.get(client=world.acme, patient_control_number="PCN1")
    assert claim.total_charge == D("150.00")
    assert claim.service_from is not None
    assert claim.service_from.isoformat() == "2025-01-05"
    assert [ln.control_number for ln in claim.lines.all()] == ["L1", "L2"]
    assert claim.lines.first().modifiers == ["25"]  # type: ignore[union-attr]
    assert revenue() == D("150.00")
    assert claim.insurance_balance == D("150.00")


def test_the_same_claim_sent_again_is_charged_once(world: World) -> None:
    apply_837(world.acme, submission("PCN1", ["100.00"]))
    again = apply_837(world.acme, submission("PCN1", ["100.00"]))
    assert again.updated == ["PCN1"]
    assert again.charged == []
    assert revenue() == D("100.00")


def test_a_replacement_claim_updates_the_mirror_and_recharges_the_new_amount(
        world: World) -> None:
    apply_837(world.acme, submission("PCN1", ["100.00", "50.00"]))
    apply_837(world.acme, submission("PCN1", ["120.00"], frequency="7"))
    claim = Claim.objects.get(patient_control_number="PCN1")
    assert (claim.frequency, claim.version, claim.total_charge) == ("7", 2, D("120.00"))
    assert claim.lines.count() == 1 or claim.lines.filter(ledger_entries__isnull=False).exists()
    assert revenue() == D("120.00")
    assert claim.insurance_balance == D("120.00")
    assert check_ledger() == []


def test_claims_of_another_client_are_invisible_to_its_users(world: World) -> None:
    from rcmdesk.tenancy.roles import Role

    apply_837(world.birch, submission("BIRCH1", ["10.00"]))
    assert not Claim.objects.visible_to(world.user(Role.CLIENT_STAFF)).exists()
    assert Claim.objects.visible_to(world.birch_admin).count() == 1


def _paid_with_patient_share() -> Claim:
    """PCN5 charged 100 + 50; the payer pays 70 + 50 and leaves 30 to the patient."""
    from rcmdesk.intake.services import ingest
    from rcmdesk.remits.tests.x12text import header, remit

    claim = Claim.objects.get(patient_control_number="PCN5")
    data = remit(header("120.00") + "CLP*PCN5*1*150*120*30*12*CCN5~"
                 "SVC*HC:99213*100*70**1~CAS*PR*1*30~REF*6R*L1~"
                 "SVC*HC:99213*50*50**1~REF*6R*L2~")
    assert ingest(claim.client, data, "pcn5.835").outcome == "applied"
    claim.refresh_from_db()
    assert (claim.insurance_balance, claim.patient_balance) == (D("0"), D("30"))
    return claim


def test_a_replacement_reverses_only_the_previous_charge_line_by_line_and_keeps_payments(
        world: World) -> None:
    from rcmdesk.remits.models import JournalEntry, PostingException

    apply_837(world.acme, submission("PCN5", ["100.00", "50.00"]))
    _paid_with_patient_share()
    apply_837(world.acme, submission("PCN5", ["120.00", "50.00"], frequency="7"))
    claim = Claim.objects.get(patient_control_number="PCN5")
    reversal = JournalEntry.objects.get(claim=claim, kind="charge_reversal")
    charge = JournalEntry.objects.filter(claim=claim, kind="charge").order_by("pk").first()
    assert charge is not None
    assert sorted((e.account, e.claim_line_id, -e.amount) for e in reversal.entries.all()) == \
        sorted((e.account, e.claim_line_id, e.amount) for e in charge.entries.all())
    # payments and the patient's share stay where they were; only the new 20 is open
    assert (claim.insurance_balance, claim.patient_balance) == (D("20"), D("30"))
    assert revenue() == D("170.00")
    assert not PostingException.objects.exists()
    assert check_ledger() == []


def test_a_replacement_charged_below_what_was_settled_is_flagged_not_silently_negative(
        world: World) -> None:
    from rcmdesk.audit.models import AuditEvent
    from rcmdesk.remits.models import PostingException

    apply_837(world.acme, submission("PCN5", ["100.00", "50.00"]))
    _paid_with_patient_share()
    apply_837(world.acme, submission("PCN5", ["100.00", "40.00"], frequency="7"))
    claim = Claim.objects.get(patient_control_number="PCN5")
    assert (claim.insurance_balance, claim.patient_balance) == (D("-10"), D("30"))
    exception = PostingException.objects.get()
    assert exception.reason == "credit_balance"
    assert exception.remit_claim is not None
    assert exception.remit_claim.claim == claim
    assert "insurance AR is -10.00" in exception.detail
    assert AuditEvent.objects.filter(action="claims.credit_balance").exists()
    assert check_ledger() == []
