"""The workbench: counts, Get next, my items, the filtered list and its bulk actions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rcmdesk.audit.models import AuditEvent
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db
WORKBENCH = "/work/"


def item(client, n, title="", **fields):
    """``make_item`` with a title of the test's choosing (a marker to look for in pages)."""
    made = make_item(client, n, **fields)
    if title:
        made.title = title
        made.save(update_fields=["title"])
    return made


def test_the_workbench_counts_only_what_the_partner_specialist_may_see(world, signed_in):
    make_item(world.acme, 1, kind=ItemKind.DENIAL, aging_bucket="31-60", amount=Decimal("120.50"))
    make_item(world.acme, 2, kind=ItemKind.AR_FOLLOWUP, aging_bucket="120+",
              amount=Decimal("80.00"))
    item(world.acme, 3, kind=ItemKind.POSTING_EXCEPTION, title="posting-only-marker")
    item(world.birch, 4, kind=ItemKind.ELIGIBILITY, title="BIRCH eligibility marker")
    response = signed_in(Role.PARTNER_SPECIALIST).get(WORKBENCH)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="counts-denials"' in body
    assert 'data-testid="counts-ar_followup"' in body
    assert "counts-posting" not in body
    assert "posting-only-marker" not in body
    assert "BIRCH eligibility marker" not in body
    assert "$120.50" in body
    assert "$200.50" in body  # the grand total of both visible items


def test_the_counts_fragment_refreshes_on_its_own(world, signed_in):
    make_item(world.acme, 1, amount=Decimal("5.00"))
    body = signed_in(Role.PARTNER_SPECIALIST).get(reverse("workqueue:counts")).content.decode()
    assert body.lstrip().startswith("{#") is False
    assert 'hx-get="/work/counts/"' in body
    assert "$5.00" in body


def test_get_next_leases_the_top_item_and_opens_its_page(world, signed_in):
    make_item(world.acme, 1, priority=10)
    top = make_item(world.acme, 2, priority=90)
    response = signed_in(Role.PARTNER_SPECIALIST).post(reverse("workqueue:next"),
                                                       {"workflow": "denials"})
    assert response.status_code == 302
    assert response.url == reverse("workqueue:item", args=[top.pk])
    top.refresh_from_db()
    assert top.status == ItemStatus.IN_PROGRESS
    assert top.assignee == world.user(Role.PARTNER_SPECIALIST)


def test_get_next_on_an_empty_queue_says_so(world, signed_in):
    make_item(world.acme, 1, kind=ItemKind.AR_FOLLOWUP)
    client = signed_in(Role.PARTNER_SPECIALIST)
    response = client.post(reverse("workqueue:next"), {"workflow": "denials"}, follow=True)
    assert "queue is empty" in response.content.decode()
    assert WorkItem.objects.get().status == ItemStatus.OPEN


def test_get_next_is_refused_to_a_role_that_does_not_work_items(world, signed_in):
    make_item(world.acme, 1)
    response = signed_in(Role.PARTNER_QA).post(reverse("workqueue:next"), {"workflow": "denials"})
    assert response.status_code == 403


def test_my_items_shows_what_is_leased_to_me_with_its_follow_up_date(world, signed_in):
    me = world.user(Role.PARTNER_SPECIALIST)
    follow = timezone.localdate() + timedelta(days=9)
    item(world.acme, 1, title="mine-marker", assignee=me, follow_up_on=follow,
              status=ItemStatus.PENDING_PAYER)
    body = signed_in(Role.PARTNER_SPECIALIST).get(WORKBENCH).content.decode()
    mine = body.split('data-testid="my-items"')[1].split("</table>")[0]
    assert "mine-marker" in mine
    assert f"{follow:%m/%d/%Y}" in mine


def test_the_list_filters_by_workflow_bucket_payer_and_assignee(world, signed_in):
    claim = make_claim(world.acme, "PCNF", payer_kind="medicare")
    item(world.acme, 1, kind=ItemKind.DENIAL, title="den-old", aging_bucket="120+",
              claim=claim)
    item(world.acme, 2, kind=ItemKind.AR_FOLLOWUP, title="ar-young", aging_bucket="0-30",
              assignee=world.user(Role.PARTNER_SPECIALIST))
    client = signed_in(Role.PARTNER_SPECIALIST)

    def listed(**params):
        body = client.get(WORKBENCH, params).content.decode()
        table = body.split('data-testid="items"')[1].split("</table>")[0]
        return {t for t in ("den-old", "ar-young") if t in table}

    assert listed() == {"den-old", "ar-young"}
    assert listed(workflow="denials") == {"den-old"}
    assert listed(bucket="0-30") == {"ar-young"}
    assert listed(payer="medicare") == {"den-old"}
    assert listed(assignee="me") == {"ar-young"}
    assert listed(assignee="none") == {"den-old"}
    assert listed(status="done") == set()


def test_listing_items_is_audited_per_client(world, signed_in):
    item = make_item(world.acme, 1)
    signed_in(Role.PARTNER_SPECIALIST).get(WORKBENCH)
    event = AuditEvent.objects.filter(action="list").latest("id")
    assert event.client_org_id == world.acme.pk
    assert event.detail["items"] == [item.pk]


def test_bulk_snooze_reports_what_was_done_and_what_was_skipped(world, signed_in):
    free = make_item(world.acme, 1)
    held = make_item(world.acme, 2, assignee=world.user(Role.PARTNER_LEAD))
    foreign = make_item(world.birch, 3, kind=ItemKind.ELIGIBILITY)
    until = timezone.localdate() + timedelta(days=5)
    response = signed_in(Role.PARTNER_SPECIALIST).post(reverse("workqueue:bulk"), {
        "action": "snooze", "ids": [free.pk, held.pk, foreign.pk], "until": until.isoformat()},
        follow=True)
    body = response.content.decode()
    assert "Snooze: 1 done, 2 skipped." in body
    assert f"#{foreign.pk}: Not found." in body
    free.refresh_from_db()
    assert (free.follow_up_on, free.status) == (until, ItemStatus.OPEN)
    held.refresh_from_db()
    assert held.follow_up_on is None


def test_bulk_close_needs_an_outcome(world, signed_in):
    item = make_item(world.acme, 1)
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        reverse("workqueue:bulk"), {"action": "close", "ids": [item.pk]}, follow=True)
    assert "Say what the outcome was" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


def test_bulk_close_with_an_outcome_closes_the_items(world, signed_in):
    item = make_item(world.acme, 1)
    signed_in(Role.PARTNER_SPECIALIST).post(reverse("workqueue:bulk"), {
        "action": "close", "ids": [item.pk], "outcome": "paid on recheck"})
    item.refresh_from_db()
    assert (item.status, item.close_reason) == (ItemStatus.DONE, "paid on recheck")


def test_bulk_resubmit_only_marks_the_next_step(world, signed_in):
    item = make_item(world.acme, 1)
    signed_in(Role.PARTNER_SPECIALIST).post(reverse("workqueue:bulk"), {
        "action": "resubmit", "ids": [item.pk]})
    item.refresh_from_db()
    assert item.detail["next_step"] == "resubmit"
    assert item.status == ItemStatus.OPEN
    assert item.version == 2
    assert "Next step: resubmit" in item.actions.get().note


def test_bulk_assign_is_for_supervisors_only(world, signed_in):
    item = make_item(world.acme, 1)
    response = signed_in(Role.PARTNER_SPECIALIST).post(reverse("workqueue:bulk"), {
        "action": "assign", "ids": [item.pk], "assignee": "pillar.specialist"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.assignee is None


def test_a_partner_lead_assigns_in_bulk_to_a_specialist(world, signed_in):
    items = [make_item(world.acme, n) for n in (1, 2)]
    signed_in(Role.PARTNER_LEAD).post(reverse("workqueue:bulk"), {
        "action": "assign", "ids": [i.pk for i in items], "assignee": "pillar.specialist"})
    assert set(WorkItem.objects.values_list("assignee__username", flat=True)) == {
        "pillar.specialist"}


def test_the_workbench_costs_the_same_queries_for_six_items_as_for_one(world, signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(Role.PARTNER_SPECIALIST)
    me = world.user(Role.PARTNER_SPECIALIST)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(WORKBENCH).status_code == 200
        return len(captured)

    make_item(world.acme, 0, claim=make_claim(world.acme, "ONE"), assignee=me)
    one = queries_for_page()
    for n in range(1, 6):
        make_item(world.acme, n, claim=make_claim(world.acme, f"SIX{n}"), assignee=me)
    assert queries_for_page() == one


def test_get_next_without_a_csrf_token_is_refused(world):
    from django.test import Client

    from rcmdesk.conftest import sign_in

    make_item(world.acme, 1)
    client = sign_in(Client(enforce_csrf_checks=True), world.user(Role.PARTNER_SPECIALIST))
    assert client.post(reverse("workqueue:next"), {"workflow": "denials"}).status_code == 403
    assert WorkItem.objects.get().status == ItemStatus.OPEN


def test_bulk_assign_to_a_name_nobody_has_answers_as_for_another_tenants_user(world, signed_in):
    item = make_item(world.acme, 1)
    lead = signed_in(Role.PARTNER_LEAD)

    def answer(assignee):
        response = lead.post(reverse("workqueue:bulk"), {
            "action": "assign", "ids": [item.pk], "assignee": assignee}, follow=True)
        said = [str(m) for m in response.context["messages"]]
        return response.status_code, [m.replace(assignee, "NAME") for m in said]

    assert answer("birch.admin") == answer("no.such.person") == (200, [
        "Assign: 0 done, 1 skipped.",
        f"#{item.pk}: NAME cannot work denial items for this client."])
    item.refresh_from_db()
    assert item.assignee is None
