"""A 276 asked from a work item (its page, a workbench selection, the API's bulk), and the
277 answer shown on that item."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rcmdesk.arfollowup.models import ClaimStatusRequest
from rcmdesk.arfollowup.queries import claim_status_exchanges
from rcmdesk.arfollowup.services import request_status_for_items
from rcmdesk.arfollowup.tests.builders import Reply, write_277
from rcmdesk.claims.models import ClaimStatus
from rcmdesk.conftest import World
from rcmdesk.intake.models import OutboundFile
from rcmdesk.intake.services import ingest
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import bulk, services
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db


def specialist(world: World) -> Any:
    return world.user(Role.PARTNER_SPECIALIST)


def item_on(world: World, n: int, kind: str = ItemKind.AR_FOLLOWUP, pcn: str = "",
            client: Any = None) -> WorkItem:
    client = client or world.acme
    claim = make_claim(client, pcn or f"PCN{n}")
    return make_item(client, n, kind=kind, claim=claim)


def trace_of(item: WorkItem) -> str:
    return ClaimStatusRequest.objects.get(item=item).trace


def test_a_276_from_the_item_page_is_tied_to_the_item_and_noted_in_its_history(
        world: World, signed_in) -> None:
    item = item_on(world, 1, ItemKind.DENIAL)
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        reverse("workqueue:status_request", args=[item.pk]), follow=True)
    assert response.status_code == 200
    request = ClaimStatusRequest.objects.get()
    assert (request.item, request.claim_id) == (item, item.claim_id)
    assert OutboundFile.objects.filter(set_id="276").count() == 1
    item.refresh_from_db()
    [line] = item.actions.filter(kind=ActionKind.STATUS_REQUESTED)
    assert line.note == f"276 trace {request.trace}"
    assert item.touches == 1
    assert request.trace in response.content.decode()


def test_the_277_answer_shows_on_the_item_that_asked(world: World, signed_in) -> None:
    item = item_on(world, 1, ItemKind.DENIAL, pcn="PCN1")
    client = signed_in(Role.PARTNER_SPECIALIST)
    client.post(reverse("workqueue:status_request", args=[item.pk]))
    ingest(world.acme, write_277([Reply(trace_of(item), "PCN1", "A2", "20")]), "s.277")
    body = client.get(reverse("workqueue:item", args=[item.pk])).content.decode()
    answer = body.split('data-testid="claim-status"')[1].split("</table>")[0]
    assert "A2:20" in answer
    assert "the payer has the claim: pending" in answer


def test_a_denial_hears_the_answer_without_being_moved_by_it(world: World) -> None:
    item = item_on(world, 1, ItemKind.DENIAL, pcn="PCN1")
    request_status_for_items([item], acting_user=specialist(world))
    ingest(world.acme, write_277([Reply(trace_of(item), "PCN1", "A2", "20")]), "s.277")
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    assert item.actions.filter(kind=ActionKind.UPDATED, note__startswith="277 A2:20").exists()


def test_an_ar_item_asked_from_its_page_waits_on_the_payer_after_a_pending_answer(
        world: World) -> None:
    item = item_on(world, 1, ItemKind.AR_FOLLOWUP, pcn="PCN1")
    request_status_for_items([item], acting_user=specialist(world))
    ingest(world.acme, write_277([Reply(trace_of(item), "PCN1", "A1", "20")]), "s.277")
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING_PAYER


def test_a_selection_asks_once_per_claim_and_skips_what_cannot_be_asked(world: World) -> None:
    ar = item_on(world, 1, ItemKind.AR_FOLLOWUP)
    denial = make_item(world.acme, 2, kind=ItemKind.DENIAL, claim=ar.claim)
    other = item_on(world, 3, ItemKind.DENIAL)
    exception = item_on(world, 4, ItemKind.POSTING_EXCEPTION)
    draft = item_on(world, 5, ItemKind.AR_FOLLOWUP)
    assert draft.claim is not None
    draft.claim.status = ClaimStatus.DRAFT
    draft.claim.save()
    done = item_on(world, 6, ItemKind.AR_FOLLOWUP)
    WorkItem.objects.filter(pk=done.pk).update(status=ItemStatus.DONE)
    birch = item_on(world, 7, ItemKind.DENIAL, client=world.birch)
    result = bulk.run("status_request",
                      [ar.pk, denial.pk, other.pk, exception.pk, draft.pk, done.pk, birch.pk],
                      bulk.Params(), acting_user=world.user(Role.CLIENT_STAFF))
    assert sorted(result.done) == sorted([ar.pk, denial.pk, other.pk])
    assert "not an action for a posting exception" in result.skipped[exception.pk]
    assert "not been sent" in result.skipped[draft.pk]
    assert "done" in result.skipped[done.pk]
    assert result.skipped[birch.pk] == "Not found."
    assert OutboundFile.objects.filter(set_id="276").count() == 1
    assert ClaimStatusRequest.objects.count() == 2  # one per claim: ar and denial share one
    for item in (ar, denial, other):
        assert item.actions.filter(kind=ActionKind.STATUS_REQUESTED).count() == 1


def test_an_item_in_someone_elses_hands_is_skipped(world: World) -> None:
    item = item_on(world, 1, ItemKind.DENIAL)
    item = services.claim(item, item.version, acting_user=specialist(world))
    result = request_status_for_items([item], acting_user=world.user(Role.CLIENT_STAFF))
    assert result.skipped == {item.pk: "Someone else is working this item."}
    assert not ClaimStatusRequest.objects.exists()


def test_the_holder_asking_keeps_the_lease_and_records_a_touch(world: World) -> None:
    item = item_on(world, 1, ItemKind.DENIAL)
    item = services.claim(item, item.version, acting_user=specialist(world))
    request_status_for_items([item], acting_user=specialist(world))
    item.refresh_from_db()
    assert item.is_leased_to(specialist(world))
    assert item.touches == 1


def test_the_workbench_sends_a_selection(world: World, signed_in) -> None:
    items = [item_on(world, n, ItemKind.AR_FOLLOWUP) for n in (1, 2)]
    response = signed_in(Role.PARTNER_SPECIALIST).post(reverse("workqueue:bulk"), {
        "action": "status_request", "ids": [i.pk for i in items]}, follow=True)
    assert "Claim status request (276): 2 done, 0 skipped." in response.content.decode()
    assert ClaimStatusRequest.objects.count() == 2


def test_the_claim_timeline_gets_each_question_with_its_answers(world: World) -> None:
    item = item_on(world, 1, ItemKind.AR_FOLLOWUP, pcn="PCN1")
    request_status_for_items([item], acting_user=specialist(world))
    ingest(world.acme, write_277([Reply(trace_of(item), "PCN1", "F1", "65")]), "s.277")
    assert item.claim_id is not None
    [exchange] = claim_status_exchanges(world.user(Role.CLIENT_MANAGER), item.claim_id)
    assert exchange.request is not None
    assert exchange.request.item_id == item.pk
    assert [a.response.raw_stc for a in exchange.answers] == ["F1:65"]
    assert claim_status_exchanges(world.birch_admin, item.claim_id) == []
