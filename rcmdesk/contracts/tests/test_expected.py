"""Expected allowed amounts: priced as claims are built, repriced for open claims only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from rcmdesk.charges import services as charges
from rcmdesk.charges.tests.factories import SERVICE_DAY, charge_input
from rcmdesk.claims.models import Claim, Coverage
from rcmdesk.claims.services import apply_837
from rcmdesk.claims.tests.test_apply_837 import submission
from rcmdesk.conftest import World
from rcmdesk.contracts import expected
from rcmdesk.contracts.models import ExpectedLine
from rcmdesk.contracts.services import RateRow, do_add_version, do_create_contract
from rcmdesk.contracts.tests.factories import claim, contract, payer
from rcmdesk.tenancy.roles import Role

D = Decimal


def amounts(made: Claim) -> list[Decimal | None]:
    return [e.amount for e in ExpectedLine.objects.filter(claim=made).order_by(
        "claim_line__line_number")]


def test_an_ingested_837_gets_an_expected_amount_per_line(world: World) -> None:
    acme_payer = payer(world.acme, "PAYER01", "ACME PAYER")
    contract(world.acme, {"99213": "80.00"}, of=acme_payer, since=date(2025, 1, 1))
    apply_837(world.acme, submission("PCN1", ["100.00", "50.00"]))
    made = Claim.objects.get(client=world.acme, patient_control_number="PCN1")
    # the second line is billed below the fee: lesser of the fee and the charge
    assert amounts(made) == [D("80.00"), D("50.00")]
    row = ExpectedLine.objects.filter(claim=made).order_by("claim_line__line_number").first()
    assert row is not None
    assert row.rate is not None
    assert row.rate.procedure == "99213"
    assert row.basis == "$80.00 x 1 unit"


def test_a_replacement_claim_replaces_its_expected_rows(world: World) -> None:
    contract(world.acme, {"99213": "80.00"}, of=payer(world.acme, "PAYER01", "ACME PAYER"),
             since=date(2025, 1, 1))
    apply_837(world.acme, submission("PCN1", ["100.00", "50.00"]))
    apply_837(world.acme, submission("PCN1", ["70.00", "50.00"], frequency="7"))
    made = Claim.objects.get(client=world.acme, patient_control_number="PCN1")
    assert amounts(made) == [D("70.00"), D("50.00")]
    assert ExpectedLine.objects.count() == 2


def test_a_claim_whose_payer_has_no_contract_gets_no_expected_rows(world: World) -> None:
    contract(world.acme, {"99213": "80.00"}, of=payer(world.acme, "OTHER", "Other payer"))
    apply_837(world.acme, submission("PCN1", ["100.00"]))
    assert not ExpectedLine.objects.exists()
    assert expected.price_claims(world.acme.pk, Claim.objects.values_list("pk", flat=True)) == 0


def test_a_code_the_contract_has_no_rate_for_is_not_priced(world: World) -> None:
    contract(world.acme, {"99214": "110.00"})
    made = claim(world.acme, [("99213", "100.00")])
    assert expected.price_claims(world.acme.pk, [made.pk]) == 1
    row = ExpectedLine.objects.get(claim=made)
    assert row.amount is None
    assert row.basis == "no contract rate for this code"


def test_the_plan_specific_contract_wins_over_the_payers_general_one(world: World) -> None:
    general = contract(world.acme, {"99213": "80.00"})
    gold = do_create_contract(world.acme, general.payer, name="Gold plan", plan="gold",
                              acting_user=None)
    do_add_version(gold, [RateRow("99213", date(2026, 1, 1), amount=D("95.00"))],
                   note="gold schedule", acting_user=None)
    on_gold = claim(world.acme, [("99213", "100.00")], pcn="GOLD1")
    on_gold.coverage = Coverage.objects.create(client=world.acme, patient=on_gold.patient,
                                               payer=general.payer, member_id="M1",
                                               group_number="GOLD")
    on_gold.save()
    other = claim(world.acme, [("99213", "100.00")], pcn="PLAIN1")
    expected.price_claims(world.acme.pk, [on_gold.pk, other.pk])
    assert amounts(on_gold) == [D("95.00")]
    assert ExpectedLine.objects.get(claim=on_gold).contract == gold
    assert amounts(other) == [D("80.00")]


def test_a_schedule_change_reprices_open_claims_but_not_paid_ones(world: World) -> None:
    made = contract(world.acme, {"99213": "80.00"})
    open_claim = claim(world.acme, [("99213", "100.00")], pcn="OPEN1")
    paid = claim(world.acme, [("99213", "100.00")], pcn="PAID1", status="paid")
    expected.price_claims(world.acme.pk, [open_claim.pk, paid.pk])
    do_add_version(made, [RateRow("99213", date(2026, 1, 1), amount=D("90.00"))],
                   note="2026 renegotiated", acting_user=None)
    assert amounts(open_claim) == [D("90.00")]
    assert amounts(paid) == [D("80.00")]


def test_denied_and_partially_paid_claims_count_as_open(world: World) -> None:
    made = contract(world.acme, {"99213": "80.00"})
    denied = claim(world.acme, [("99213", "100.00")], pcn="DEN1", status="denied")
    partial = claim(world.acme, [("99213", "100.00")], pcn="PART1", status="partial")
    assert expected.recompute_open_claims(made) == 2
    assert amounts(denied) == [D("80.00")]
    assert amounts(partial) == [D("80.00")]


def test_an_entered_claim_and_its_edit_are_priced(world: World) -> None:
    aetna = payer(world.acme, "60054", "AETNA")
    contract(world.acme, {"99213": "80.00", "70551": "400.00"}, of=aetna,
             since=date(2026, 1, 1))
    manager = world.user(Role.CLIENT_MANAGER)
    made = charges.enter_claim(world.acme, charge_input(), acting_user=manager)
    assert amounts(made) == [D("80.00"), D("400.00")]
    data = charge_input()
    edited = replace(data, lines=(replace(data.lines[0], service_date=SERVICE_DAY),))
    charges.update_draft(made, edited, made.version, acting_user=manager)
    assert amounts(made) == [D("80.00")]
