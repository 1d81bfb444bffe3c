"""The claim page links what else is about the claim (work items, appeals, decisions,
escalations), each read through its own visibility, in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rcmdesk.claims.models import Claim
from rcmdesk.decisions.tests.factories import ar_item, charged_claim, write_off
from rcmdesk.denials.models import Appeal
from rcmdesk.escalations.tests.factories import raise_one
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import services
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.tests.factories import make_item

pytestmark = pytest.mark.django_db


def page(claim: Claim) -> str:
    return reverse("claims:claim", args=[claim.pk])


def busy_claim(world, n: int = 1) -> tuple[Claim, dict[str, list[str]]]:
    """A claim with ``n`` of each related object; returns the links the page should show."""
    claim = charged_claim(world.acme, f"PCNBUSY{n}")
    specialist = world.user(Role.PARTNER_SPECIALIST)
    links: dict[str, list[str]] = {"items": [], "appeals": [], "decisions": [],
                                   "escalations": []}
    for k in range(n):
        item = ar_item(world.acme, 1000 * n + k, claim=claim)
        denial = make_item(world.acme, 1000 * n + 500 + k, claim=claim, status=ItemStatus.DONE)
        appeal = Appeal.objects.create(client=world.acme, item=denial, claim=claim,
                                       category="authorization", subject="level 1",
                                       letter_text="t")
        item = services.claim(item, item.version, acting_user=specialist)
        proposal = write_off(specialist, item)
        escalation = raise_one(world, claim=claim, subject=f"stuck {k}")
        links["items"] += [reverse("workqueue:item", args=[pk]) for pk in (item.pk, denial.pk)]
        links["appeals"].append(reverse("denials:appeal", args=[appeal.pk]))
        links["decisions"].append(reverse("decisions:detail", args=[proposal.pk]))
        links["escalations"].append(reverse("escalations:detail", args=[escalation.pk]))
    return claim, links


def test_the_claim_page_links_its_items_appeals_decisions_and_escalations(world, signed_in):
    claim, links = busy_claim(world)
    body = signed_in(Role.PARTNER_SPECIALIST).get(page(claim)).content.decode()
    for section, urls in [("work-items", links["items"]), ("appeals", links["appeals"]),
                          ("decisions", links["decisions"]),
                          ("escalations", links["escalations"])]:
        table = body.split(f'data-testid="{section}"')[1].split("</table>")[0]
        for url in urls:
            assert f'href="{url}"' in table


def test_every_linked_object_opens_for_the_reader(world, signed_in):
    _, links = busy_claim(world)
    client = signed_in(Role.PARTNER_SPECIALIST)
    for urls in links.values():
        for url in urls:
            assert client.get(url).status_code == 200, url


def test_a_work_item_outside_the_readers_scope_is_not_linked(world, signed_in):
    claim, _ = busy_claim(world)
    posting = make_item(world.acme, 900, kind=ItemKind.POSTING_EXCEPTION, claim=claim)
    url = f'href="{reverse("workqueue:item", args=[posting.pk])}"'
    assert url not in signed_in(Role.PARTNER_SPECIALIST).get(page(claim)).content.decode()
    assert url in signed_in(Role.CLIENT_STAFF).get(page(claim)).content.decode()


def test_a_busy_claim_costs_no_more_queries_than_a_quiet_one(world, signed_in,
                                                             django_assert_max_num_queries):
    quiet, _ = busy_claim(world, 1)
    busy, _ = busy_claim(world, 4)
    client = signed_in(Role.PARTNER_SPECIALIST)
    with CaptureQueriesContext(connection) as one:
        assert client.get(page(quiet)).status_code == 200
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(page(busy)).status_code == 200
    assert WorkItem.objects.filter(claim=busy).count() == 8
