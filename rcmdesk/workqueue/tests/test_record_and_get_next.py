""""Record and get next" on the item page: the specialist records and lands on the next item
of the same workflow, leased to them, without going back to the workbench."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import services
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.tests.factories import make_item

pytestmark = pytest.mark.django_db


def record_and_next(client, item: WorkItem):
    return client.post(reverse("workqueue:act", args=[item.pk]), {
        "version": item.version, "kind": ActionKind.CALLED_PAYER, "note": "claim reprocessed",
        "status": ItemStatus.DONE, "outcome": "paid", "next": "1"})


def test_record_and_get_next_lands_on_the_next_item_of_the_same_workflow(world, signed_in):
    specialist = world.user(Role.PARTNER_SPECIALIST)
    first = make_item(world.acme, 1, priority=300)
    first = services.claim(first, first.version, acting_user=specialist)
    following = make_item(world.acme, 2, priority=200)
    make_item(world.acme, 3, kind=ItemKind.AR_FOLLOWUP, priority=900)  # another workflow
    response = record_and_next(signed_in(Role.PARTNER_SPECIALIST), first)
    assert response.status_code == 302
    assert response["Location"] == reverse("workqueue:item", args=[following.pk])
    first.refresh_from_db()
    following.refresh_from_db()
    assert first.status == ItemStatus.DONE
    assert following.is_leased_to(specialist)


def test_record_and_get_next_on_an_empty_queue_says_so_on_the_workbench(world, signed_in):
    specialist = world.user(Role.PARTNER_SPECIALIST)
    only = make_item(world.acme, 1)
    only = services.claim(only, only.version, acting_user=specialist)
    response = record_and_next(signed_in(Role.PARTNER_SPECIALIST), only)
    assert response.status_code == 302
    assert response["Location"] == reverse("workqueue:workbench")
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("The Denials queue is empty" in m for m in said)
    only.refresh_from_db()
    assert only.status == ItemStatus.DONE
