"""The authorizations API: the tenant contract, manual entry, and asking the payer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rcmdesk.api.testing import TenantResourceContract
from rcmdesk.claims.models import Coverage
from rcmdesk.conftest import World, sign_in
from rcmdesk.intake.models import OutboundFile
from rcmdesk.priorauth.models import Authorization, AuthStatus
from rcmdesk.priorauth.tests.factories import make_auth, make_patient, make_payer
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


class TestAuthResource(TenantResourceContract):
    list_url = "/api/auths"
    viewer = Role.CLIENT_STAFF
    # The fixed cost (session, user, two device lookups twice), the authorizations in one
    # query, one audit event per client listed: constant in the number of authorizations.
    list_query_budget = 15

    def detail_url(self, key: str) -> str:
        return f"/api/auths/{key}"

    def own_key(self, world: World) -> str:
        return str(Authorization.objects.get(client=world.acme).pk)

    def foreign_key(self, world: World) -> str:
        return str(Authorization.objects.get(client=world.birch).pk)

    @pytest.fixture(autouse=True)
    def _auths(self, world: World) -> None:
        for client in (world.acme, world.birch):
            make_auth(client, make_patient(client), make_payer(client), ["97110"])


def api(world: World, role: Role = Role.CLIENT_STAFF) -> Client:
    return sign_in(Client(), world.user(role))


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_manual_authorization_is_created_with_its_history(world: World) -> None:
    patient, payer = make_patient(world.acme), make_payer(world.acme)
    response = post(api(world), "/api/auths", {
        "client": "acme", "patient_id": patient.pk, "payer_id": payer.pk,
        "codes": ["97110"], "status": "approved", "source": "fax",
        "certification_number": "FAX-1", "approved_units": "6"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["source"], body["certification_number"]) == (
        "approved", "fax", "FAX-1")
    assert [d["source"] for d in body["history"]] == ["fax"]


def test_a_278_source_cannot_be_entered_by_hand(world: World) -> None:
    patient, payer = make_patient(world.acme), make_payer(world.acme)
    response = post(api(world), "/api/auths", {
        "client": "acme", "patient_id": patient.pk, "payer_id": payer.pk,
        "codes": ["97110"], "status": "approved", "source": "278"})
    assert response.status_code == 400


def test_a_client_admin_may_not_create_one(world: World) -> None:
    patient, payer = make_patient(world.acme), make_payer(world.acme)
    response = post(api(world, Role.CLIENT_ADMIN), "/api/auths", {
        "client": "acme", "patient_id": patient.pk, "payer_id": payer.pk,
        "codes": ["97110"], "status": "approved"})
    assert response.status_code == 403


def test_asking_the_payer_answers_with_the_request_listed(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    Coverage.objects.create(client=world.acme, patient=patient, payer=payer, member_id="M9")
    auth = make_auth(world.acme, patient, payer, ["97110"], status=AuthStatus.PENDING)
    response = post(api(world), f"/api/auths/{auth.pk}/request", {"units": "4"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "requested"
    assert [r["trace"] for r in body["requests"]] == [body["reference"]]
    assert OutboundFile.objects.filter(set_id="278").count() == 1


def test_asking_about_another_clients_authorization_is_not_found(world: World) -> None:
    auth = make_auth(world.birch, make_patient(world.birch), make_payer(world.birch), ["1"])
    assert post(api(world), f"/api/auths/{auth.pk}/request", {}).status_code == 404
