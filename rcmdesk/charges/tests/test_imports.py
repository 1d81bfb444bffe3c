"""Charge imports: whole files or nothing, problems named by row and column (or segment and
element), the client's claim key as control number so a re-import updates the same drafts."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.charges import imports
from rcmdesk.claims.models import Claim, ClaimOrigin, ClaimStatus, FrontDoor
from rcmdesk.claims.services import apply_837
from rcmdesk.claims.tests.test_apply_837 import submission
from rcmdesk.claims.tests.test_mirror_keeps_billing_data import with_billing_data
from rcmdesk.remits.models import ChargeKey, JournalEntry
from rcmdesk.tenancy.roles import Role
from rcmdesk.tests.hostile import LONG_CELL, LONG_CELL_SAYS, NUL, NUL_SAYS, Hostile, fhir_cases
from rcmdesk.x12.values import Address, Name
from rcmdesk.x12.writer import write_interchange
from rcmdesk.x12.writers import build_837

HEADER = ("claim_key,patient_last_name,patient_first_name,patient_birth_date,payer_id,"
          "payer_name,member_id,billing_npi,billing_name,facility_code,diagnoses,procedure,"
          "modifiers,units,charge,service_date,diagnosis_pointers\n")
GOOD = HEADER + (
    "A100,DOE,JANE,1980-05-17,60054,AETNA,W1,1234567893,ACME,11,E11.9;R51.9,99213,25,1,"
    "125.00,2026-11-02,1\n"
    "A100,,,,,,,,,,,70551,,1,900.00,2026-11-02,1;2\n"
    "A101,ROE,RICK,1975-01-02,60054,AETNA,W2,1234567893,ACME,11,M54.5,97110,,2,80.00,"
    "2026-11-03,1\n")


def staff(world):
    return world.user(Role.CLIENT_STAFF)


def test_a_csv_becomes_one_draft_per_claim_key_with_its_lines(world):
    result = imports.import_csv(world.acme, GOOD.encode(), acting_user=staff(world))
    assert result.ok
    assert result.created == ["A100", "A101"]
    claim = Claim.objects.get(patient_control_number="A100")
    assert (claim.status, claim.origin) == (ClaimStatus.DRAFT, ClaimOrigin.CSV)
    assert claim.total_charge == Decimal("1025.00")
    assert claim.diagnoses == [["ABK", "E119"], ["ABF", "R519"]]
    assert [ln.diagnosis_pointers for ln in claim.lines.all()] == [[1], [1, 2]]
    assert not JournalEntry.objects.exists()
    assert AuditEvent.objects.filter(action="charges.imported").count() == 1


def test_importing_the_same_csv_again_updates_the_same_drafts(world):
    imports.import_csv(world.acme, GOOD.encode(), acting_user=staff(world))
    Claim.objects.filter(patient_control_number="A100").update(front_door=FrontDoor.HELD)
    again = imports.import_csv(world.acme, GOOD.encode(), acting_user=staff(world))
    assert again.created == []
    assert again.updated == ["A100", "A101"]
    assert Claim.objects.count() == 2
    claim = Claim.objects.get(patient_control_number="A100")
    assert claim.front_door == FrontDoor.NONE
    assert claim.lines.count() == 2


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_imported(world):
    bad = GOOD.replace("125.00", "abc").replace("2026-11-03", "11/03/2026")
    result = imports.import_csv(world.acme, bad.encode(), acting_user=staff(world))
    assert not result.ok
    assert {(p.row, p.field) for p in result.problems} == {
        ("row 2", "charge"), ("row 4", "service_date")}
    assert not Claim.objects.exists()


def test_a_line_problem_points_at_the_row_of_that_line(world):
    bad = GOOD.replace(",70551,", ",,")
    result = imports.import_csv(world.acme, bad.encode(), acting_user=staff(world))
    assert [(p.row, p.field) for p in result.problems] == [("row 3", "procedure")]
    assert not Claim.objects.exists()


def test_a_csv_without_a_required_column_is_refused_at_the_header(world):
    result = imports.import_csv(world.acme,
                                GOOD.replace("member_id", "member").encode(),
                                acting_user=staff(world))
    assert [(p.row, p.field) for p in result.problems] == [("row 1", "member_id")]


def test_a_claim_key_that_names_a_submitted_claim_is_refused(world):
    apply_837(world.acme, submission("A100", ["10.00"]))
    result = imports.import_csv(world.acme, GOOD.encode(), acting_user=staff(world))
    assert [(p.row, p.field) for p in result.problems] == [("row 2", "claim_key")]
    assert Claim.objects.get(patient_control_number="A100").status == ClaimStatus.SUBMITTED
    assert not Claim.objects.filter(patient_control_number="A101").exists()


HOME = Address("5 ELM ST", "", "SPRINGFIELD", "IL", "62701")


def eight37(*pcns: str) -> bytes:
    subs = []
    for pcn in pcns:
        sub = with_billing_data(submission(pcn, ["100.00", "50.00"]))
        claim = sub.claims[0]
        assert claim.patient is not None
        patient = dataclasses.replace(claim.patient, address=HOME)
        claim = dataclasses.replace(claim, prior_authorization="AUTH9", patient=patient)
        subs.append(dataclasses.replace(sub, claims=(claim,)))
    merged = dataclasses.replace(subs[0], claims=tuple(s.claims[0] for s in subs),
                                 submitter=Name("41", "2", "ACME CLINIC", id_qualifier="46",
                                                id="ACME1"),
                                 receiver=Name("40", "2", "CLEARINGHOUSE", id_qualifier="46",
                                               id="CH1"))
    return write_interchange([build_837(merged)])


def test_an_837_from_the_client_becomes_drafts_and_posts_no_charge(world):
    result = imports.import_837(world.acme, eight37("X1", "X2"), acting_user=staff(world))
    assert result.ok, result.problems
    assert result.created == ["X1", "X2"]
    claim = Claim.objects.get(patient_control_number="X1")
    assert (claim.status, claim.origin) == (ClaimStatus.DRAFT, ClaimOrigin.X12)
    assert claim.prior_authorization == "AUTH9"
    assert claim.lines.count() == 2
    assert not JournalEntry.objects.exists()
    assert not ChargeKey.objects.exists()


def test_reimporting_an_837_updates_the_drafts_and_still_charges_nothing(world):
    imports.import_837(world.acme, eight37("X1"), acting_user=staff(world))
    Claim.objects.filter(patient_control_number="X1").update(front_door=FrontDoor.READY)
    again = imports.import_837(world.acme, eight37("X1"), acting_user=staff(world))
    assert again.updated == ["X1"]
    claim = Claim.objects.get()
    assert claim.front_door == FrontDoor.NONE
    assert claim.status == ClaimStatus.DRAFT
    assert not JournalEntry.objects.exists()


def test_an_837_naming_a_mirrored_claim_is_refused_whole(world):
    apply_837(world.acme, submission("X2", ["10.00"]))
    result = imports.import_837(world.acme, eight37("X1", "X2"), acting_user=staff(world))
    assert [(p.field, p.message) for p in result.problems] == [
        ("CLM01", "Claim X2 already exists and is not a draft we may change.")]
    assert not Claim.objects.filter(patient_control_number="X1").exists()


def test_a_broken_837_reports_the_segment_and_element(world):
    data = eight37("X1").replace(b"CLM*X1*150.00*", b"CLM*X1*ABC*")
    result = imports.import_837(world.acme, data, acting_user=staff(world))
    assert not result.ok
    assert any(p.field.startswith("CLM") and p.row.startswith("segment ")
               for p in result.problems), result.problems
    assert not Claim.objects.exists()


def test_the_mirror_keeps_the_prior_authorization(world):
    sub = submission("M1", ["10.00"])
    sub = dataclasses.replace(sub, claims=(dataclasses.replace(sub.claims[0],
                                                               prior_authorization="G1X"),))
    apply_837(world.acme, sub)
    claim = Claim.objects.get()
    assert claim.prior_authorization == "G1X"
    assert claim.status == ClaimStatus.SUBMITTED
    assert JournalEntry.objects.filter(claim=claim).exists()


def bundle(*resources: dict) -> bytes:
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": f"{r['resourceType']}/{r['id']}", "resource": r} for r in resources]}
    ).encode()


PATIENT = {"resourceType": "Patient", "id": "p1", "name": [{"family": "DOE",
           "given": ["JANE"]}], "birthDate": "1980-05-17", "gender": "female"}
PAYER = {"resourceType": "Organization", "id": "pay", "name": "AETNA",
         "identifier": [{"value": "60054"}]}
CLINIC = {"resourceType": "Organization", "id": "org", "name": "ACME",
          "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}]}
COVERAGE = {"resourceType": "Coverage", "id": "c1", "subscriberId": "W1",
            "beneficiary": {"reference": "Patient/p1"}, "payor": [{"reference":
                                                                   "Organization/pay"}],
            "relationship": {"coding": [{"code": "self"}]}}


def fhir_claim(key: str = "F1", net: object = 125) -> dict:
    return {"resourceType": "Claim", "id": key.lower(), "identifier": [{"value": key}],
            "type": {"coding": [{"code": "professional"}]},
            "patient": {"reference": "Patient/p1"}, "provider": {"reference": "Organization/org"},
            "insurance": [{"coverage": {"reference": "Coverage/c1"}, "preAuthRef": ["PA7"]}],
            "diagnosis": [{"sequence": 2, "diagnosisCodeableConcept": {"coding": [
                {"code": "R51.9"}]}}, {"sequence": 1, "diagnosisCodeableConcept": {
                    "coding": [{"code": "E11.9"}]}}],
            "item": [{"sequence": 1, "productOrService": {"coding": [{"code": "99213"}]},
                      "modifier": [{"coding": [{"code": "25"}]}], "quantity": {"value": 1},
                      "net": {"value": net}, "servicedDate": "2026-11-02",
                      "diagnosisSequence": [2],
                      "locationCodeableConcept": {"coding": [{"code": "11"}]}}]}


def test_a_fhir_claim_bundle_becomes_a_draft_keyed_by_its_identifier(world):
    data = bundle(PATIENT, PAYER, CLINIC, COVERAGE, fhir_claim())
    result = imports.import_fhir(world.acme, data, acting_user=staff(world))
    assert result.ok, result.problems
    claim = Claim.objects.get(patient_control_number="F1")
    assert claim.origin == ClaimOrigin.FHIR
    assert claim.diagnoses == [["ABK", "E119"], ["ABF", "R519"]]
    assert claim.prior_authorization == "PA7"
    assert claim.facility_code == "11"
    line = claim.lines.get()
    assert (line.modifiers, line.diagnosis_pointers) == (["25"], [2])
    assert claim.coverage.member_id == "W1"
    assert imports.import_fhir(world.acme, data, acting_user=staff(world)).updated == ["F1"]


def test_charge_items_are_grouped_into_one_claim_per_encounter(world):
    items = [{"resourceType": "ChargeItem", "id": f"ci{n}", "subject": {"reference":
              "Patient/p1"}, "context": {"reference": "Encounter/enc9"},
              "code": {"coding": [{"code": code}]}, "priceOverride": {"value": price},
              "occurrenceDateTime": "2026-11-02", "performingOrganization": {
                  "reference": "Organization/org"},
              "reason": [{"coding": [{"code": dx}]}]}
             for n, code, price, dx in ((1, "99213", 125, "E11.9"), (2, "36415", 15, "R51.9"))]
    result = imports.import_fhir(world.acme,
                                 bundle(PATIENT, PAYER, CLINIC, COVERAGE, *items),
                                 acting_user=staff(world))
    assert result.created == ["enc9"]
    claim = Claim.objects.get()
    assert claim.total_charge == Decimal("140.00")
    assert [ln.diagnosis_pointers for ln in claim.lines.all()] == [[1], [2]]


def test_a_fhir_problem_names_the_entry_and_element(world):
    data = bundle(PATIENT, PAYER, CLINIC, COVERAGE, fhir_claim(net="lots"))
    result = imports.import_fhir(world.acme, data, acting_user=staff(world))
    assert ("entry[4] Claim", "item[0].net") in {(p.row, p.field) for p in result.problems}
    assert not Claim.objects.exists()


# --- hostile files (issue 15): refused by name, nothing written --------------------------

def bundle_with_extension() -> str:
    claim = fhir_claim()
    claim["extension"] = 67890
    return bundle(PATIENT, PAYER, CLINIC, COVERAGE, claim).decode()


HOSTILE = {
    "a cell over the csv module's own limit": Hostile(
        "charges.csv", GOOD.replace("DOE", LONG_CELL).encode(), "row 2", "patient_last_name",
        LONG_CELL_SAYS),
    "a NUL byte in a cell": Hostile(
        "charges.csv", GOOD.replace("ROE", f"R{NUL}OE").encode(), "row 4",
        "patient_last_name", NUL_SAYS),
    "a charge of forty digits": Hostile(
        "charges.csv", GOOD.replace("80.00", "9" * 40).encode(), "row 4", "charge",
        "A charge is at most 9,999,999,999.99."),
    **fhir_cases("bundle.json", bundle_with_extension(), "entry[4].resource"),
}


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_is_refused_by_where_and_which_limit_and_nothing_is_written(world,
                                                                                   case):
    fmt = imports.guess_format(case.name, case.data)
    result = imports.import_file(world.acme, case.data, fmt, case.name, acting_user=staff(world))
    assert [(p.row, p.field) for p in result.problems] == [(case.row, case.field)]
    assert case.says in result.problems[0].message
    assert not Claim.objects.exists()
    assert not AuditEvent.objects.filter(action="charges.imported").exists()


def test_a_fhir_sequence_that_is_not_a_number_does_not_crash_the_import(world):
    claim = fhir_claim()
    claim["item"][0]["sequence"] = "first"
    claim["item"][0]["diagnosisSequence"] = [["nested"]]
    result = imports.import_fhir(world.acme,
                                 bundle(PATIENT, PAYER, CLINIC, COVERAGE, claim),
                                 acting_user=staff(world))
    assert [(p.row, p.field) for p in result.problems] == [
        ("entry[4] Claim", "line[1].diagnosis_pointers")]


def test_a_fhir_element_of_the_wrong_type_is_named_by_its_resource_not_a_crash(world):
    claim = fhir_claim()
    claim["item"][0].pop("servicedDate")
    claim["item"][0]["servicedPeriod"] = "2026-11-02"
    result = imports.import_fhir(world.acme,
                                 bundle(PATIENT, PAYER, CLINIC, COVERAGE, claim),
                                 acting_user=staff(world))
    assert [(p.row, p.message) for p in result.problems] == [("entry[4] Claim",
                                                              imports.MISSHAPEN)]
    assert not Claim.objects.exists()
