"""The tenancy API: clients, engagements, scope and assignments."""

from datetime import date

import pytest
from django.test import Client

from rcmdesk.accounts.models import ApiToken
from rcmdesk.api.testing import TenantResourceContract
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.models import Engagement
from rcmdesk.tenancy.roles import Role


class TestEngagementResource(TenantResourceContract):
    list_url = "/api/engagements"
    viewer = Role.PARTNER_SPECIALIST

    def detail_url(self, key):
        return f"/api/engagements/{key}"

    def own_key(self, world):
        return str(world.acme_engagement.pk)

    def foreign_key(self, world):
        return str(world.birch_engagement.pk)


class TestClientResource(TenantResourceContract):
    list_url = "/api/clients"
    audits_detail_reads = False

    def detail_url(self, key):
        return f"/api/clients/{key}"

    def own_key(self, world):
        return "acme"

    def foreign_key(self, world):
        return "birch"


def put_scope(client, engagement, scope):
    return client.put(f"/api/engagements/{engagement.pk}/scope", {"scope": scope},
                      content_type="application/json")


def test_the_client_admin_changes_scope_through_the_api(world):
    response = put_scope(sign_in(Client(), world.user(Role.CLIENT_ADMIN)),
                         world.acme_engagement, ["posting"])
    assert response.status_code == 200
    assert response.json()["scope"] == ["posting"]


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.CLIENT_STAFF])
def test_other_members_of_the_tenant_get_403_on_scope(world, role):
    response = put_scope(sign_in(Client(), world.user(role)), world.acme_engagement, ["posting"])
    assert response.status_code == 403


def test_a_client_id_in_the_body_is_ignored(world):
    admin = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    response = admin.post("/api/engagements", {
        "partner": "pillar", "name": "Sneaky", "scope": ["posting"],
        "start_date": date.today().isoformat(), "client": "birch", "client_id": world.birch.pk,
    }, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["client"] == "acme"
    assert Engagement.objects.get(name="Sneaky").client == world.acme


def test_partners_cannot_create_engagements(world):
    lead = sign_in(Client(), world.user(Role.PARTNER_LEAD))
    response = lead.post("/api/engagements", {
        "partner": "pillar", "name": "Self-granted", "scope": ["posting"],
        "start_date": date.today().isoformat()}, content_type="application/json")
    assert response.status_code == 403


def test_a_bearer_token_authenticates_api_calls(world):
    _, raw = ApiToken.issue(world.user(Role.PARTNER_SPECIALIST), "script")
    response = Client().get("/api/clients", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()] == ["acme"]


def test_a_revoked_token_is_refused(world):
    token, raw = ApiToken.issue(world.user(Role.PARTNER_SPECIALIST), "script")
    token.revoked_at = token.created_at
    token.save()
    assert Client().get("/api/clients", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_tokens_are_issued_only_to_a_verified_session(world):
    specialist = world.user(Role.PARTNER_SPECIALIST)
    _, raw = ApiToken.issue(specialist, "script")
    response = Client().post("/api/tokens", {"name": "chained"}, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    response = sign_in(Client(), specialist).post("/api/tokens", {"name": "mine"},
                                                  content_type="application/json")
    assert response.status_code == 201
    assert response.json()["token"].startswith("rcm_")


def test_the_openapi_document_is_served(world):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/engagements/{engagement_id}" in response.json()["paths"]


def test_a_lead_assigns_and_unassigns_through_the_api(world):
    from rcmdesk.conftest import make_user

    make_user("pillar.new", Role.PARTNER_SPECIALIST, world.pillar)
    lead = sign_in(Client(), world.user(Role.PARTNER_LEAD))
    url = f"/api/engagements/{world.acme_engagement.pk}/assignments"
    created = lead.post(url, {"username": "pillar.new"}, content_type="application/json")
    assert created.status_code == 201
    removed = lead.delete(f"{url}/{created.json()['id']}")
    assert removed.status_code == 204
