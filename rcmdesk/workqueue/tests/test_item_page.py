"""The item page: claim, remits, history, why it scored so, and version-checked actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import services
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db
FACTORS = [{"name": "expected recoverable", "points": 240, "why": "$400.00 x 90% pay rate"},
           {"name": "deadline", "points": 150, "why": "20 days left until the appeal deadline"}]


def page_url(item: WorkItem) -> str:
    return reverse("workqueue:item", args=[item.pk])


def scored_item(world) -> WorkItem:
    claim = make_claim(world.acme, "PCNITEM", charge="400.00")
    return make_item(world.acme, 1, claim=claim, priority=390, priority_factors=FACTORS,
                     deadline=world.acme.today() + timedelta(days=20),
                     due_on=world.acme.today() + timedelta(days=3))


def leased(world, item: WorkItem, role: Role = Role.PARTNER_SPECIALIST) -> WorkItem:
    return services.claim(item, item.version, acting_user=world.user(role))


def test_the_page_explains_the_priority_and_links_the_claim(world, signed_in):
    item = scored_item(world)
    response = signed_in(Role.PARTNER_SPECIALIST).get(page_url(item))
    body = response.content.decode()
    assert response.status_code == 200
    priority = body.split('data-testid="priority"')[1].split("</table>")[0]
    assert "$400.00 x 90% pay rate" in priority
    assert "20 days left until the appeal deadline" in priority
    assert ">390</th>" in priority.split("<tfoot>")[1]
    assert "(20 days left)" in body
    assert reverse("claims:claim", args=[item.claim_id]) in body
    assert "PCNITEM" in body


def test_reading_the_item_is_audited_because_it_shows_patient_data(world, signed_in):
    item = scored_item(world)
    signed_in(Role.PARTNER_SPECIALIST).get(page_url(item))
    event = AuditEvent.objects.filter(action="read").latest("id")
    assert (event.client_org_id, event.object_id) == (world.acme.pk, str(item.pk))


def test_another_tenants_item_is_not_found(world, signed_in):
    birch = make_item(world.birch, 1, kind=ItemKind.ELIGIBILITY)
    assert signed_in(Role.PARTNER_SPECIALIST).get(page_url(birch)).status_code == 404


def test_an_item_outside_the_engagement_scope_is_not_found(world, signed_in):
    posting = make_item(world.acme, 1, kind=ItemKind.POSTING_EXCEPTION)
    assert signed_in(Role.PARTNER_SPECIALIST).get(page_url(posting)).status_code == 404
    assert signed_in(Role.CLIENT_STAFF).get(page_url(posting)).status_code == 200


def test_work_this_item_leases_it_and_shows_the_action_form(world, signed_in):
    item = make_item(world.acme, 1)
    client = signed_in(Role.PARTNER_SPECIALIST)
    response = client.post(reverse("workqueue:claim", args=[item.pk]), {"version": 1},
                           follow=True)
    assert 'data-testid="act-form"' in response.content.decode()
    item.refresh_from_db()
    assert item.is_leased_to(world.user(Role.PARTNER_SPECIALIST))


def test_recording_pending_client_decision_moves_the_item_and_keeps_history(world, signed_in):
    item = leased(world, make_item(world.acme, 1))
    response = signed_in(Role.PARTNER_SPECIALIST).post(reverse("workqueue:act", args=[item.pk]), {
        "version": item.version, "kind": ActionKind.APPEALED, "note": "appeal drafted",
        "status": ItemStatus.PENDING_CLIENT_DECISION})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING_CLIENT_DECISION
    assert item.touches == 1
    last = item.actions.order_by("-id").first()
    assert (last.kind, last.note) == (ActionKind.APPEALED, "appeal drafted")


def test_pending_payer_needs_a_follow_up_date(world, signed_in):
    item = leased(world, make_item(world.acme, 1))
    response = signed_in(Role.PARTNER_SPECIALIST).post(reverse("workqueue:act", args=[item.pk]), {
        "version": item.version, "kind": ActionKind.CALLED_PAYER,
        "status": ItemStatus.PENDING_PAYER})
    assert response.status_code == 400
    assert "needs a follow-up date" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS


def test_a_write_off_is_not_offered_to_a_specialist(world, signed_in):
    item = leased(world, make_item(world.acme, 1))
    client = signed_in(Role.PARTNER_SPECIALIST)
    assert 'value="written_off"' not in client.get(page_url(item)).content.decode()
    response = client.post(reverse("workqueue:act", args=[item.pk]), {
        "version": item.version, "kind": ActionKind.WRITTEN_OFF, "outcome": "gone",
        "status": ItemStatus.DONE})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS


def test_a_stale_version_answers_409_with_the_current_state_and_changes_nothing(world, signed_in):
    item = leased(world, make_item(world.acme, 1))
    seen = item.version
    services.act(item, seen, services.Step(ActionKind.NOTE, "written in another tab"),
                 acting_user=world.user(Role.PARTNER_SPECIALIST))
    response = signed_in(Role.PARTNER_SPECIALIST).post(reverse("workqueue:act", args=[item.pk]), {
        "version": seen, "kind": ActionKind.CALLED_PAYER, "note": "stale note",
        "status": ItemStatus.DONE, "outcome": "paid"})
    body = response.content.decode()
    assert response.status_code == 409
    assert "changed by someone else since you opened it" in body
    assert "written in another tab" in body  # the current history is shown
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS
    assert not item.actions.filter(note="stale note").exists()


def test_acting_on_an_item_someone_else_holds_is_refused(world, signed_in):
    item = leased(world, make_item(world.acme, 1), Role.PARTNER_LEAD)
    response = signed_in(Role.PARTNER_SPECIALIST).post(reverse("workqueue:act", args=[item.pk]), {
        "version": item.version, "kind": ActionKind.NOTE, "note": "x"})
    assert response.status_code == 403
    assert "Take the item first" in response.content.decode()


def test_release_puts_the_item_back_in_the_queue(world, signed_in):
    item = leased(world, make_item(world.acme, 1))
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        reverse("workqueue:release", args=[item.pk]), {"version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.assignee) == (ItemStatus.OPEN, None)


def test_partner_qa_reads_the_item_but_is_offered_no_work(world, signed_in):
    item = make_item(world.acme, 1)
    body = signed_in(Role.PARTNER_QA).get(page_url(item)).content.decode()
    assert "You can read this item but not work it." in body


def test_the_conflict_page_is_audited_as_a_read_too(world, signed_in):
    item = leased(world, make_item(world.acme, 1))
    before = AuditEvent.objects.filter(action="read").count()
    signed_in(Role.PARTNER_SPECIALIST).post(reverse("workqueue:release", args=[item.pk]),
                                            {"version": item.version - 1})
    assert AuditEvent.objects.filter(action="read").count() == before + 1


def test_a_held_denial_with_a_claim_offers_to_draft_an_appeal(world, signed_in):
    denial = leased(world, scored_item(world))
    ar = leased(world, make_item(world.acme, 2, kind=ItemKind.AR_FOLLOWUP,
                                 claim=make_claim(world.acme, "PCNAR")))
    client = signed_in(Role.PARTNER_SPECIALIST)
    assert 'data-testid="draft-appeal"' in client.get(page_url(denial)).content.decode()
    assert 'data-testid="draft-appeal"' not in client.get(page_url(ar)).content.decode()
