"""The escalations API: the tenant contract, raising, the thread and transitions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rcmdesk.api.testing import TenantResourceContract
from rcmdesk.conftest import World, sign_in
from rcmdesk.escalations.models import Escalation
from rcmdesk.escalations.tests.factories import birch_escalation, raise_one
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


class TestEscalationResource(TenantResourceContract):
    list_url = "/api/escalations"
    viewer = Role.CLIENT_STAFF
    # The fixed cost, the escalations with their users in one query, one audit per client.
    list_query_budget = 15

    def detail_url(self, key: str) -> str:
        return f"/api/escalations/{key}"

    def own_key(self, world: World) -> str:
        return str(Escalation.objects.get(client=world.acme).pk)

    def foreign_key(self, world: World) -> str:
        return str(Escalation.objects.get(client=world.birch).pk)

    @pytest.fixture(autouse=True)
    def _escalations(self, world: World) -> None:
        raise_one(world)
        birch_escalation(world)


def api(world: World, role: Role) -> Client:
    return sign_in(Client(), world.user(role))


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_partner_raises_one_and_the_owner_answers_over_the_api(world: World) -> None:
    response = post(api(world, Role.PARTNER_SPECIALIST), "/api/escalations", {
        "client": "acme", "kind": "payer_stuck", "subject": "Payer silent",
        "body": "Four calls, no answer."})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["owner"], body["status"], body["overdue"]) == ("pillar.lead", "open", False)
    lead = api(world, Role.PARTNER_LEAD)
    url = f"/api/escalations/{body['id']}"
    assert post(lead, f"{url}/messages", {"body": "Looking."}).status_code == 201
    done = post(lead, f"{url}/transition", {"action": "respond", "version": 1,
                                            "note": "Payer will reprocess."})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "responded"
    assert [m["body"] for m in done.json()["messages"]] == ["Looking.", "Payer will reprocess."]
    stale = post(lead, f"{url}/transition", {"action": "resolve", "version": 1})
    assert stale.status_code == 409


def test_refusals_answer_403_400_and_404(world: World) -> None:
    esc = raise_one(world)
    url = f"/api/escalations/{esc.pk}/transition"
    assert post(api(world, Role.PARTNER_SPECIALIST), url,
                {"action": "resolve", "version": 1}).status_code == 403
    assert post(api(world, Role.PARTNER_LEAD), url,
                {"action": "explode", "version": 1}).status_code == 400
    foreign = birch_escalation(world)
    assert post(api(world, Role.CLIENT_MANAGER), f"/api/escalations/{foreign.pk}/messages",
                {"body": "hi"}).status_code == 404
    assert post(api(world, Role.CLIENT_STAFF), "/api/escalations", {
        "client": "birch", "kind": "other", "subject": "s", "body": "b"}).status_code == 404


def test_the_list_filters_overdue(world: World) -> None:
    esc = raise_one(world)
    rows = api(world, Role.CLIENT_STAFF).get("/api/escalations?overdue=true").json()
    assert rows == []
    Escalation.objects.filter(pk=esc.pk).update(response_due_at="2020-01-01T00:00:00Z")
    rows = api(world, Role.PARTNER_LEAD).get("/api/escalations?overdue=true").json()
    assert [(r["id"], r["overdue"]) for r in rows] == [(esc.pk, True)]


def test_an_owner_nobody_has_is_refused_in_the_words_used_for_another_tenants_user(
        world: World) -> None:
    specialist, manager = api(world, Role.PARTNER_SPECIALIST), api(world, Role.CLIENT_MANAGER)
    esc = raise_one(world)

    def answers(owner: str) -> list[tuple[int, str]]:
        raised = post(specialist, "/api/escalations", {
            "client": "acme", "kind": "other", "subject": "s", "body": "b", "owner": owner})
        moved = post(manager, f"/api/escalations/{esc.pk}/transition", {
            "action": "reassign", "version": 1, "owner": owner})
        return [(r.status_code, r.content.decode().replace(owner, "NAME"))
                for r in (raised, moved)]

    assert answers("birch.admin") == answers("no.such.person") == [
        (400, '{"detail": "NAME cannot own escalations for this client."}')] * 2
