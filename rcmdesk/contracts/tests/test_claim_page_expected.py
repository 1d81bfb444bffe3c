"""The claim workspace shows each line's expected allowed amount, the contract rate behind
it and, once posted, what was allowed and the variance, in a fixed number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rcmdesk.claims.models import Claim
from rcmdesk.claims.tests.test_claim_page import acme_claim
from rcmdesk.conftest import sign_in
from rcmdesk.contracts import expected
from rcmdesk.contracts.models import LineVariance, VarianceKind
from rcmdesk.contracts.tests.factories import contract
from rcmdesk.remits.models import RemitLine
from rcmdesk.remits.tests.x12text import make_claim
from rcmdesk.tenancy.roles import Role

D = Decimal
DAY = date(2026, 3, 2)


def priced_and_posted(world, fee: str = "120.00") -> Claim:
    """Acme's claim posted (allowed $90: paid 80 + PR 10), then its payer's contract loaded
    and the claim priced, and the comparison helper C's receiver would write."""
    claim = acme_claim(world)
    Claim.objects.filter(pk=claim.pk).update(service_from=DAY)
    made = contract(world.acme, {"99213": fee}, of=claim.payer)
    expected.price_claims(world.acme.pk, [claim.pk])
    line = claim.lines.get()
    remit_line = RemitLine.objects.get(claim_line=line)
    LineVariance.objects.create(
        client=world.acme, remit_line=remit_line, remittance=remit_line.remit_claim.remittance,
        claim=claim, claim_line=line, payer=claim.payer, contract=made,
        rate=line.expected.rate, procedure="99213", expected=D("100.00"), allowed=D("90.00"),
        paid=D("80.00"), patient_responsibility=D("10.00"), variance=D("-10.00"),
        contractual_excess=D("10.00"), kind=VarianceKind.UNDERPAID, found_on=DAY)
    return claim


def page(claim: Claim) -> str:
    return reverse("claims:claim", args=[claim.pk])


def test_the_claim_page_shows_expected_allowed_and_the_variance_in_words(world, signed_in):
    claim = priced_and_posted(world)
    html = signed_in(Role.PARTNER_SPECIALIST).get(page(claim)).content.decode()
    assert "Expected allowed" in html
    assert "$100.00" in html  # the $120.00 fee, limited to the $100.00 billed
    assert "limited to the $100.00 billed" in html
    assert "$90.00" in html
    assert "underpaid $10.00" in html
    assert 'data-testid="co45-excess"' in html


def test_the_contract_behind_the_amount_is_linked_and_opens_for_the_reader(world, signed_in):
    claim = priced_and_posted(world)
    contract_id = claim.lines.get().expected.contract_id
    url = reverse("contracts:contract", args=[contract_id])
    for role in (Role.PARTNER_SPECIALIST, Role.CLIENT_MANAGER):
        reader = signed_in(role)
        assert f'href="{url}"' in reader.get(page(claim)).content.decode()
        assert reader.get(url).status_code == 200
    outsider = sign_in(Client(), world.birch_admin)
    assert outsider.get(url).status_code == 404


def test_a_line_without_a_rate_shows_not_priced(world, signed_in):
    claim = make_claim(world.acme, "PCN9", [("99499", "50.00")])
    Claim.objects.filter(pk=claim.pk).update(service_from=DAY)
    contract(world.acme, {"99213": "80.00"}, of=claim.payer)
    expected.price_claims(world.acme.pk, [claim.pk])
    html = signed_in(Role.PARTNER_SPECIALIST).get(page(claim)).content.decode()
    assert "not priced" in html
    assert "no contract rate for this code" in html


def test_priced_lines_cost_no_more_queries_than_one(world, signed_in,
                                                    django_assert_max_num_queries):
    one = make_claim(world.acme, "ONE", [("99213", "50.00")])
    many = make_claim(world.acme, "MANY", [("99213", "50.00")] * 6)
    Claim.objects.update(service_from=DAY)
    contract(world.acme, {"99213": "40.00"}, of=one.payer)
    expected.price_claims(world.acme.pk, [one.pk, many.pk])
    client = signed_in(Role.PARTNER_SPECIALIST)
    with CaptureQueriesContext(connection) as quiet:
        assert client.get(page(one)).status_code == 200
    with django_assert_max_num_queries(len(quiet.captured_queries)):
        assert client.get(page(many)).status_code == 200
