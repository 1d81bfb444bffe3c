"""The registry's rules: a partner asks, the client decides; every change is on record."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.accounts.models import User
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, make_user
from rcmdesk.errors import Conflict, NotFound
from rcmdesk.systemaccess import queries, services
from rcmdesk.systemaccess.models import AccessStatus, SystemAccess
from rcmdesk.systemaccess.tests.factories import acme_system, login
from rcmdesk.tenancy.models import Assignment, Engagement, Organization
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
PARTNER_ROLES = (Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.PARTNER_QA)


def test_an_access_requested_by_a_partner_lead_is_unusable_until_the_client_approves_and_grants_it(
        world: World) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    access = login(world, acme_system(world), until="requested")
    assert access.status == AccessStatus.REQUESTED
    assert not queries.usable_accesses(specialist, world.acme).exists()
    services.approve(access, acting_user=world.user(Role.CLIENT_ADMIN))
    assert not queries.usable_accesses(specialist, world.acme).exists()
    services.confirm_granted(access, acting_user=world.user(Role.CLIENT_ADMIN))
    assert list(queries.usable_accesses(specialist, world.acme)) == [access]


def test_a_revoked_login_or_one_on_an_ended_engagement_is_no_longer_usable(world: World) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    access = login(world, acme_system(world))
    services.revoke(access, reason="left the team", acting_user=world.user(Role.CLIENT_ADMIN))
    assert not queries.usable_accesses(specialist, world.acme).exists()
    other = login(world, acme_system(world, "Acme PM"))
    Engagement.objects.filter(pk=world.acme_engagement.pk).update(
        end_date=world.acme_engagement.start_date)
    assert other.status == AccessStatus.GRANTED
    assert not queries.usable_accesses(specialist, world.acme).exists()


@pytest.mark.parametrize("role", PARTNER_ROLES)
def test_no_partner_role_can_approve_grant_attest_or_revoke(world: World, role: Role) -> None:
    access = login(world, acme_system(world), until="requested")
    partner = world.user(role)
    for step in (lambda: services.approve(access, acting_user=partner),
                 lambda: services.deny(access, acting_user=partner),
                 lambda: services.revoke(access, reason="x", acting_user=partner)):
        with pytest.raises(PermissionDenied):
            step()
    services.approve(access, acting_user=world.user(Role.CLIENT_ADMIN))
    with pytest.raises(PermissionDenied):
        services.confirm_granted(access, acting_user=partner)
    services.confirm_granted(access, acting_user=world.user(Role.CLIENT_ADMIN))
    with pytest.raises(PermissionDenied):
        services.attest(access, acting_user=partner)
    access.refresh_from_db()
    assert access.status == AccessStatus.GRANTED
    assert access.last_attested_at is None


def test_a_client_manager_reads_the_registry_but_decides_nothing(world: World) -> None:
    access = login(world, acme_system(world), until="requested")
    manager = world.user(Role.CLIENT_MANAGER)
    assert list(queries.accesses(manager)) == [access]
    with pytest.raises(PermissionDenied):
        services.approve(access, acting_user=manager)


def test_another_partners_accesses_are_invisible_to_every_partner_role(world: World) -> None:
    quill = Organization.objects.create(slug="quill", name="Quill Billing Co", kind="partner")
    rival = Engagement.objects.create(partner=quill, client=world.acme, name="Quill coding",
                                      scope=["ar_followup"],
                                      start_date=world.acme_engagement.start_date)
    quill_lead = make_user("quill.lead", Role.PARTNER_LEAD, quill)
    quill_spec = make_user("quill.spec", Role.PARTNER_SPECIALIST, quill)
    for person in (quill_lead, quill_spec):
        Assignment.objects.create(engagement=rival, user=person)
    system = acme_system(world)
    theirs = services.request_access(rival, quill_spec, system, account_name="quill.s",
                                     acting_user=quill_lead)
    ours = login(world, system)
    for role in PARTNER_ROLES:
        assert theirs not in queries.accesses(world.user(role))
        with pytest.raises(Http404):
            queries.access(world.user(role), theirs.pk)
    assert list(queries.accesses(quill_lead)) == [theirs]
    with pytest.raises(Http404):
        queries.access(quill_lead, ours.pk)
    with pytest.raises(PermissionDenied):
        services.approve(theirs, acting_user=world.user(Role.PARTNER_LEAD))
    with pytest.raises(NotFound):  # a lead cannot ask for logins on another partner's work
        services.request_access(rival, quill_spec, system, account_name="x",
                                acting_user=world.user(Role.PARTNER_LEAD))


def test_a_specialist_sees_only_their_own_logins_and_a_lead_their_engagements(
        world: World) -> None:
    system = acme_system(world)
    mine = login(world, system)
    leads = login(world, system, user=world.user(Role.PARTNER_LEAD), account="priya.l")
    assert list(queries.accesses(world.user(Role.PARTNER_SPECIALIST))) == [mine]
    assert set(queries.accesses(world.user(Role.PARTNER_LEAD))) == {mine, leads}
    assert not queries.accesses(world.birch_admin).exists()


def test_every_change_appends_history_and_an_audit_event(world: World) -> None:
    access = login(world, acme_system(world))
    services.attest(access, acting_user=world.user(Role.CLIENT_ADMIN))
    steps = [(c.from_status, c.to_status) for c in access.changes.all()]
    assert steps == [("", "requested"), ("requested", "approved"), ("approved", "granted"),
                     ("granted", "granted")]
    actions = list(AuditEvent.objects.filter(object_type="systemaccess.systemaccess",
                                             object_id=str(access.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["systemaccess.requested", "systemaccess.approved",
                       "systemaccess.granted", "systemaccess.attested"]


def test_a_second_live_request_for_the_same_login_is_refused(world: World) -> None:
    system = acme_system(world)
    login(world, system, until="requested")
    with pytest.raises(Conflict):
        login(world, system, until="requested")


def test_only_the_engagements_assigned_partner_people_get_logins(world: World) -> None:
    stranger = make_user("pillar.other", Role.PARTNER_SPECIALIST, world.pillar)
    with pytest.raises(services.NotAPartnerOnIt):
        login(world, acme_system(world), user=stranger)
    assert not SystemAccess.objects.exists()


def test_missing_access_names_each_person_and_system_the_workflow_needs(world: World) -> None:
    User.objects.filter(pk=world.user(Role.PARTNER_SPECIALIST).pk).update(
        first_name="Dana", last_name="Lee")
    ehr = acme_system(world)
    acme_system(world, "Eligibility portal", workflows=("eligibility",))
    login(world, ehr, user=world.user(Role.PARTNER_LEAD), account="lead")
    login(world, ehr, until="approved")
    missing = queries.missing_access(world.acme_engagement, "ar_followup")
    assert [m.sentence for m in missing] == ["Dana Lee has no granted login to Acme EHR"]
    assert missing[0].system == ehr


def test_a_lead_without_a_login_does_not_hold_up_production(world: World) -> None:
    """Production waits on the specialists' logins (they work the client's systems), not on
    the lead's, who may supervise without one."""
    ehr = acme_system(world)
    login(world, ehr)
    assert Assignment.objects.filter(engagement=world.acme_engagement,
                                     user=world.user(Role.PARTNER_LEAD)).exists()
    assert queries.missing_access(world.acme_engagement, "ar_followup") == []
