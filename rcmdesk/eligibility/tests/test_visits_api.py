"""/api/visits: list with counts, detail with benefits and history, create, import, request."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.eligibility.models import BenefitSummary, EligibilityResponse, Visit
from rcmdesk.eligibility.tests.builders import make_visit
from rcmdesk.eligibility.tests.test_imports import HOSTILE
from rcmdesk.tenancy.roles import Role
from rcmdesk.tests.hostile import Hostile

BASE = "/api/visits"


def api(world: World, role: Role = Role.CLIENT_STAFF) -> Client:
    return sign_in(Client(), world.user(role))


def test_the_list_counts_visits_by_status_and_hides_other_clients(world: World) -> None:
    mine = make_visit(world.acme)
    make_visit(world.birch)
    body = api(world).get(BASE).json()
    assert [v["id"] for v in body["visits"]] == [mine.pk]
    assert body["counts"]["scheduled"] == 1


def test_the_detail_has_benefits_with_explained_rejections(world: World) -> None:
    visit = make_visit(world.acme)
    answer = EligibilityResponse.objects.create(
        client=world.acme, visit=visit, key="k", status="rejected",
        rejections=[{"loop": "2100C", "valid": "N", "reason": "75", "action": "C"}])
    BenefitSummary.objects.create(client=world.acme, response=answer, service_type="30",
                                  status="unknown", copay_in=Decimal("5.00"))
    response = api(world).get(f"{BASE}/{visit.pk}")
    assert response.status_code == 200
    [got] = response.json()["responses"]
    assert got["rejections"][0]["explanation"] == (
        "The payer found no subscriber with these details.")
    assert got["benefits"][0]["copay_in"] == "5.00"
    assert AuditEvent.objects.filter(action="read", object_id=str(visit.pk)).exists()


def test_another_clients_visit_is_404(world: World) -> None:
    assert api(world).get(f"{BASE}/{make_visit(world.birch).pk}").status_code == 404


def visit_body(**extra: Any) -> dict[str, Any]:
    return {"client": "acme", "scheduled_on": "2026-12-01", "last_name": "Smith",
            "first_name": "John", "birth_date": "1963-05-19", "payer_id": "P1",
            "member_id": "M1", **extra}


def test_create_saves_a_visit_and_a_client_admin_may_not(world: World) -> None:
    created = api(world).post(BASE, visit_body(), content_type="application/json")
    assert created.status_code == 201
    assert created.json()["member_id"] == "M1"
    refused = api(world, Role.CLIENT_ADMIN).post(BASE, visit_body(),
                                                 content_type="application/json")
    assert refused.status_code == 403
    foreign = api(world).post(BASE, visit_body(client="birch"),
                              content_type="application/json")
    assert foreign.status_code == 404
    assert Visit.objects.count() == 1


def test_create_refuses_a_malformed_code(world: World) -> None:
    response = api(world).post(BASE, visit_body(procedures=["9921"]),
                               content_type="application/json")
    assert response.status_code == 400


def test_import_answers_400_with_row_errors_and_200_when_clean(world: World) -> None:
    header = "external_id,scheduled_on,patient_last_name,patient_first_name,patient_birth_date\n"
    bad = api(world).post(f"{BASE}/import", {"client": "acme", "file": SimpleUploadedFile(
        "v.csv", (header + "A1,2026-12-01,Smith,,1963-05-19\n").encode())})
    assert bad.status_code == 400
    assert bad.json()["errors"] == [{"row": 2, "column": "patient_first_name",
                                     "message": "required"}]
    good = api(world).post(f"{BASE}/import", {"client": "acme", "file": SimpleUploadedFile(
        "v.csv", (header + "A1,2026-12-01,Smith,John,1963-05-19\n").encode())})
    assert good.status_code == 200
    assert good.json()["created"] == 1


@override_settings(RCMDESK_MAX_UPLOAD_BYTES=64)
def test_a_file_over_the_size_limit_answers_400_with_its_size_and_the_limit(
        world: World) -> None:
    clean = ("external_id,scheduled_on,patient_last_name,patient_first_name,"
             "patient_birth_date\nA1,2026-12-01,Smith,John,1963-05-19\n")
    response = api(world).post(f"{BASE}/import", {"client": "acme", "file": SimpleUploadedFile(
        "v.csv", clean.encode())})
    assert response.status_code == 400
    assert response.json()["errors"] == [{
        "row": 0, "column": "file",
        "message": f"The visits file is {len(clean)} bytes; the largest file accepted is "
                   "64 bytes."}]
    assert not Visit.objects.exists()


def test_request_writes_a_270_for_the_visits(world: World) -> None:
    visit = make_visit(world.acme)
    response = api(world).post(f"{BASE}/request", {"visit_ids": [visit.pk]},
                               content_type="application/json")
    assert response.status_code == 201
    assert response.json()["visits"] == 1
    foreign = api(world).post(f"{BASE}/request", {"visit_ids": [make_visit(world.birch).pk]},
                              content_type="application/json")
    assert foreign.status_code == 404


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_import_is_a_400_naming_where_and_which_limit(world: World,
                                                               case: Hostile) -> None:
    response = api(world).post(f"{BASE}/import", {
        "client": "acme", "file": SimpleUploadedFile(case.name, case.data)})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["row"], error["column"]) == (case.row, case.field)
    assert case.says in error["message"]
    assert not Visit.objects.exists()
