"""Work-queue priority: with a contract, the dollars are what the contract still allows;
without one, the payer's pay rate (or the default guess) as before."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from rcmdesk.claims.models import Claim, ClaimLine
from rcmdesk.claims.tests.test_claim_page import acme_claim
from rcmdesk.conftest import World
from rcmdesk.contracts import expected
from rcmdesk.contracts.tests.factories import contract
from rcmdesk.workqueue.models import WorkItem
from rcmdesk.workqueue.priority import Contracted, Facts, score
from rcmdesk.workqueue.producers import sync_ar
from rcmdesk.workqueue.producers.common import Allowances
from rcmdesk.workqueue.tests import factories

D = Decimal
TODAY = date(2026, 11, 23)
SERVED = TODAY - timedelta(days=45)


def test_a_contract_caps_the_recoverable_dollars_at_what_it_still_allows() -> None:
    facts = Facts(D("300.00"), D("0.90"), None, None, "timely filing", TODAY,
                  Contracted(D("212.40"), "Aetna 2026 fee schedule"))
    dollars = score(facts).factors[0]
    assert dollars.why == "$300.00 open; contract allows $212.40 (Aetna 2026 fee schedule)"
    assert dollars.points == round(100 * 2.32919)  # log10(1 + 212.40)


def test_the_open_balance_caps_a_contract_allowing_more() -> None:
    facts = Facts(D("50.00"), None, None, None, "timely filing", TODAY,
                  Contracted(D("212.40"), "Aetna"))
    assert score(facts).factors[0].points == round(100 * 1.70757)  # log10(51)


def silent_claim(world: World, pcn: str, payer_kind: str = "commercial"):
    claim = factories.make_claim(world.acme, pcn, charge="300.00", service=SERVED,
                                 payer_kind=payer_kind)
    ClaimLine.objects.create(claim=claim, line_number=1, procedure="99213",
                             charge=D("300.00"), units=D(1), service_date=SERVED)
    return claim


def test_ar_priority_uses_the_expected_amount_with_a_contract_and_the_pay_rate_without(
        world: World) -> None:
    priced = silent_claim(world, "PRICED")
    unpriced = silent_claim(world, "GUESSED", payer_kind="medicaid")
    contract(world.acme, {"99213": "212.40"}, of=priced.payer, since=date(2026, 1, 1))
    expected.price_claims(world.acme.pk, [priced.pk, unpriced.pk])
    sync_ar(world.acme.pk, TODAY)
    with_contract = WorkItem.objects.get(claim=priced).priority_factors[0]
    assert with_contract["why"] == ("$300.00 open; contract allows $212.40 "
                                    "(Test contract)")
    without = WorkItem.objects.get(claim=unpriced).priority_factors[0]
    assert "default pay rate 60%" in str(without["why"])


def test_what_the_payer_already_paid_on_a_line_is_not_recoverable_again(world: World) -> None:
    claim = acme_claim(world)  # 99213 billed $100.00, paid $80.00
    Claim.objects.filter(pk=claim.pk).update(service_from=date(2026, 3, 2))
    contract(world.acme, {"99213": "120.00"}, of=claim.payer)  # expected: the $100.00 billed
    expected.price_claims(world.acme.pk, [claim.pk])
    line = claim.lines.get()
    allowed = Allowances(world.acme.pk, [claim.pk])
    assert allowed.for_item(claim.pk, line.pk) == Contracted(D("20.00"), "Test contract")
    assert allowed.for_item(claim.pk, None) == Contracted(D("20.00"), "Test contract")
    assert allowed.for_item(claim.pk, line.pk + 1000) is None  # a line it did not price
    assert Allowances(world.acme.pk, [claim.pk + 1000]).for_item(claim.pk + 1000, None) is None
