"""/api/qa: the tenant contract for audits, and plans, draws, scoring and accuracy by role."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rcmdesk.api.testing import TenantResourceContract
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.qa.models import Audit, SamplingPlan
from rcmdesk.qa.tests.factories import WEEK, birch_audit, done_items, drawn, plan
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


class TestAuditResource(TenantResourceContract):
    list_url = "/api/qa/audits"
    viewer = Role.CLIENT_STAFF
    list_query_budget = 16

    def detail_url(self, key: str) -> str:
        return f"/api/qa/audits/{key}"

    def own_key(self, world: World) -> str:
        return str(Audit.objects.filter(client=world.acme).first().pk)  # type: ignore[union-attr]

    def foreign_key(self, world: World) -> str:
        return str(Audit.objects.get(client=world.birch).pk)

    @pytest.fixture(autouse=True)
    def _audits(self, world: World) -> None:
        drawn(world.acme_engagement, world.user(Role.PARTNER_QA),
              world.user(Role.PARTNER_SPECIALIST), count=2)
        birch_audit(world)


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_client_admin_creates_and_changes_a_plan(world: World) -> None:
    admin = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    made = post(admin, "/api/qa/plans", {"engagement_id": world.acme_engagement.pk,
                                         "workflow": "ar_followup", "base_percent": "7.5"})
    assert made.status_code == 201, made.content
    plan_id = made.json()["id"]
    changed = admin.put(f"/api/qa/plans/{plan_id}", json.dumps(
        {"workflow": "ar_followup", "base_percent": "10", "minimum_per_week": 4}),
        content_type="application/json")
    assert changed.status_code == 200
    assert (changed.json()["base_percent"], changed.json()["minimum_per_week"]) == ("10.00", 4)


def test_listing_plans_and_draws_is_audited_as_a_listing_naming_them(world: World) -> None:
    done_items(world.acme_engagement, world.user(Role.PARTNER_SPECIALIST), 3)
    the_plan = plan(world.acme_engagement, minimum_per_week=3)
    qa = sign_in(Client(), world.user(Role.PARTNER_QA))
    draw_id = post(qa, "/api/qa/draws", {"plan_id": the_plan.pk, "week": WEEK}).json()["id"]
    assert qa.get("/api/qa/plans").status_code == 200
    assert qa.get("/api/qa/draws").status_code == 200
    plans = AuditEvent.objects.get(action="list", object_type="qa.samplingplan")
    draws = AuditEvent.objects.get(action="list", object_type="qa.sampledraw")
    assert (plans.client_org_id, plans.detail) == (world.acme.pk, {"plans": [the_plan.pk]})
    assert (draws.client_org_id, draws.detail) == (world.acme.pk, {"draws": [draw_id]})
    assert not AuditEvent.objects.filter(action="read").exists()


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.CLIENT_ADMIN])
def test_no_other_role_creates_a_plan(world: World, role: Role) -> None:
    client = sign_in(Client(), world.user(role))
    response = post(client, "/api/qa/plans", {"engagement_id": world.acme_engagement.pk})
    assert response.status_code == 403
    assert not SamplingPlan.objects.exists()


def test_the_auditor_draws_scores_and_the_specialist_acknowledges(world: World) -> None:
    done_items(world.acme_engagement, world.user(Role.PARTNER_SPECIALIST), 3)
    the_plan = plan(world.acme_engagement, minimum_per_week=3)
    qa = sign_in(Client(), world.user(Role.PARTNER_QA))
    made = post(qa, "/api/qa/draws", {"plan_id": the_plan.pk, "week": WEEK, "seed": 4})
    assert made.status_code == 201, made.content
    assert (made.json()["seed"], made.json()["sampled"]) == (4, 3)
    again = post(qa, "/api/qa/draws", {"plan_id": the_plan.pk, "week": WEEK, "seed": 5})
    assert again.status_code == 400
    audit_id = made.json()["audit_ids"][0]
    points = qa.get(f"/api/qa/audits/{audit_id}").json()["points"]
    marks = [{"result": "fail", "comment": "no note"}] + [{"result": "pass"}] * (len(points) - 1)
    scored = post(qa, f"/api/qa/audits/{audit_id}/submit", {"points": marks})
    assert scored.status_code == 200, scored.content
    assert scored.json()["feedback_item_id"] is not None
    specialist = sign_in(Client(), world.user(Role.PARTNER_SPECIALIST))
    acked = post(specialist, f"/api/qa/audits/{audit_id}/acknowledge", {"note": "ok"})
    assert acked.status_code == 200
    assert acked.json()["acknowledged_at"] is not None
    rows = specialist.get(f"/api/qa/accuracy?week={WEEK}").json()
    assert rows[0]["audits"] == 1
    assert rows[0]["fails"] == 1


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.PARTNER_QA])
def test_no_other_role_submits_scores(world: World, role: Role) -> None:
    audit = drawn(world.acme_engagement, world.user(Role.PARTNER_QA),
                  world.user(Role.PARTNER_SPECIALIST), count=1)[1][0]
    marks = [{"result": "pass"}] * audit.points.count()
    response = post(sign_in(Client(), world.user(role)), f"/api/qa/audits/{audit.pk}/submit",
                    {"points": marks})
    assert response.status_code in (403, 404)
    assert Audit.objects.get(pk=audit.pk).status == "pending"


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.PARTNER_QA])
def test_no_other_role_draws(world: World, role: Role) -> None:
    the_plan = plan(world.acme_engagement)
    response = post(sign_in(Client(), world.user(role)), "/api/qa/draws",
                    {"plan_id": the_plan.pk, "week": WEEK})
    assert response.status_code in (403, 404)


def test_a_plan_sized_for_a_precision_through_the_api_draws_the_calculators_size(
        world: World) -> None:
    done_items(world.acme_engagement, world.user(Role.PARTNER_SPECIALIST), 100)
    admin = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    made = post(admin, "/api/qa/plans", {
        "engagement_id": world.acme_engagement.pk, "method": "precision",
        "precision_points": "10", "expected_error_percent": "10", "minimum_per_week": 0})
    assert made.status_code == 201, made.content
    assert (made.json()["method"], made.json()["confidence_percent"]) == ("precision", "90.0")
    qa = sign_in(Client(), world.user(Role.PARTNER_QA))
    drawn_now = post(qa, "/api/qa/draws", {"plan_id": made.json()["id"], "week": WEEK}).json()
    assert drawn_now["design"]["n"] == drawn_now["sampled"] == 20  # 24.4 / (1 + 23.4 / 100)


def test_an_unknown_method_or_a_precision_out_of_range_is_refused(world: World) -> None:
    admin = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    for wrong in ({"method": "hunch"}, {"method": "precision", "precision_points": "80"}):
        answer = post(admin, "/api/qa/plans", {"engagement_id": world.acme_engagement.pk,
                                               **wrong})
        assert answer.status_code == 400, answer.content
    assert not SamplingPlan.objects.exists()
