"""Moving one person's work to another: the rule lives in the service, so the team page, the
CLI and any later caller agree on who may do it and which items move."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import bulk
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.tests.factories import make_item

pytestmark = pytest.mark.django_db


def test_a_specialist_cannot_move_anyones_work(world):
    specialist = world.user(Role.PARTNER_SPECIALIST)
    make_item(world.acme, 1, assignee=specialist)
    with pytest.raises(PermissionDenied):
        bulk.reassign(from_username=specialist.username, to=specialist,
                      acting_user=specialist)


def test_the_highest_priority_items_move_first_when_a_limit_is_given(world):
    lead, specialist = world.user(Role.PARTNER_LEAD), world.user(Role.PARTNER_SPECIALIST)
    low = make_item(world.acme, 1, assignee=specialist, priority=10)
    high = make_item(world.acme, 2, assignee=specialist, priority=900)
    result = bulk.reassign(from_username=specialist.username, to=lead, limit=1,
                           acting_user=lead)
    assert result.done == [high.pk]
    assert WorkItem.objects.get(pk=low.pk).assignee == specialist


def test_without_a_source_the_unassigned_items_move(world):
    lead, specialist = world.user(Role.PARTNER_LEAD), world.user(Role.PARTNER_SPECIALIST)
    free = make_item(world.acme, 1)
    make_item(world.acme, 2, assignee=lead)
    result = bulk.reassign(from_username=None, to=specialist, acting_user=lead)
    assert result.done == [free.pk]


def test_only_the_named_workflow_moves(world):
    lead, specialist = world.user(Role.PARTNER_LEAD), world.user(Role.PARTNER_SPECIALIST)
    denial = make_item(world.acme, 1, assignee=specialist)
    make_item(world.acme, 2, assignee=specialist, kind=ItemKind.AR_FOLLOWUP)
    result = bulk.reassign(from_username=specialist.username, to=lead, workflow="denials",
                           acting_user=lead)
    assert result.done == [denial.pk]


def test_a_workflow_that_does_not_exist_is_refused_in_words(world):
    lead = world.user(Role.PARTNER_LEAD)
    with pytest.raises(bulk.BadRequest, match="There is no workflow 'billing'"):
        bulk.reassign(from_username=None, to=lead, workflow="billing", acting_user=lead)


def test_a_client_the_supervisor_does_not_see_is_not_found(world):
    lead = world.user(Role.CLIENT_ADMIN)
    other = world.birch if lead.organization_id == world.acme.pk else world.acme
    make_item(other, 1)
    with pytest.raises(Http404):
        bulk.reassign(from_username=None, to=lead, client_id=other.pk, acting_user=lead)


def test_items_of_clients_the_supervisor_does_not_see_never_move(world):
    admin = world.user(Role.CLIENT_ADMIN)
    other = world.birch if admin.organization_id == world.acme.pk else world.acme
    hidden = make_item(other, 1)
    result = bulk.reassign(from_username=None, to=admin, acting_user=admin)
    assert hidden.pk not in result.done
    assert WorkItem.objects.get(pk=hidden.pk).assignee is None
