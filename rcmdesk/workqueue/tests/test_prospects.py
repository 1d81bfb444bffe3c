"""A prospect's files are history to measure: they make no work item, anywhere.

A practice loaded for a capacity assessment (``Organization.prospect``) posts its 835s like
any client's, so the assessment can measure its denials, A/R and underpaid lines; nobody
works for it yet, so no producer may put its claims on a specialist's queue.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rcmdesk.claims.models import Claim
from rcmdesk.conftest import World
from rcmdesk.contracts.models import LineVariance, Recoupment, VarianceKind
from rcmdesk.contracts.tests.remits import expected_claim, payer_contract
from rcmdesk.intake.models import FileStatus
from rcmdesk.intake.services import ingest
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.producers import sync_client
from rcmdesk.workqueue.producers.tasks import refresh_queues

pytestmark = pytest.mark.django_db
DENIAL = header("0.00", trace="DEN1") + ("CLP*PCN3*4*150*0**12*CCN3~SVC*HC:99215*150*0**1~"
                                         "CAS*CO*50*150~LQ*HE*N115~")
UNDERPAID = header("70.00", trace="T1") + (
    "CLP*PCN1*1*150*70*10*12*ICN1~SVC*HC:99213*150*70**1~CAS*CO*45*70~CAS*PR*1*10~")


def prospect(org: Organization) -> Organization:
    Organization.objects.filter(pk=org.pk).update(prospect=True)
    org.refresh_from_db()
    return org


def deny(client: Organization) -> Claim:
    claim = make_claim(client, "PCN3", [("99215", "150.00")])
    result = ingest(client, remit(DENIAL, isa13="000000401"), "denial.835", channel="assess")
    assert result.outcome == FileStatus.APPLIED
    return claim


def test_a_prospects_835_with_a_denial_opens_no_work_item_while_a_real_clients_does(
        world: World) -> None:
    real = deny(world.acme)
    deny(prospect(world.birch))
    assert [(i.client_id, i.claim_id) for i in WorkItem.objects.filter(
        kind=ItemKind.DENIAL)] == [(world.acme.pk, real.pk)]
    assert not WorkItem.objects.filter(client=world.birch).exists()


def test_the_queue_refresh_makes_nothing_for_a_prospect_even_for_claims_long_silent(
        world: World) -> None:
    birch = prospect(world.birch)
    make_claim(birch, "OLD1", [("99213", "100.00")])  # billed, never answered
    assert sync_client(birch, date(2026, 6, 1)) == {}
    assert birch.slug not in refresh_queues.call()
    assert not WorkItem.objects.filter(client=birch).exists()


def test_a_prospect_with_a_contract_gets_its_line_variances_but_no_items(
        world: World) -> None:
    birch = prospect(world.birch)
    made = payer_contract(birch, {"99213": "100.00"})
    expected_claim(birch, made, "PCN1", [("99213", "150.00")])
    result = ingest(birch, remit(UNDERPAID, isa13="000000701"), "T1.835", channel="assess")
    assert result.outcome == FileStatus.APPLIED
    variance = LineVariance.objects.get(client=birch)
    assert (variance.kind, variance.variance) == (VarianceKind.UNDERPAID, Decimal("-20.00"))
    assert not WorkItem.objects.filter(client=birch).exists()


def test_a_prospects_takebacks_are_not_traced(world: World) -> None:
    birch = prospect(world.birch)
    make_claim(birch, "PCN4", [("99213", "100.00")])
    for n, body in enumerate((
            "CLP*PCN4*1*100*80**12*CCN4~SVC*HC:99213*100*80**1~CAS*CO*45*20~",
            "CLP*PCN4*22*-100*-80**12*CCN4~SVC*HC:99213*-100*-80**1~CAS*CO*45*-20~")):
        data = remit(header("80.00" if n == 0 else "-80.00", trace=f"T{n}") + body,
                     isa13=f"00000080{n}")
        assert ingest(birch, data, f"T{n}.835").outcome == FileStatus.APPLIED
    assert not Recoupment.objects.filter(client=birch).exists()
    assert not WorkItem.objects.filter(client=birch).exists()
