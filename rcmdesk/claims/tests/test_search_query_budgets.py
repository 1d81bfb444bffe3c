"""Claim search (the claims page, the header's search box, the API) costs a fixed number of
queries, whatever the number of claims found.

A name heard on the phone can match a page of claims; a query per claim shown (its patient,
its payer, its client, its next limit) would make the common surnames the slow ones. Each
test measures the search finding 5 claims, then holds the search finding 25 to that count.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind
from rcmdesk.workqueue.tests.factories import make_claim, make_item
from rcmdesk.workqueue.tests.test_page_query_budgets import queries_of

pytestmark = pytest.mark.django_db
SEARCHES = [reverse("claims:claims") + "?q=synthetic", reverse("web:search") + "?q=synthetic",
            "/api/claims?q=synthetic"]


def claims(world, first: int, n: int) -> None:
    """``n`` acme claims of patients named Synthetic, each with an open denial item whose
    appeal limit the list flags."""
    for k in range(first, first + n):
        claim = make_claim(world.acme, f"PCN{k}", service=date(2026, 3, 2))
        make_item(world.acme, k, kind=ItemKind.DENIAL, claim=claim,
                  deadline=date.today() + timedelta(days=k))


@pytest.mark.parametrize("url", SEARCHES)
@pytest.mark.parametrize("role", [Role.PARTNER_SPECIALIST, Role.CLIENT_STAFF])
def test_a_search_finding_25_claims_costs_no_more_queries_than_one_finding_5(
        world, signed_in, django_assert_max_num_queries, role, url):
    client = signed_in(role)
    claims(world, 1, 5)
    few = queries_of(client, url)
    claims(world, 100, 20)
    with django_assert_max_num_queries(few):
        body = client.get(url).content.decode()
    assert "PCN119" in body
