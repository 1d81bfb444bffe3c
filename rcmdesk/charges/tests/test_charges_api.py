"""The charges API: the tenant contract, entering a charge from JSON, conditional updates
(If-Match), discarding, checking and importing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from rcmdesk.api.testing import TenantResourceContract
from rcmdesk.charges import services
from rcmdesk.charges.tests.factories import charge_input
from rcmdesk.charges.tests.pages import birch_draft
from rcmdesk.charges.tests.test_imports import GOOD, HOSTILE
from rcmdesk.claims.models import Claim, ClaimStatus
from rcmdesk.conftest import sign_in
from rcmdesk.remits.models import JournalEntry
from rcmdesk.tenancy.roles import Role
from rcmdesk.tests.hostile import HUGE_NUMBER, deep_array


class TestDraftResource(TenantResourceContract):
    list_url = "/api/charges"
    # the fixed cost, the drafts (patient, payer, coverage, provider joined) in one query,
    # and one audit event per client listed: constant in the number of drafts
    list_query_budget = 15

    def detail_url(self, key):
        return f"/api/charges/{key}"

    def own_key(self, world):
        return str(Claim.objects.get(client=world.acme).pk)

    def foreign_key(self, world):
        return str(Claim.objects.get(client=world.birch).pk)

    @pytest.fixture(autouse=True)
    def _drafts(self, world):
        services.enter_claim(world.acme, charge_input(), acting_user=world.user(Role.CLIENT_STAFF))
        birch_draft(world)


LINE: dict[str, Any] = {"procedure": "99213", "charge": "125.00",
                        "service_date": "2026-11-02", "diagnosis_pointers": [1]}
BODY: dict[str, Any] = {
    "client": "acme",
    "patient": {"last_name": "DOE", "first_name": "JANE", "birth_date": "1980-05-17",
                "sex": "F"},
    "payer": {"payer_id": "60054", "name": "AETNA", "kind": "commercial"},
    "coverage": {"member_id": "W1"},
    "billing_provider": {"npi": "1234567893", "name": "ACME", "taxonomy": "207Q00000X"},
    "facility_code": "11", "diagnoses": ["E11.9"],
    "lines": [LINE],
}


def api(world, role=Role.CLIENT_STAFF):
    return sign_in(Client(), world.user(role))


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_charge_posted_as_json_becomes_a_draft_with_an_etag(world):
    response = post(api(world), "/api/charges", BODY)
    assert response.status_code == 201, response.content
    data = response.json()
    assert response["ETag"] == f'"{data["id"]}-1"'
    assert data["status"] == ClaimStatus.DRAFT
    assert data["diagnoses"] == [["ABK", "E119"]]
    assert not JournalEntry.objects.exists()


def test_a_charge_missing_essentials_is_a_400_naming_the_fields(world):
    response = post(api(world), "/api/charges", {**BODY, "lines": []})
    assert response.status_code == 400
    assert [p["field"] for p in response.json()["problems"]] == ["claim.lines"]


def test_a_charge_for_another_client_is_not_found(world):
    assert post(api(world), "/api/charges", {**BODY, "client": "birch"}).status_code == 404


def test_an_update_needs_the_etag_and_a_stale_one_fails(world):
    client = api(world)
    created = post(client, "/api/charges", BODY)
    url = f"/api/charges/{created.json()['id']}"
    changed = {**BODY, "facility_code": "22"}
    missing = client.put(url, json.dumps(changed), content_type="application/json")
    assert missing.status_code == 428
    ok = client.put(url, json.dumps(changed), content_type="application/json",
                    HTTP_IF_MATCH=created["ETag"])
    assert ok.status_code == 200
    assert ok.json()["facility_code"] == "22"
    stale = client.put(url, json.dumps(BODY), content_type="application/json",
                       HTTP_IF_MATCH=created["ETag"])
    assert stale.status_code == 412


def test_a_draft_is_discarded_with_its_etag(world):
    client = api(world)
    created = post(client, "/api/charges", BODY)
    url = f"/api/charges/{created.json()['id']}"
    assert client.delete(url, HTTP_IF_MATCH=created["ETag"]).status_code == 204
    assert not Claim.objects.exists()


def test_the_check_reports_findings_without_saving(world):
    body = {**BODY, "lines": [{**LINE, "modifiers": ["2"]}]}
    response = post(api(world), "/api/charges/check", body)
    assert response.status_code == 200
    data = response.json()
    assert data["scrubbed"] is True
    assert data["clean"] is False
    assert any(f["field"] == "line[1].modifiers" for f in data["findings"])
    assert not Claim.objects.exists()


def test_a_csv_is_imported_over_the_api(world):
    response = api(world).post("/api/charges/import", {
        "client": "acme", "file": SimpleUploadedFile("c.csv", GOOD.encode())})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == ["A100", "A101"]
    bad = api(world).post("/api/charges/import", {
        "client": "acme", "file": SimpleUploadedFile("c.csv", GOOD.replace(
            "125.00", "x").encode())})
    assert bad.status_code == 400
    assert bad.json()["problems"][0]["row"] == "row 2"


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_is_a_400_naming_where_and_which_limit(world, case):
    response = api(world).post("/api/charges/import", {
        "client": "acme", "file": SimpleUploadedFile(case.name, case.data)})
    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert (problem["row"], problem["field"]) == (case.row, case.field)
    assert case.says in problem["message"]
    assert not Claim.objects.exists()


@override_settings(RCMDESK_MAX_UPLOAD_BYTES=400)
def test_a_file_over_the_size_limit_is_a_400_with_its_size_and_the_limit(world):
    response = api(world).post("/api/charges/import", {
        "client": "acme", "file": SimpleUploadedFile("c.csv", GOOD.encode())})  # 451 bytes
    assert response.status_code == 400
    assert response.json()["problems"] == [{
        "row": "file", "field": "",
        "message": "The charge file is 451 bytes; the largest file accepted is 400 bytes."}]
    assert not Claim.objects.exists()


def raw_post(client, text: str):
    return client.post("/api/charges", text, content_type="application/json")


@pytest.mark.parametrize(("body", "says"), [
    (json.dumps({**BODY, "extension": 1}).replace("1}", deep_array() + "}"),
     "Element extension[0][0][0][0][0]…(55 more)…[0][0][0]: The document is nested more "
     "than 64 levels deep"),
    (json.dumps(BODY).replace('"125.00"', HUGE_NUMBER),
     "Element lines[0].charge: This number is longer than 30 digits"),
    (json.dumps(BODY).replace('"125.00"', "1e400"),
     "Element lines[0].charge: This number is longer than 30 digits"),
    (json.dumps(BODY).replace('"DOE"', '"D\\u0000OE"'),
     "Element patient.last_name: This element holds a NUL character"),
], ids=["nested past the cap", "a 100,000-digit number", "1e400", "a NUL in a string"])
def test_a_hostile_json_body_is_a_400_naming_the_element_and_the_limit(world, body, says):
    response = raw_post(api(world), body)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(says)
    assert not Claim.objects.exists()


def test_a_charge_too_large_for_a_claim_is_a_400_naming_the_line(world):
    response = raw_post(api(world), json.dumps(BODY).replace('"125.00"', "1e25"))
    assert response.status_code == 400
    assert response.json()["problems"] == [{"row": "", "field": "line[1].charge",
                                            "message": "A charge is at most 9,999,999,999.99."}]
    assert not Claim.objects.exists()
