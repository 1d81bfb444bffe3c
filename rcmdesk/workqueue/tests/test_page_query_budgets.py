"""The workbench and the item page cost a fixed number of queries, whatever the number of rows.

A team opens these pages all day (bench/web.py simulates 32 people doing it): a query per row
(an item's client, its claim's payer, its assignee, an action's author) would make a long
queue or a long history slow for everyone. Each test measures the page with few rows, then
holds the page with many rows to that count.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rcmdesk.conftest import make_user
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ActionKind, CallLog, ItemKind, WorkAction, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db
WORKBENCH = reverse("workqueue:workbench")
VIEWERS = [Role.PARTNER_SPECIALIST, Role.PARTNER_LEAD, Role.CLIENT_STAFF, Role.CLIENT_MANAGER]


def queue(world, first: int, n: int) -> list[WorkItem]:
    """``n`` open items of acme with a claim each (its own patient), half of them assigned:
    to the viewer's colleagues, so the list shows assignees, and to the viewers, so "My
    items" fills too."""
    colleague = make_user(f"colleague{first}", Role.PARTNER_SPECIALIST, world.pillar)
    assignees = [colleague, world.user(Role.PARTNER_SPECIALIST), world.user(Role.CLIENT_STAFF),
                 None, None]
    kinds = [ItemKind.DENIAL, ItemKind.AR_FOLLOWUP]
    return [make_item(world.acme, k, kind=kinds[k % 2], claim=make_claim(world.acme, f"PCN{k}"),
                      assignee=assignees[k % len(assignees)])
            for k in range(first, first + n)]


def queries_of(client, url: str) -> int:
    """The queries one GET of ``url`` costs (the page must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", VIEWERS)
def test_the_workbench_of_25_items_costs_no_more_queries_than_of_5(
        world, signed_in, django_assert_max_num_queries, role):
    client = signed_in(role)
    queue(world, 1, 5)
    few = queries_of(client, WORKBENCH)
    queue(world, 100, 20)
    with django_assert_max_num_queries(few):
        body = client.get(WORKBENCH).content.decode()
    assert body.count('name="ids"') >= 10


def history(item: WorkItem, actor, n: int) -> None:
    """``n`` payer calls on the item, each an action with its call log."""
    for k in range(n):
        action = WorkAction.objects.create(item=item, actor=actor, kind=ActionKind.CALLED_PAYER,
                                           note=f"called {k}")
        CallLog.objects.create(action=action, item=item, claim=item.claim, channel="phone",
                               contact=f"rep {k}", reference=f"REF{k}")


@pytest.mark.parametrize("role", [Role.PARTNER_SPECIALIST, Role.CLIENT_MANAGER])
def test_an_item_with_a_long_history_costs_no_more_queries_than_a_new_one(
        world, signed_in, django_assert_max_num_queries, role):
    client = signed_in(role)
    actor = world.user(Role.PARTNER_SPECIALIST)
    quiet, busy = queue(world, 1, 2)
    history(quiet, actor, 1)
    few = queries_of(client, reverse("workqueue:item", args=[quiet.pk]))
    history(busy, actor, 12)
    with django_assert_max_num_queries(few):
        body = client.get(reverse("workqueue:item", args=[busy.pk])).content.decode()
    assert "REF11" in body
