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
