"""The onboarding path read from the product's data, and the go-live service's rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from rcmdesk.audit.models import AuditEvent
from rcmdesk.engagements import services
from rcmdesk.engagements.checklist import onboarding
from rcmdesk.engagements.models import EngagementModel, WorkflowGoLive
from rcmdesk.engagements.services import OnboardingConflict, PlanProblem, PlanTerms
from rcmdesk.engagements.tests.support import Missing, make_plan, sampling, write_sop
from rcmdesk.reports.models import WeeklyReport
from rcmdesk.systemaccess import queries as access
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def step(path, key):
    return next(s for s in path.steps if s.key == key)


def test_the_checklist_is_computed_from_sops_sampling_plans_go_lives_and_reports(world):
    engagement = world.acme_engagement
    admin = world.user(Role.CLIENT_ADMIN)
    make_plan(engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    path = onboarding(engagement)
    assert step(path, "scope").done is False  # the kick-off is not ticked yet
    assert [c.done for c in step(path, "sops").checks if c.workflow] == [False, False]
    assert not step(path, "qa").done
    assert not step(path, "reporting").done
    assert path.stage == "onboarding"

    write_sop(world.acme, "ar_followup", author=admin)
    sampling(engagement, "ar_followup")
    WeeklyReport.objects.create(client=world.acme, week="2026-W40", html="x", sha256="0" * 64)
    path = onboarding(engagement)
    sops = {c.workflow: c for c in step(path, "sops").checks if c.workflow}
    assert sops["ar_followup"].done
    assert sops["ar_followup"].who == admin
    assert not sops["denials"].done
    qa = {c.workflow: c.done for c in step(path, "qa").checks}
    assert qa == {"ar_followup": True, "denials": False}
    assert [c.done for c in step(path, "reporting").checks if not c.manual] == [True]
    production = {c.workflow: c for c in step(path, "production").checks}
    assert production["ar_followup"].ready
    assert not production["denials"].ready
    assert "no SOP in force for Denials" in production["denials"].why


def test_a_managed_pod_is_checked_against_the_engagements_assignments(world):
    make_plan(world.acme_engagement, EngagementModel.MANAGED_POD, pod_specialists=2)
    staffing = step(onboarding(world.acme_engagement), "scope").checks[2]
    assert not staffing.done
    assert "1 of 2 specialists assigned" in staffing.why


def test_go_live_is_refused_without_an_sop_in_force(world):
    make_plan(world.acme_engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    with pytest.raises(OnboardingConflict, match="no SOP in force for AR follow-up"):
        services.record_go_live(world.acme_engagement, "ar_followup",
                                world.acme.today(), acting_user=world.user(Role.CLIENT_ADMIN))
    assert not WorkflowGoLive.objects.exists()


def test_go_live_is_refused_while_a_specialists_access_is_missing(world, monkeypatch):
    make_plan(world.acme_engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    write_sop(world.acme, "ar_followup")
    specialist = world.user(Role.PARTNER_SPECIALIST)
    monkeypatch.setattr(access, "missing_access",
                        lambda engagement, workflow: [Missing(specialist, "the payer portal")])
    with pytest.raises(OnboardingConflict,
                       match=r"pillar\.specialist has no granted login to the payer portal"):
        services.record_go_live(world.acme_engagement, "ar_followup",
                                world.acme.today(), acting_user=world.user(Role.CLIENT_ADMIN))
    access_step = step(onboarding(world.acme_engagement), "access")
    assert not access_step.done


def test_go_live_is_recorded_with_an_audit_event_and_the_last_workflow_makes_the_engagement_live(
        world):
    engagement = world.acme_engagement
    admin = world.user(Role.CLIENT_ADMIN)
    make_plan(engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    write_sop(world.acme, "ar_followup")
    write_sop(world.acme, "denials")
    today = world.acme.today()
    services.record_go_live(engagement, "ar_followup", today - timedelta(days=3),
                            acting_user=admin)
    plan = engagement.plan
    plan.refresh_from_db()
    assert plan.go_live_day is None
    services.record_go_live(engagement, "denials", today - timedelta(days=1), acting_user=admin)
    plan.refresh_from_db()
    assert plan.go_live_day == today - timedelta(days=1)
    actions = list(AuditEvent.objects.filter(action__startswith="engagements.")
                   .values_list("action", flat=True))
    assert actions.count("engagements.workflow_live") == 2
    assert actions.count("engagements.went_live") == 1
    assert onboarding(engagement).stage == "production"
    with pytest.raises(OnboardingConflict, match="already live"):
        services.record_go_live(engagement, "denials", today, acting_user=admin)


def test_go_live_cannot_be_recorded_for_a_day_still_to_come(world):
    make_plan(world.acme_engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    write_sop(world.acme, "ar_followup")
    with pytest.raises(PlanProblem, match="not before"):
        services.record_go_live(world.acme_engagement, "ar_followup",
                                world.acme.today() + timedelta(days=1),
                                acting_user=world.user(Role.CLIENT_ADMIN))


def test_a_partner_lead_cannot_record_go_live_or_set_the_model(world):
    lead = world.user(Role.PARTNER_LEAD)
    with pytest.raises(PermissionDenied):
        services.save_plan(world.acme_engagement, PlanTerms(model="managed_pod",
                                                            pod_specialists=1),
                           acting_user=lead)
    make_plan(world.acme_engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    with pytest.raises(PermissionDenied):
        services.record_go_live(world.acme_engagement, "ar_followup", world.acme.today(),
                                acting_user=lead)


def test_each_side_ticks_only_its_own_manual_items(world):
    lead, admin = world.user(Role.PARTNER_LEAD), world.user(Role.CLIENT_ADMIN)
    services.tick(world.acme_engagement, "kickoff", acting_user=lead)
    with pytest.raises(PermissionDenied):
        services.tick(world.acme_engagement, "report_recipients", acting_user=lead)
    with pytest.raises(PermissionDenied):
        services.tick(world.acme_engagement, "sop_walkthrough", acting_user=admin)
    services.tick(world.acme_engagement, "report_recipients", acting_user=admin)
    checks = {c.manual.key: c for s in onboarding(world.acme_engagement).steps
              for c in s.checks if c.manual}
    assert checks["kickoff"].done
    assert checks["kickoff"].who == lead
    assert checks["report_recipients"].who == admin
    assert not checks["sop_walkthrough"].done


def test_a_dedicated_plan_names_an_assigned_specialist(world):
    with pytest.raises(PlanProblem, match="Name the dedicated specialist"):
        services.save_plan(world.acme_engagement, PlanTerms(model="dedicated"),
                           acting_user=world.user(Role.CLIENT_ADMIN))
    plan = services.save_plan(world.acme_engagement,
                              PlanTerms(model="dedicated",
                                        specialist=world.user(Role.PARTNER_SPECIALIST)),
                              acting_user=world.user(Role.CLIENT_ADMIN))
    assert plan.specialist == world.user(Role.PARTNER_SPECIALIST)
    assert AuditEvent.objects.filter(action="engagements.plan_set").count() == 1
