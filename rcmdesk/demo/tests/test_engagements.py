"""The demo opens with engagements in production and one in onboarding (issue 21)."""

import pytest

from rcmdesk.demo.backoffice import build_backoffice
from rcmdesk.demo.controls import build_controls
from rcmdesk.demo.engagements import CLEANUP, build_engagements
from rcmdesk.demo.services import build_demo
from rcmdesk.engagements.checklist import onboarding
from rcmdesk.engagements.models import EngagementPlan, ManualCheck, WorkflowGoLive
from rcmdesk.engagements.progress import burndown
from rcmdesk.tenancy.models import Assignment, Engagement

CLAIMS = 30


def counts():
    return tuple(m.objects.count() for m in (EngagementPlan, ManualCheck, WorkflowGoLive,
                                             Engagement, Assignment))


@pytest.mark.django_db
def test_the_demo_opens_with_a_dedicated_engagement_live_and_a_clean_up_in_onboarding():
    build_demo()
    build_backoffice(CLAIMS)
    build_controls()
    summary = build_engagements()
    assert summary is not None
    acme = onboarding(Engagement.objects.get(name="Acme AR and denials"))
    assert (acme.stage, acme.plan.model) == ("production", "dedicated")
    assert all(step.done for step in acme.steps)
    assert acme.plan is not None
    assert acme.plan.go_live_day is not None
    assert acme.plan.go_live_day <= acme.engagement.client.today()
    birch = onboarding(Engagement.objects.get(name="Birch front end"))
    assert (birch.stage, birch.plan.model) == ("production", "managed_pod")
    cedar = onboarding(Engagement.objects.get(name="Cedar backlog clean-up (ended)"))
    assert (cedar.stage, cedar.plan.model) == ("ended", "backlog_cleanup")
    cleanup = onboarding(Engagement.objects.get(name=CLEANUP))
    assert (cleanup.stage, cleanup.plan.model) == ("onboarding", "backlog_cleanup")
    done = {step.key: step.done for step in cleanup.steps}
    assert done["scope"]
    assert not done["sops"]
    assert not done["production"]
    assert cleanup.plan is not None
    progress = burndown(cleanup.plan)
    assert progress is not None
    assert progress.target_date > progress.frozen_on
    assert list(Assignment.objects.filter(engagement__name=CLEANUP)
                .values_list("user__username", flat=True)) == ["pillar.lead"]


@pytest.mark.django_db
def test_a_second_engagements_run_adds_nothing():
    build_demo()
    build_backoffice(CLAIMS)
    build_controls()
    first = build_engagements()
    before = counts()
    assert build_engagements() == first
    assert counts() == before
