"""/qa/plans/<id>/: one plan, its draws; client admins edit it."""

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


def edit(world: World, base: str) -> dict[str, str]:
    return {"workflow": "", "base_percent": base, "new_specialist_percent": "20",
            "new_specialist_days": "30", "after_failure_percent": "25",
            "after_failure_weeks": "2", "minimum_per_week": "2", "active": "on"}


def test_a_client_admin_raises_the_base_rate_and_the_change_is_audited(
        signed_in: Any, world: World) -> None:
    the_plan = plan(world.acme_engagement)
    response = signed_in(Role.CLIENT_ADMIN).post(f"/qa/plans/{the_plan.pk}/", edit(world, "8"))
    assert response.status_code == 302
    the_plan.refresh_from_db()
    assert str(the_plan.base_percent) == "8.00"
    event = AuditEvent.objects.get(action="qa.plan.saved")
    assert (event.detail["before"]["base_percent"], event.detail["after"]["base_percent"]) == (
        "5.00", "8.00")


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.CLIENT_ADMIN])
def test_no_other_role_edits_a_plan(signed_in: Any, world: World, role: Role) -> None:
    the_plan = plan(world.acme_engagement)
    response = signed_in(role).post(f"/qa/plans/{the_plan.pk}/", edit(world, "1"))
    assert response.status_code in (403, 404)
    assert str(SamplingPlan.objects.get().base_percent) == "5.00"


def test_the_auditor_sees_the_draw_form_and_the_client_the_edit_form(signed_in: Any,
                                                                     world: World) -> None:
    the_plan = plan(world.acme_engagement)
    qa = signed_in(Role.PARTNER_QA).get(f"/qa/plans/{the_plan.pk}/").content
    admin = signed_in(Role.CLIENT_ADMIN).get(f"/qa/plans/{the_plan.pk}/").content
    assert b'data-testid="draw-form"' in qa
    assert b'data-testid="plan-form"' not in qa
    assert b'data-testid="plan-form"' in admin
    assert b'data-testid="draw-form"' not in admin


def test_another_clients_plan_is_not_found(world: World) -> None:
    the_plan = plan(world.acme_engagement)
    assert sign_in(Client(), world.birch_admin).get(
        f"/qa/plans/{the_plan.pk}/").status_code == 404
