"""Who an assignment picker offers: only people the assignment would accept
(``queries.eligible_workers``), on the workbench, the item page and the team page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from rcmdesk.accounts.models import User
from rcmdesk.conftest import make_user
from rcmdesk.tenancy.authz import permits
from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Action, Role, Workflow
from rcmdesk.tenancy.visibility import forget_visibility
from rcmdesk.workqueue.models import ItemKind, ItemStatus
from rcmdesk.workqueue.queries import eligible_workers
from rcmdesk.workqueue.tests.factories import make_item

pytestmark = pytest.mark.django_db


def names(users) -> set[str]:
    return {u.username for u in users}


def test_the_picker_lists_the_clients_workers_and_the_partner_staff_on_the_engagement(world):
    offered = names(eligible_workers([(world.acme.pk, Workflow.DENIALS)]))
    assert offered == {"acme.manager", "acme.staff", "pillar.lead", "pillar.specialist"}


def test_the_picker_never_lists_a_role_that_cannot_work_items(world):
    offered = names(eligible_workers([(world.acme.pk, Workflow.DENIALS)]))
    assert "pillar.qa" not in offered  # on the engagement, but QA audits, it does not work
    assert "acme.admin" not in offered  # assigns work, does not work it
    assert "platform.admin" not in offered


def test_the_picker_never_lists_someone_outside_the_clients_engagement(world):
    birch_only = make_user("pillar.birchonly", Role.PARTNER_SPECIALIST, world.pillar)
    Assignment.objects.create(engagement=world.birch_engagement, user=birch_only)
    acme = names(eligible_workers([(world.acme.pk, Workflow.DENIALS)]))
    assert "pillar.birchonly" not in acme
    assert "birch.admin" not in acme
    assert names(eligible_workers([(world.birch.pk, Workflow.ELIGIBILITY)])) == {
        "pillar.birchonly"}


def test_partner_staff_are_not_offered_a_workflow_outside_the_engagements_scope(world):
    assert names(eligible_workers([(world.acme.pk, Workflow.POSTING)])) == {
        "acme.manager", "acme.staff"}


def test_an_ended_engagement_or_a_disabled_account_takes_people_off_the_picker(world):
    world.acme_engagement.end_date = world.acme_engagement.start_date
    world.acme_engagement.save()
    User.objects.filter(username="acme.staff").update(is_active=False)
    assert names(eligible_workers([(world.acme.pk, Workflow.DENIALS)])) == {"acme.manager"}


def test_the_picker_and_the_permission_check_agree_on_everyone(world):
    make_user("pillar.birchonly", Role.PARTNER_SPECIALIST, world.pillar)
    for client, workflow in ((world.acme, Workflow.DENIALS), (world.acme, Workflow.POSTING),
                             (world.birch, Workflow.ELIGIBILITY)):
        offered = names(eligible_workers([(client.pk, workflow)]))
        for user in User.objects.all():
            forget_visibility(user)
            may = permits(user, Action.WORK_ITEMS, client.pk, workflow)
            assert (user.username in offered) == may, (user.username, client, workflow)


def options(body: str, testid: str) -> str:
    return body.split(f'data-testid="{testid}"')[1].split("</select>")[0]


def test_the_workbenchs_assign_picker_is_labelled_and_lists_only_eligible_people(
        world, signed_in):
    make_item(world.acme, 1)
    body = signed_in(Role.PARTNER_LEAD).get("/work/").content.decode()
    picker = options(body, "assign-to")
    assert 'value="pillar.specialist"' in picker
    assert 'value="pillar.qa"' not in picker
    assert 'value="birch.admin"' not in picker
    assert "<label>Assign to<select" in body
    assert 'placeholder="Assign to (username)"' not in body


def test_a_specialist_is_offered_no_assign_picker(world, signed_in):
    make_item(world.acme, 1)
    body = signed_in(Role.PARTNER_SPECIALIST).get("/work/").content.decode()
    assert 'data-testid="assign-to"' not in body
    assert 'value="assign"' not in body


def test_a_lead_assigns_one_item_from_its_page_to_a_person_picked(world, signed_in):
    item = make_item(world.acme, 1)
    lead = signed_in(Role.PARTNER_LEAD)
    picker = options(lead.get(reverse("workqueue:item", args=[item.pk])).content.decode(),
                     "assign-to")
    assert 'value="pillar.specialist"' in picker
    assert 'value="pillar.qa"' not in picker
    response = lead.post(reverse("workqueue:assign", args=[item.pk]),
                         {"assignee": "pillar.specialist", "version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.assignee == world.user(Role.PARTNER_SPECIALIST)


def test_assigning_from_the_item_page_to_someone_who_cannot_work_it_says_why(world, signed_in):
    item = make_item(world.acme, 1)
    response = signed_in(Role.PARTNER_LEAD).post(reverse("workqueue:assign", args=[item.pk]),
                                                 {"assignee": "pillar.qa"})
    assert response.status_code == 409
    assert "pillar.qa cannot work denial items for this client." in response.content.decode()
    item.refresh_from_db()
    assert item.assignee is None


def test_a_specialist_cannot_assign_from_the_item_page(world, signed_in):
    item = make_item(world.acme, 1)
    client = signed_in(Role.PARTNER_SPECIALIST)
    assert 'data-testid="assign-form"' not in client.get(
        reverse("workqueue:item", args=[item.pk])).content.decode()
    assert client.post(reverse("workqueue:assign", args=[item.pk]),
                       {"assignee": "pillar.specialist"}).status_code == 403


def test_snoozing_from_the_item_page_sets_the_follow_up_day(world, signed_in):
    item = make_item(world.acme, 1)
    until = world.acme.today() + timedelta(days=3)
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        reverse("workqueue:snooze", args=[item.pk]), {"until": until.isoformat()}, follow=True)
    assert f"Snoozed #{item.pk} until {until:%m/%d/%Y}." in response.content.decode()
    item.refresh_from_db()
    assert (item.follow_up_on, item.status) == (until, ItemStatus.OPEN)


def test_snoozing_without_a_day_asks_for_one(world, signed_in):
    item = make_item(world.acme, 1)
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        reverse("workqueue:snooze", args=[item.pk]), {"until": ""})
    assert response.status_code == 400
    assert "Say until which day to snooze." in response.content.decode()


def test_the_team_pages_reassign_pickers_list_holders_and_eligible_people(world, signed_in):
    make_item(world.acme, 1, assignee=world.user(Role.PARTNER_SPECIALIST))
    make_item(world.birch, 2, kind=ItemKind.ELIGIBILITY)
    body = signed_in(Role.PARTNER_LEAD).get("/work/team/").content.decode()
    assert 'value="pillar.specialist"' in options(body, "reassign-from")
    to = options(body, "reassign-to")
    for eligible in ("pillar.lead", "pillar.specialist", "acme.staff"):
        assert f'value="{eligible}"' in to
    assert 'value="pillar.qa"' not in to
    assert 'value="birch.admin"' not in to
