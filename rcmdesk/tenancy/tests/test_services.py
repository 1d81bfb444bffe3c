"""Engagement scope, assignments and break-glass: who may change them, and the trail they leave."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import make_user
from rcmdesk.tenancy import services
from rcmdesk.tenancy.models import BreakGlassGrant
from rcmdesk.tenancy.roles import Role, Workflow
from rcmdesk.tenancy.visibility import forget_visibility, visibility_for


def last_event(action):
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


def test_a_client_admin_changes_scope_and_the_change_is_audited(world):
    admin = world.user(Role.CLIENT_ADMIN)
    services.change_scope(world.acme_engagement, ["denials", "posting"], acting_user=admin)
    event = last_event("scope_changed")
    assert event.client_org_id == world.acme.pk
    assert event.detail == {"before": ["ar_followup", "denials"], "after": ["denials", "posting"]}
    specialist = world.user(Role.PARTNER_SPECIALIST)
    forget_visibility(specialist)
    assert visibility_for(specialist).can_see(world.acme.pk, Workflow.POSTING)


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, Role.CLIENT_STAFF, Role.PARTNER_LEAD,
                                  Role.PARTNER_SPECIALIST, Role.PARTNER_QA])
def test_nobody_but_the_client_admin_changes_scope(world, role):
    with pytest.raises(PermissionDenied):
        services.change_scope(world.acme_engagement, list(Workflow), acting_user=world.user(role))


def test_another_clients_admin_cannot_even_find_the_engagement(world):
    with pytest.raises(Http404):
        services.change_scope(world.acme_engagement, ["posting"], acting_user=world.birch_admin)


def test_unknown_workflows_are_refused(world):
    with pytest.raises(ValidationError):
        services.change_scope(world.acme_engagement, ["coding"],
                              acting_user=world.user(Role.CLIENT_ADMIN))


def test_a_partner_lead_assigns_their_own_staff(world):
    newcomer = make_user("pillar.new", Role.PARTNER_SPECIALIST, world.pillar)
    services.assign(world.acme_engagement, newcomer, acting_user=world.user(Role.PARTNER_LEAD))
    assert visibility_for(newcomer).client_ids == {world.acme.pk}
    assert last_event("assigned").detail["user"] == "pillar.new"


def test_a_lead_cannot_assign_client_staff_to_a_partner_engagement(world):
    with pytest.raises(ValidationError):
        services.assign(world.acme_engagement,
                        world.user(Role.CLIENT_STAFF), acting_user=world.user(Role.PARTNER_LEAD))


def test_a_specialist_cannot_assign_anyone(world):
    with pytest.raises(PermissionDenied):
        services.assign(world.acme_engagement,
                        world.user(Role.PARTNER_QA),
                        acting_user=world.user(Role.PARTNER_SPECIALIST))


def test_a_lead_cannot_assign_on_an_engagement_they_are_not_on(world):
    with pytest.raises(Http404):
        services.assign(world.birch_engagement,
                        world.user(Role.PARTNER_SPECIALIST),
                        acting_user=world.user(Role.PARTNER_LEAD))


def test_engagements_must_end_after_they_start(world):
    with pytest.raises(ValidationError):
        services.end_engagement(world.acme_engagement,
                                world.acme_engagement.start_date - timedelta(days=1),
                                acting_user=world.user(Role.CLIENT_ADMIN))


def test_creating_an_engagement_is_audited_on_the_clients_trail(world):
    spec = services.EngagementSpec(partner=world.pillar, name="Acme posting",
                                   scope=["posting"], start_date=date.today())
    engagement = services.create_engagement(world.acme, spec,
                                            acting_user=world.user(Role.CLIENT_ADMIN))
    event = last_event("create")
    assert (event.object_id, event.client_org_id) == (str(engagement.pk), world.acme.pk)


def test_break_glass_needs_a_real_reason(world):
    with pytest.raises(ValidationError):
        services.open_break_glass(world.acme, "because",
                                  acting_user=world.user(Role.PLATFORM_ADMIN))


def test_break_glass_is_time_boxed(world):
    with pytest.raises(ValidationError):
        services.open_break_glass(world.acme,
                                  "Investigating a reported data corruption issue",
                                  acting_user=world.user(Role.PLATFORM_ADMIN),
                                  duration=timedelta(hours=8))


def test_only_platform_admins_break_glass(world):
    with pytest.raises(PermissionDenied):
        services.open_break_glass(world.birch,
                                  "Investigating a reported data corruption issue",
                                  acting_user=world.user(Role.PARTNER_LEAD))


def test_break_glass_lands_on_the_clients_own_audit_trail(world):
    admin = world.user(Role.PLATFORM_ADMIN)
    grant = services.open_break_glass(world.acme,
                                      "Investigating a reported data corruption issue",
                                      acting_user=admin)
    event = last_event("break_glass_opened")
    assert event.client_org_id == world.acme.pk
    assert "corruption" in event.detail["reason"]
    services.close_break_glass(grant, acting_user=admin)
    forget_visibility(admin)
    assert visibility_for(admin).client_ids == frozenset()
    assert BreakGlassGrant.objects.get(pk=grant.pk).ended_at is not None
