"""The supervisor's team view: who holds what, what nobody holds, and reassigning."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import services
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.tests.factories import make_item

pytestmark = pytest.mark.django_db
TEAM = "/work/team/"


@pytest.mark.parametrize("role", [Role.PARTNER_SPECIALIST, Role.CLIENT_STAFF, Role.PARTNER_QA])
def test_the_team_view_is_refused_to_people_who_do_not_assign_work(world, signed_in, role):
    assert signed_in(role).get(TEAM).status_code == 403
    assert signed_in(role).post(reverse("workqueue:reassign"), {
        "from_user": "pillar.lead", "to_user": "pillar.specialist"}).status_code == 403


def test_the_team_view_counts_each_persons_items_and_the_unassigned_ones(world, signed_in):
    specialist = world.user(Role.PARTNER_SPECIALIST)
    services.claim(make_item(world.acme, 1), 1, acting_user=specialist)
    make_item(world.acme, 2, assignee=specialist, status=ItemStatus.PENDING_PAYER)
    make_item(world.acme, 3, assignee=specialist)
    make_item(world.acme, 4, kind=ItemKind.AR_FOLLOWUP)
    make_item(world.birch, 5, kind=ItemKind.ELIGIBILITY)
    body = signed_in(Role.PARTNER_LEAD).get(TEAM).content.decode()
    row = body.split('data-testid="load-pillar.specialist"')[1].split("</tr>")[0]
    assert re.findall(r'class="num" data-value="(\d+)"', row) == ["1", "1", "1"]  # leased,
    unassigned = body.split('data-testid="unassigned"')[1].split("</table>")[0]  # assigned,
    assert "AR follow-up" in unassigned  # pending
    assert "eligibility" not in unassigned


def test_a_lead_reassigns_everything_one_person_holds_to_another(world, signed_in):
    lead, specialist = world.user(Role.PARTNER_LEAD), world.user(Role.PARTNER_SPECIALIST)
    for n in (1, 2):
        make_item(world.acme, n, assignee=specialist)
    response = signed_in(Role.PARTNER_LEAD).post(reverse("workqueue:reassign"), {
        "from_user": specialist.username, "to_user": lead.username}, follow=True)
    assert "Moved 2 item(s) from pillar.specialist to pillar.lead" in response.content.decode()
    assert set(WorkItem.objects.values_list("assignee", flat=True)) == {lead.pk}


def test_reassigning_to_someone_who_cannot_work_the_items_skips_them(world, signed_in):
    specialist = world.user(Role.PARTNER_SPECIALIST)
    make_item(world.acme, 1, assignee=specialist)
    response = signed_in(Role.CLIENT_ADMIN).post(reverse("workqueue:reassign"), {
        "from_user": specialist.username, "to_user": "pillar.qa"}, follow=True)
    assert "Moved 0 item(s)" in response.content.decode()
    assert WorkItem.objects.get().assignee == specialist


def test_reassigning_with_names_nobody_has_answers_as_for_another_tenants_users(world,
                                                                               signed_in):
    specialist = world.user(Role.PARTNER_SPECIALIST)
    item = make_item(world.acme, 1, assignee=specialist)
    lead = signed_in(Role.PARTNER_LEAD)

    def answer(from_user, to_user):
        response = lead.post(reverse("workqueue:reassign"), {
            "from_user": from_user, "to_user": to_user}, follow=True)
        said = [str(m) for m in response.context["messages"]]
        return [m.replace(from_user, "FROM").replace(to_user, "TO") for m in said]

    assert answer("pillar.specialist", "birch.admin") == answer(
        "pillar.specialist", "no.such.person") == [
        "Moved 0 item(s) from FROM to TO; 1 skipped.",
        f"#{item.pk}: TO cannot work denial items for this client."]
    assert answer("birch.admin", "pillar.lead") == answer("no.such.person", "pillar.lead") == [
        "Moved 0 item(s) from FROM to TO; 0 skipped."]
    assert WorkItem.objects.get().assignee == specialist
