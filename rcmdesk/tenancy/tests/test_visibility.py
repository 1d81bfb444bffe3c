"""What each kind of user may see: the one function everything else trusts."""

from datetime import date, timedelta

import pytest

from rcmdesk.accounts.models import User
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import Role, Workflow
from rcmdesk.tenancy.services import open_break_glass
from rcmdesk.tenancy.visibility import forget_visibility, visibility_for


def fresh(user: User) -> User:
    forget_visibility(user)
    return user


def test_client_users_see_only_their_own_organization_with_every_workflow(world):
    vis = visibility_for(world.user(Role.CLIENT_STAFF))
    assert vis.client_ids == {world.acme.pk}
    assert vis.clients_for(Workflow.POSTING) == {world.acme.pk}


def test_a_partner_specialist_sees_only_assigned_clients_and_in_scope_workflows(world):
    vis = visibility_for(world.user(Role.PARTNER_SPECIALIST))
    assert vis.client_ids == {world.acme.pk}
    assert vis.can_see(world.acme.pk, Workflow.DENIALS)
    assert not vis.can_see(world.acme.pk, Workflow.POSTING)
    assert not vis.can_see(world.birch.pk)


def test_an_expired_engagement_hides_its_client(world):
    world.acme_engagement.end_date = date.today() - timedelta(days=2)
    world.acme_engagement.save()
    assert visibility_for(world.user(Role.PARTNER_SPECIALIST)).client_ids == frozenset()


def test_an_engagement_that_has_not_started_hides_its_client(world):
    world.acme_engagement.start_date = date.today() + timedelta(days=5)
    world.acme_engagement.save()
    assert visibility_for(world.user(Role.PARTNER_LEAD)).client_ids == frozenset()


def test_engagement_dates_follow_the_clients_time_zone(world, monkeypatch):
    from datetime import UTC, datetime

    from django.utils import timezone

    # 03:00 UTC on the 10th is still the 9th in New York: an engagement ending on the 9th
    # is active there.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    engagement = world.acme_engagement
    engagement.start_date, engagement.end_date = date(2026, 1, 1), date(2026, 3, 9)
    assert engagement.is_active()
    engagement.time_zone = "Europe/Berlin"
    assert not engagement.is_active()


def test_a_deactivated_client_disappears_for_partners(world):
    Organization.objects.filter(pk=world.acme.pk).update(is_active=False)
    assert visibility_for(world.user(Role.PARTNER_SPECIALIST)).client_ids == frozenset()


def test_a_disabled_user_sees_nothing(world):
    user = world.user(Role.CLIENT_STAFF)
    user.is_active = False
    assert visibility_for(user).client_ids == frozenset()


def test_a_platform_admin_sees_no_client_without_break_glass(world):
    assert visibility_for(world.user(Role.PLATFORM_ADMIN)).client_ids == frozenset()


def test_break_glass_gives_read_only_sight_of_one_client(world):
    admin = world.user(Role.PLATFORM_ADMIN)
    open_break_glass(world.acme, "Client reported a production outage, ticket 4411",
                     acting_user=admin)
    vis = visibility_for(fresh(admin))
    assert vis.client_ids == {world.acme.pk}
    assert not vis.can_write(world.acme.pk)


def test_querysets_filter_through_visibility(world):
    specialist = world.user(Role.PARTNER_SPECIALIST)
    assert list(Organization.objects.visible_to(specialist)) == [world.acme]
    assert list(Engagement.objects.visible_to(specialist)) == [world.acme_engagement]
    assert list(Engagement.objects.visible_to(world.birch_admin)) == [world.birch_engagement]


def test_visibility_is_computed_once_per_user_object(world, django_assert_num_queries):
    specialist = fresh(world.user(Role.PARTNER_SPECIALIST))
    visibility_for(specialist)
    with django_assert_num_queries(0):
        visibility_for(specialist)


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.PARTNER_QA])
def test_partner_visibility_costs_one_query(world, role, django_assert_num_queries):
    user = fresh(world.user(role))
    with django_assert_num_queries(1):
        visibility_for(user)
