"""Offboarding opens one revocation per registered login, in the same transaction as the
change, and only the client's confirmation closes one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from rcmdesk.accounts.services import disable_user
from rcmdesk.conftest import World, make_user
from rcmdesk.systemaccess import queries, services
from rcmdesk.systemaccess.models import AccessStatus, RevocationTask, RevocationTrigger
from rcmdesk.systemaccess.tests.factories import acme_system, login
from rcmdesk.tenancy import services as tenancy
from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def three_logins(world: World) -> list:
    """A granted, an approved and a requested login, plus a denied one (not registered)."""
    made = [login(world, acme_system(world, "Acme EHR")),
            login(world, acme_system(world, "Acme PM"), until="approved"),
            login(world, acme_system(world, "Aetna portal"), until="requested")]
    denied = login(world, acme_system(world, "Fax line"), until="requested")
    services.deny(denied, acting_user=world.user(Role.CLIENT_ADMIN))
    return made


def test_disabling_a_partner_user_opens_one_revocation_task_per_registered_access(
        world: World) -> None:
    made = three_logins(world)
    disable_user(world.user(Role.PARTNER_SPECIALIST))
    tasks = RevocationTask.objects.order_by("access_id")
    assert [t.access for t in tasks] == made
    assert {t.trigger for t in tasks} == {RevocationTrigger.USER_DISABLED}
    assert all(t.is_open for t in tasks)


def test_the_revocation_tasks_roll_back_with_the_disable(world: World) -> None:
    three_logins(world)
    specialist = world.user(Role.PARTNER_SPECIALIST)
    opened_inside = []

    def disable_then_fail() -> None:
        with transaction.atomic():
            disable_user(specialist)
            opened_inside.append(RevocationTask.objects.count())  # same transaction
            raise RuntimeError("a failure after the disable")

    with pytest.raises(RuntimeError):
        disable_then_fail()
    assert opened_inside == [3]
    specialist.refresh_from_db()
    assert specialist.is_active
    assert not RevocationTask.objects.exists()


def test_a_second_disable_path_the_site_admins_save_also_opens_them(world: World) -> None:
    login(world, acme_system(world))
    specialist = world.user(Role.PARTNER_SPECIALIST)
    specialist.is_active = False
    specialist.save()
    assert RevocationTask.objects.open().count() == 1


def test_removing_a_user_from_the_engagement_opens_their_revocations(world: World) -> None:
    mine = login(world, acme_system(world))
    login(world, acme_system(world, "Acme PM"), user=world.user(Role.PARTNER_LEAD), account="l")
    assignment = Assignment.objects.get(engagement=world.acme_engagement,
                                        user=world.user(Role.PARTNER_SPECIALIST))
    tenancy.unassign_id(world.acme_engagement, assignment.pk,
                        acting_user=world.user(Role.PARTNER_LEAD))
    task = RevocationTask.objects.get()
    assert task.access == mine
    assert task.trigger == RevocationTrigger.UNASSIGNED
    assert task.opened_by == world.user(Role.PARTNER_LEAD)


def test_ending_the_engagement_opens_a_revocation_for_everyone_on_it(world: World) -> None:
    login(world, acme_system(world))
    login(world, acme_system(world, "Acme PM"), user=world.user(Role.PARTNER_LEAD), account="l")
    engagement = world.acme_engagement
    tenancy.end_engagement(engagement, engagement.start_date + timedelta(days=40),
                           acting_user=world.user(Role.CLIENT_ADMIN))
    assert RevocationTask.objects.filter(trigger=RevocationTrigger.ENGAGEMENT_ENDED).count() == 2


def test_a_login_being_revoked_is_not_usable(world: World) -> None:
    login(world, acme_system(world))
    lead = world.user(Role.PARTNER_LEAD)
    login(world, acme_system(world, "Acme PM"), user=lead, account="l")
    tenancy.end_engagement(world.acme_engagement, world.acme_engagement.start_date +
                           timedelta(days=60), acting_user=world.user(Role.CLIENT_ADMIN))
    assert not queries.usable_accesses(lead, world.acme).exists()


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.PARTNER_QA,
                                  Role.CLIENT_MANAGER, Role.CLIENT_STAFF])
def test_only_a_client_admins_confirmation_closes_a_revocation(world: World, role: Role) -> None:
    access = login(world, acme_system(world))
    disable_user(world.user(Role.PARTNER_SPECIALIST))
    task = RevocationTask.objects.get()
    actor = world.user(role)
    if role is Role.PARTNER_SPECIALIST:  # a colleague still on the engagement
        actor = make_user("pillar.spec2", Role.PARTNER_SPECIALIST, world.pillar)
        Assignment.objects.create(engagement=world.acme_engagement, user=actor)
    with pytest.raises(PermissionDenied):
        services.confirm_revocation(task, acting_user=actor)
    task.refresh_from_db()
    access.refresh_from_db()
    assert task.is_open
    assert access.status == AccessStatus.GRANTED
    services.confirm_revocation(task, acting_user=world.user(Role.CLIENT_ADMIN))
    task.refresh_from_db()
    access.refresh_from_db()
    assert not task.is_open
    assert task.confirmed_by == world.user(Role.CLIENT_ADMIN)
    assert access.status == AccessStatus.REVOKED
    assert access.revoked_at is not None


def test_another_clients_admin_cannot_confirm_a_revocation(world: World) -> None:
    login(world, acme_system(world))
    disable_user(world.user(Role.PARTNER_SPECIALIST))
    with pytest.raises(Http404):
        services.confirm_revocation(RevocationTask.objects.get(), acting_user=world.birch_admin)
