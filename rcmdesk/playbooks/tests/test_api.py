"""The playbook API: the tenant contract, versions, who may write them, the SOP for an item."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rcmdesk.api.testing import TenantResourceContract
from rcmdesk.conftest import World, sign_in
from rcmdesk.playbooks.models import SopDocument
from rcmdesk.playbooks.tests.factories import add_version, make_sop
from rcmdesk.playbooks.tests.test_editing import PARTNER_AND_CLIENT_NON_ADMINS
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind
from rcmdesk.workqueue.tests.factories import make_item

pytestmark = pytest.mark.django_db


class TestSopResource(TenantResourceContract):
    list_url = "/api/playbook/sops"
    viewer = Role.PARTNER_SPECIALIST
    audits_detail_reads = False  # an SOP is the client's procedure, not patient data
    list_query_budget = 12

    def detail_url(self, key: str) -> str:
        return f"/api/playbook/sops/{key}"

    def own_key(self, world: World) -> str:
        return str(SopDocument.objects.get(client=world.acme).pk)

    def foreign_key(self, world: World) -> str:
        return str(SopDocument.objects.get(client=world.birch).pk)

    @pytest.fixture(autouse=True)
    def _sops(self, world: World) -> None:
        make_sop(world)
        make_sop(world, client=world.birch, workflow="eligibility")


def api(world: World, role: Role = Role.CLIENT_ADMIN) -> Client:
    return sign_in(Client(), world.user(role))


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


VERSION = {"body": "New **text**.", "change_note": "portal moved", "checklist": ["A", " "]}


def test_a_document_comes_with_every_version_newest_first(world: World) -> None:
    doc = make_sop(world)
    add_version(world, doc, "Second.")
    body = api(world, Role.PARTNER_QA).get(f"/api/playbook/sops/{doc.pk}").json()
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["latest_version"] == 2
    assert body["versions"][1]["html"] == "<p>Read the <strong>CARC</strong> first.</p>\n"


def test_a_client_admin_adds_a_version(world: World) -> None:
    doc = make_sop(world)
    response = post(api(world), f"/api/playbook/sops/{doc.pk}/versions", VERSION)
    assert response.status_code == 201, response.content
    newest = response.json()["versions"][0]
    assert (newest["number"], newest["checklist"], newest["author"]) == (2, ["A"],
                                                                       "acme.admin")


def test_a_version_without_a_change_note_is_refused(world: World) -> None:
    doc = make_sop(world)
    response = post(api(world), f"/api/playbook/sops/{doc.pk}/versions",
                    {**VERSION, "change_note": ""})
    assert response.status_code == 400
    assert doc.versions.count() == 1


@pytest.mark.parametrize("role", PARTNER_AND_CLIENT_NON_ADMINS)
def test_no_other_role_adds_a_version(world: World, role: Role) -> None:
    doc = make_sop(world)
    response = post(api(world, role), f"/api/playbook/sops/{doc.pk}/versions", VERSION)
    assert response.status_code == 403
    assert doc.versions.count() == 1


def test_another_clients_admin_cannot_add_a_version(world: World) -> None:
    doc = make_sop(world)
    response = post(sign_in(Client(), world.birch_admin),
                    f"/api/playbook/sops/{doc.pk}/versions", VERSION)
    assert response.status_code == 404


def test_the_sop_in_force_for_an_item_and_its_checklist(world: World) -> None:
    doc = make_sop(world, checklist=["CARC read"])
    item = make_item(world.acme, 1, kind=ItemKind.DENIAL)
    body = api(world, Role.PARTNER_SPECIALIST).get(f"/api/playbook/items/{item.pk}/sop").json()
    assert body["sop"]["id"] == doc.pk
    assert body["version"]["number"] == 1
    assert body["checklist"] == ["CARC read"]


def test_an_item_without_an_sop_gets_the_default_checklist(world: World) -> None:
    item = make_item(world.acme, 1, kind=ItemKind.DENIAL)
    body = api(world, Role.PARTNER_SPECIALIST).get(f"/api/playbook/items/{item.pk}/sop").json()
    assert body["sop"] is None
    assert len(body["checklist"]) >= 3


def test_another_clients_item_is_not_found(world: World) -> None:
    item = make_item(world.birch, 1, kind=ItemKind.ELIGIBILITY)
    response = api(world, Role.PARTNER_SPECIALIST).get(f"/api/playbook/items/{item.pk}/sop")
    assert response.status_code == 404


def test_listing_another_clients_sops_by_name_is_not_found(world: World) -> None:
    assert api(world).get("/api/playbook/sops?client=birch").status_code == 404


def test_a_partner_reads_no_sop_of_a_workflow_outside_its_scope(world: World) -> None:
    mine = make_sop(world, "Denials SOP")
    front = make_sop(world, "Front desk SOP", workflow="eligibility")
    partner = api(world, Role.PARTNER_SPECIALIST)
    assert [s["id"] for s in partner.get("/api/playbook/sops").json()] == [mine.pk]
    assert [s["id"] for s in partner.get("/api/playbook/sops?client=acme").json()] == [mine.pk]
    hidden = partner.get(f"/api/playbook/sops/{front.pk}")
    missing = partner.get("/api/playbook/sops/987654")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    staff = api(world, Role.CLIENT_STAFF)
    assert {s["id"] for s in staff.get("/api/playbook/sops").json()} == {mine.pk, front.pk}
