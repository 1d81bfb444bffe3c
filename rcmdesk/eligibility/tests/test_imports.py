"""Importing visits: CSV and FHIR Appointment bundles, all rows or none, re-import updates."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.eligibility.imports import MISSHAPEN, import_visits
from rcmdesk.eligibility.models import Visit, VisitSource, VisitStatus
from rcmdesk.tenancy.roles import Role
from rcmdesk.tests.hostile import (
    EXTENSION,
    LONG_CELL,
    LONG_CELL_SAYS,
    NUL,
    NUL_SAYS,
    Hostile,
    fhir_cases,
)
from rcmdesk.workqueue.models import ItemKind, WorkItem

HEADER = ("external_id,scheduled_on,patient_last_name,patient_first_name,patient_birth_date,"
          "patient_sex,payer_id,member_id,provider_npi,service_types,procedures\n")
ROW_1 = "A1,2026-12-01,Smith,John,1963-05-19,M,841610001,123456789,1234567893,30 98,99213\n"
ROW_2 = "A2,2026-12-02,Jones,Ann,1970-02-03,F,841610001,M2,,,\n"


def run(world: World, text: str, name: str = "visits.csv") -> Any:
    return import_visits(world.acme, text.encode(), name, acting_user=world.user(Role.CLIENT_STAFF))


def test_a_csv_creates_visits_with_patients_payers_and_coverage(world: World) -> None:
    result = run(world, HEADER + ROW_1 + ROW_2)
    assert result.ok
    assert (result.created, result.updated) == (2, 0)
    visit = Visit.objects.get(external_id="A1")
    assert visit.source == VisitSource.CSV
    assert visit.scheduled_on == date(2026, 12, 1)
    assert (visit.patient.last_name, visit.patient.birth_date) == ("Smith", date(1963, 5, 19))
    assert visit.coverage is not None
    assert visit.coverage.member_id == "123456789"
    assert visit.provider is not None
    assert visit.provider.npi == "1234567893"
    assert (visit.service_types, visit.procedures) == (["30", "98"], ["99213"])
    assert Visit.objects.get(external_id="A2").service_types == ["30"]
    assert AuditEvent.objects.filter(action="eligibility.visits_imported").count() == 1


def test_importing_the_same_file_again_updates_instead_of_duplicating(world: World) -> None:
    run(world, HEADER + ROW_1)
    again = run(world, HEADER + ROW_1.replace("2026-12-01", "2026-12-05"))
    assert (again.created, again.updated) == (0, 1)
    assert Visit.objects.get().scheduled_on == date(2026, 12, 5)


def test_a_bad_row_names_row_and_column_and_imports_nothing(world: World) -> None:
    bad = "A3,2026-13-01,Doe,,1980-01-01,X,,M3,123,ZZZ,1\n"
    result = run(world, HEADER + ROW_1 + bad + ROW_1)
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert {(3, "scheduled_on"), (3, "patient_first_name"), (3, "patient_sex"),
            (3, "provider_npi"), (3, "service_types"), (3, "procedures"), (3, "payer_id"),
            (4, "external_id")} <= found
    assert not Visit.objects.exists()


def test_a_csv_without_a_required_column_is_refused(world: World) -> None:
    result = run(world, "external_id,scheduled_on\nA1,2026-12-01\n")
    assert {e.column for e in result.errors} == {"patient_last_name", "patient_first_name",
                                                "patient_birth_date"}


def test_a_client_admin_may_not_import(world: World) -> None:
    with pytest.raises(PermissionDenied):
        import_visits(world.acme, (HEADER + ROW_1).encode(),
                      "v.csv", acting_user=world.user(Role.CLIENT_ADMIN))


def bundle(status: str = "booked", start: str = "2026-12-03T09:30:00-05:00") -> str:
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:pat-1", "resource": {
            "resourceType": "Patient", "id": "pat-1",
            "name": [{"family": "Smith", "given": ["Mary"]}], "birthDate": "1998-10-14",
            "gender": "female"}},
        {"resource": {"resourceType": "Organization", "id": "abc",
                      "identifier": [{"value": "841610001"}], "name": "ABC COMPANY"}},
        {"resource": {"resourceType": "Coverage", "id": "cov-1", "status": "active",
                      "subscriberId": "123456789",
                      "beneficiary": {"reference": "urn:uuid:pat-1"},
                      "payor": [{"reference": "Organization/abc"}]}},
        {"resource": {"resourceType": "Appointment", "id": "appt-1", "status": status,
                      "identifier": [{"value": "EHR-77"}], "start": start,
                      "serviceType": [{"coding": [{"code": "98"}]}],
                      "reasonCode": [{"coding": [{"system": "http://www.ama-assn.org/go/cpt",
                                                  "code": "99214"}]}],
                      "contained": [{"resourceType": "Practitioner", "id": "dr",
                                     "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi",
                                                     "value": "1234567893"}],
                                     "name": [{"family": "Jones", "given": ["Marcus"]}]}],
                      "participant": [{"actor": {"reference": "urn:uuid:pat-1"}},
                                      {"actor": {"reference": "#dr"}}]}},
    ]})


def test_a_fhir_bundle_resolves_patient_coverage_payer_and_practitioner(world: World) -> None:
    result = run(world, bundle(), "appointments.json")
    assert result.ok, result.errors
    visit = Visit.objects.get()
    assert (visit.source, visit.external_id) == (VisitSource.FHIR, "EHR-77")
    assert visit.scheduled_on == date(2026, 12, 3)
    assert (visit.patient.first_name, visit.patient.sex) == ("Mary", "F")
    assert visit.payer is not None
    assert visit.payer.payer_id == "841610001"
    assert visit.payer.name == "ABC COMPANY"
    assert visit.coverage is not None
    assert visit.coverage.member_id == "123456789"
    assert visit.provider is not None
    assert visit.provider.name == "Marcus Jones"
    assert (visit.service_types, visit.procedures) == (["98"], ["99214"])


def test_a_cancelled_appointment_cancels_the_visit_on_re_import(world: World) -> None:
    run(world, bundle(), "a.json")
    result = run(world, bundle(status="cancelled"), "a.json")
    assert (result.updated, result.cancelled) == (1, 1)
    assert Visit.objects.get().status == VisitStatus.CANCELLED


def test_a_fhir_appointment_without_a_patient_or_start_is_refused(world: World) -> None:
    doc = {"resourceType": "Appointment", "id": "x", "participant": []}
    result = run(world, json.dumps(doc), "a.json")
    assert {(e.row, e.column) for e in result.errors} == {
        ("entry 1 (Appointment/x)", "start"), ("entry 1 (Appointment/x)", "participant")}
    assert not Visit.objects.exists()


def test_text_that_is_not_json_or_utf8_is_refused(world: World) -> None:
    assert run(world, "{nope", "a.json").errors[0].column == "json"
    result = import_visits(world.acme, b"\xff\xfe", "a.csv",
                           acting_user=world.user(Role.CLIENT_STAFF))
    assert result.errors[0].message == "not UTF-8 text"


def test_a_visit_imported_inside_the_lead_time_gets_its_item_at_once(world: World) -> None:
    soon = (world.acme.today() + timedelta(days=1)).isoformat()
    run(world, HEADER + ROW_1.replace("2026-12-01", soon))
    visit = Visit.objects.get()
    assert WorkItem.objects.active().filter(kind=ItemKind.ELIGIBILITY,
                                            source_key=f"visit:{visit.pk}").exists()


def test_an_appointment_booked_again_after_a_cancellation_is_scheduled_again(
        world: World) -> None:
    run(world, bundle(status="cancelled"), "a.json")
    run(world, bundle(), "a.json")
    assert Visit.objects.get().status == VisitStatus.SCHEDULED


def test_fhir_resources_referenced_by_identifier_are_found(world: World) -> None:
    mrn = {"system": "urn:acme:mrn", "value": "MRN-5"}
    doc = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "identifier": [mrn],
                      "name": [{"family": "Lee", "given": ["Kim"]}], "birthDate": "1980-04-05"}},
        {"resource": {"resourceType": "Coverage", "subscriberId": "LEE1",
                      "beneficiary": {"identifier": mrn},
                      "payor": [{"identifier": {"value": "P77"}, "display": "Seventy Seven"}]}},
        {"resource": {"resourceType": "Appointment", "id": "appt-9", "status": "booked",
                      "start": "2026-12-09T08:00:00Z",
                      "participant": [{"actor": {"type": "Patient", "identifier": mrn}}]}}]}
    result = run(world, json.dumps(doc), "a.json")
    assert result.ok, result.errors
    visit = Visit.objects.get()
    assert visit.patient.last_name == "Lee"
    assert visit.payer is not None
    assert (visit.payer.payer_id, visit.payer.name) == ("P77", "Seventy Seven")
    assert visit.coverage is not None
    assert visit.coverage.member_id == "LEE1"


# --- hostile files (issue 15): refused by name, nothing written --------------------------

HOSTILE = {
    "a cell over the csv module's own limit": Hostile(
        "visits.csv", (HEADER + ROW_1.replace("Smith", LONG_CELL)).encode(), 2,
        "patient_last_name", LONG_CELL_SAYS),
    "a NUL byte in a cell": Hostile(
        "visits.csv", (HEADER + ROW_1 + ROW_2.replace("Jones", f"Jo{NUL}nes")).encode(), 3,
        "patient_last_name", NUL_SAYS),
    **fhir_cases("visits.json", bundle().replace('"id": "appt-1"',
                                                 f'"id": "appt-1", {EXTENSION}'),
                 "entry[3].resource"),
}


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_is_refused_by_where_and_which_limit_and_nothing_is_written(
        world: World, case: Hostile) -> None:
    result = import_visits(world.acme, case.data, case.name,
                           acting_user=world.user(Role.CLIENT_STAFF))
    assert [(e.row, e.column) for e in result.errors] == [(case.row, case.field)]
    assert case.says in result.errors[0].message
    assert not Visit.objects.exists()
    assert not AuditEvent.objects.filter(action="eligibility.visits_imported").exists()


def test_a_fhir_element_of_the_wrong_type_is_named_by_its_entry_not_a_crash(
        world: World) -> None:
    doc = json.loads(bundle())
    doc["entry"][0]["resource"]["name"] = [{"family": "Smith", "given": 5}]
    result = run(world, json.dumps(doc), "visits.json")
    assert [(e.row, e.message) for e in result.errors] == [
        ("entry 4 (Appointment/appt-1)", MISSHAPEN)]
    assert not Visit.objects.exists()
