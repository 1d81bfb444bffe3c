"""/qa/plans/: the plans a user sees; client admins add them (the client owns QA)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.qa.models import SamplingPlan
from rcmdesk.qa.tests.factories import plan
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def new_plan(world: World, **extra: str) -> dict[str, Any]:
    return {"engagement": world.acme_engagement.pk, "workflow": "denials",
            "base_percent": "5", "new_specialist_percent": "20", "new_specialist_days": "30",
            "after_failure_percent": "25", "after_failure_weeks": "2",
            "minimum_per_week": "3", "active": "on", **extra}


def test_a_client_admin_adds_a_plan_and_it_is_audited(signed_in: Any, world: World) -> None:
    response = signed_in(Role.CLIENT_ADMIN).post("/qa/plans/", new_plan(world))
    assert response.status_code == 302
    made = SamplingPlan.objects.get()
    assert (made.workflow, made.minimum_per_week, made.created_by) == (
        "denials", 3, world.user(Role.CLIENT_ADMIN))
    assert AuditEvent.objects.filter(action="qa.plan.created", object_id=str(made.pk)).exists()


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.CLIENT_ADMIN])
def test_no_other_role_adds_a_plan(signed_in: Any, world: World, role: Role) -> None:
    response = signed_in(role).post("/qa/plans/", new_plan(world))
    assert response.status_code == 403
    assert not SamplingPlan.objects.exists()


def test_a_workflow_outside_the_engagement_scope_is_refused(signed_in: Any,
                                                          world: World) -> None:
    response = signed_in(Role.CLIENT_ADMIN).post("/qa/plans/",
                                                 new_plan(world, workflow="posting"))
    assert response.status_code == 400
    assert b"not in the engagement" in response.content


def test_another_clients_engagement_is_not_a_choice(signed_in: Any, world: World) -> None:
    body = new_plan(world, engagement=str(world.birch_engagement.pk), workflow="")
    assert signed_in(Role.CLIENT_ADMIN).post("/qa/plans/", body).status_code == 400
    assert not SamplingPlan.objects.exists()


def test_plans_are_listed_to_both_sides_but_not_to_a_stranger(signed_in: Any,
                                                             world: World) -> None:
    plan(world.acme_engagement)
    for role in (Role.CLIENT_STAFF, Role.PARTNER_QA, Role.PARTNER_LEAD):
        assert b'data-testid="plan-link"' in signed_in(role).get("/qa/plans/").content
    stranger = signed_in(Role.PLATFORM_ADMIN).get("/qa/plans/")
    assert stranger.status_code == 403


def test_another_clients_admin_does_not_see_the_plan(world: World) -> None:
    plan(world.acme_engagement)
    page = sign_in(Client(), world.birch_admin).get("/qa/plans/")
    assert b'data-testid="plan-link"' not in page.content
