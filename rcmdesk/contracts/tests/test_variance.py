"""Each posted line compared with its contract: variances, their items, and replays."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from rcmdesk.conftest import World, sign_in
from rcmdesk.contracts.models import FeeRate, LineVariance, VarianceKind
from rcmdesk.contracts.producers import sync_client
from rcmdesk.contracts.tests.remits import expected_claim, payer_contract
from rcmdesk.contracts.variance import assess_remittances
from rcmdesk.intake.models import FileStatus
from rcmdesk.intake.services import ingest
from rcmdesk.remits.models import Remittance
from rcmdesk.remits.tests.x12text import header, remit
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.producers import sync_client as queue_refresh

pytestmark = pytest.mark.django_db
D = Decimal


def items(kind: str) -> list[WorkItem]:
    return list(WorkItem.objects.filter(kind=kind).order_by("pk"))


def pay(world: World, body: str, trace: str, isa13: str, amount: str) -> None:
    data = remit(header(amount, trace=trace) + body, isa13=isa13)
    assert ingest(world.acme, data, f"{trace}.835").outcome == FileStatus.APPLIED


UNDERPAID = ("CLP*PCN1*1*150*70*10*12*ICN1~SVC*HC:99213*150*70**1~"
             "CAS*CO*45*70~CAS*PR*1*10~")


def test_a_line_allowed_below_its_contract_beyond_tolerance_is_an_underpayment_item_with_the_rate(
        world: World) -> None:
    made = payer_contract(world.acme, {"99213": "100.00"})
    claim = expected_claim(world.acme, made, "PCN1", [("99213", "150.00")])
    pay(world, UNDERPAID, "T1", "000000701", "70.00")
    variance = LineVariance.objects.get()
    assert (variance.expected, variance.allowed, variance.paid,
            variance.patient_responsibility, variance.variance) == (
        D("100.00"), D("80.00"), D("70.00"), D("10.00"), D("-20.00"))
    assert variance.kind == VarianceKind.UNDERPAID
    assert variance.found_on == world.acme.today()
    [item] = items(ItemKind.UNDERPAYMENT)
    rate = FeeRate.objects.get(contract=made)
    assert (item.claim_id, item.claim_line_id) == (claim.pk, claim.lines.get().pk)
    assert item.source_key == f"variance:{claim.lines.get().pk}"
    assert item.amount == D("20.00")
    assert item.detail["rate"] == f"rate #{rate.pk}"
    assert item.detail["contract"] == made.name
    assert item.detail["expected"] == "100.00"
    assert item.priority_factors[0]["name"] == "money at issue"


def test_co45_written_off_beyond_the_contracts_allowance_is_flagged(world: World) -> None:
    made = payer_contract(world.acme, {"99213": "100.00"})
    expected_claim(world.acme, made, "PCN1", [("99213", "150.00")])
    pay(world, UNDERPAID, "T1", "000000702", "70.00")
    variance = LineVariance.objects.get()
    assert variance.contractual_excess == D("20.00")  # CO-45 70 against an allowance of 50
    [item] = items(ItemKind.UNDERPAYMENT)
    assert "CO-45 $20.00 beyond the contract's allowance" in item.title
    assert item.detail["co45_excess"] == "20.00"


def test_a_line_paid_within_tolerance_is_paid_as_contracted_and_makes_no_item(
        world: World) -> None:
    made = payer_contract(world.acme, {"99213": "100.00"})
    expected_claim(world.acme, made, "PCN1", [("99213", "150.00")])
    pay(world, "CLP*PCN1*1*150*90*9.5*12*ICN1~SVC*HC:99213*150*90**1~CAS*CO*45*50.5~"
        "CAS*PR*1*9.5~", "T1", "000000703", "90.00")
    variance = LineVariance.objects.get()
    assert (variance.kind, variance.variance) == (VarianceKind.WITHIN, D("-0.50"))
    assert items(ItemKind.UNDERPAYMENT) == []
    assert items(ItemKind.OVERPAYMENT) == []


def test_a_line_allowed_above_its_contract_is_an_overpayment_item(world: World) -> None:
    made = payer_contract(world.acme, {"99213": "100.00"})
    expected_claim(world.acme, made, "PCN1", [("99213", "150.00")])
    pay(world, "CLP*PCN1*1*150*130**12*ICN1~SVC*HC:99213*150*130**1~CAS*CO*45*20~",
        "T1", "000000704", "130.00")
    assert LineVariance.objects.get().kind == VarianceKind.OVERPAID
    [item] = items(ItemKind.OVERPAYMENT)
    assert item.amount == D("30.00")
    assert item.workflow == "posting"


def test_a_denied_line_and_an_unpriced_line_are_not_variances(world: World) -> None:
    made = payer_contract(world.acme, {"99213": "100.00"})
    expected_claim(world.acme, made, "PCN1", [("99213", "150.00"), ("99214", "200.00")])
    pay(world, "CLP*PCN1*1*350*0**12*ICN1~SVC*HC:99213*150*0**1~CAS*CO*50*150~"
        "SVC*HC:99214*200*0**1~CAS*CO*50*200~", "T1", "000000705", "0.00")
    assert LineVariance.objects.count() == 0


def test_replaying_the_same_835_writes_no_variance_or_item_twice(world: World) -> None:
    made = payer_contract(world.acme, {"99213": "100.00"})
    expected_claim(world.acme, made, "PCN1", [("99213", "150.00")])
    data = remit(header("70.00", trace="T1") + UNDERPAID, isa13="000000706")
    ingest(world.acme, data, "first.835")
    ingest(world.acme, data, "again.835")  # the same bytes
    ingest(world.acme, remit(header("70.00", trace="T1") + UNDERPAID, isa13="000000707"),
           "copy.835")  # a copy in a new interchange
    remittances = list(Remittance.objects.values_list("pk", flat=True))
    assert assess_remittances(world.acme.pk, remittances) == 0
    sync_client(world.acme, world.acme.today())
    sync_client(world.acme, world.acme.today())
    assert LineVariance.objects.count() == 1
    assert len(items(ItemKind.UNDERPAYMENT)) == 1


def test_a_later_payment_that_makes_the_line_whole_closes_the_underpayment_item(
        world: World) -> None:
    made = payer_contract(world.acme, {"99213": "100.00"})
    expected_claim(world.acme, made, "PCN1", [("99213", "150.00")])
    pay(world, "CLP*PCN1*1*150*70**12*ICN1~SVC*HC:99213*150*70**1~CAS*CO*45*80~",
        "T1", "000000708", "70.00")
    [item] = items(ItemKind.UNDERPAYMENT)
    assert item.amount == D("30.00")
    pay(world, "CLP*PCN1*22*-150*-70**12*ICN1~SVC*HC:99213*-150*-70**1~CAS*CO*45*-80~"
        "CLP*PCN1*1*150*100**12*ICN2~SVC*HC:99213*150*100**1~CAS*CO*45*50~",
        "T2", "000000709", "30.00")
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE
    assert item.close_reason == "paid as contracted by remit T2"
    assert LineVariance.objects.count() == 2  # the reversal is a recoupment, not a variance
    sync_client(world.acme, world.acme.today())
    assert [i.status for i in items(ItemKind.UNDERPAYMENT)] == [ItemStatus.DONE]


def test_the_item_page_shows_the_contract_expected_and_allowed(world: World,
                                                               client: Client) -> None:
    made = payer_contract(world.acme, {"99213": "100.00"})
    expected_claim(world.acme, made, "PCN1", [("99213", "150.00")])
    pay(world, UNDERPAID, "T1", "000000710", "70.00")
    [item] = items(ItemKind.UNDERPAYMENT)
    sign_in(client, world.user(Role.PARTNER_SPECIALIST))
    page = client.get(reverse("workqueue:item", args=[item.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Owed under the contract" in text
    assert "Expected (contract)" in text
    assert "$100.00" in text
    assert "CO-45 beyond the contract&#x27;s allowance" in text


def test_a_secondary_payers_payment_is_not_compared_with_the_primarys_contract(
        world: World) -> None:
    made = payer_contract(world.acme, {"99213": "100.00"})
    expected_claim(world.acme, made, "PCN1", [("99213", "150.00")])
    pay(world, "CLP*PCN1*1*150*80*20*12*ICN1~SVC*HC:99213*150*80**1~CAS*CO*45*50~"
        "CAS*PR*1*20~", "T1", "000000711", "80.00")
    data = remit(header("15.00", trace="T2", payer_id="PAYER02") +
                 "CLP*PCN1*2*20*15**12*ICN9~SVC*HC:99213*20*15**1~CAS*CO*45*5~",
                 isa13="000000712")
    ingest(world.acme, data, "secondary.835")
    assert list(LineVariance.objects.values_list("kind", "allowed")) == [
        (VarianceKind.WITHIN, D("100.00"))]


def test_a_failure_after_posting_never_fails_the_ingest_and_the_queue_refresh_catches_up(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    made = payer_contract(world.acme, {"99213": "100.00"})
    expected_claim(world.acme, made, "PCN1", [("99213", "150.00")])

    def broken(*args: object) -> None:
        raise RuntimeError("variance store down")

    monkeypatch.setattr("rcmdesk.contracts.variance.assess", broken)
    pay(world, UNDERPAID, "T1", "000000713", "70.00")  # still applied
    assert LineVariance.objects.count() == 0
    monkeypatch.undo()
    written = queue_refresh(world.acme, world.acme.today())
    assert written["underpayment"].created == 1
    assert LineVariance.objects.get().kind == VarianceKind.UNDERPAID
