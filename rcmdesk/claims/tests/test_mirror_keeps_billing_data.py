"""The mirror keeps what a scrubber and a corrected claim need, not only what posting needs."""

from __future__ import annotations

import dataclasses

from rcmdesk.claims.models import Claim, Coverage, Provider
from rcmdesk.claims.services import apply_837
from rcmdesk.claims.tests.test_apply_837 import submission
from rcmdesk.conftest import World
from rcmdesk.x12 import t837
from rcmdesk.x12.values import Address, Name


def with_billing_data(sub: t837.ClaimSubmission) -> t837.ClaimSubmission:
    claim = sub.claims[0]
    billing = dataclasses.replace(
        claim.billing_provider, address=Address("1 MAIN ST", "", "SPRINGFIELD", "IL", "62701"),
        tax_id_qualifier="EI", tax_id="123456789", taxonomy="207Q00000X")
    lines = tuple(dataclasses.replace(ln, diagnosis_pointers=("1", "2")) for ln in claim.lines)
    subscriber = dataclasses.replace(claim.subscriber, relationship="", group_number="GRP9")
    dependent = t837.Patient("19", Name("QC", "1", "DOE", "TIM"), birth_date="20150101",
                             gender="M")
    claim = dataclasses.replace(
        claim, billing_provider=billing, lines=lines, subscriber=subscriber, patient=dependent,
        diagnoses=(t837.Diagnosis("ABK", "J209"), t837.Diagnosis("ABF", "R05")))
    return dataclasses.replace(sub, claims=(claim,))


def test_diagnoses_and_their_pointers_are_kept_on_the_claim_and_its_lines(world: World) -> None:
    apply_837(world.acme, with_billing_data(submission("PCN1", ["100.00"])))
    claim = Claim.objects.get(patient_control_number="PCN1")
    assert claim.diagnoses == [["ABK", "J209"], ["ABF", "R05"]]
    assert claim.lines.get().diagnosis_pointers == [1, 2]


def test_the_billing_providers_tax_id_address_and_taxonomy_are_kept(world: World) -> None:
    apply_837(world.acme, with_billing_data(submission("PCN1", ["100.00"])))
    provider = Provider.objects.get(npi="1234567893")
    assert (provider.tax_id_qualifier, provider.tax_id) == ("EI", "123456789")
    assert (provider.address_line1, provider.city, provider.postal_code) == (
        "1 MAIN ST", "SPRINGFIELD", "62701")
    assert provider.taxonomy == "207Q00000X"


def test_a_dependents_coverage_names_the_subscriber_apart_from_the_patient(
        world: World) -> None:
    apply_837(world.acme, with_billing_data(submission("PCN1", ["100.00"])))
    coverage = Coverage.objects.get()
    assert coverage.relationship == "19"
    assert (coverage.subscriber_last_name, coverage.subscriber_first_name) == ("DOE", "JANE")
    assert coverage.group_number == "GRP9"
    assert coverage.patient.first_name == "TIM"


def test_a_mirrored_837_naming_one_of_our_drafts_makes_it_submitted_with_its_charge(
        world: World) -> None:
    apply_837(world.acme, submission("PCN1", ["100.00"]), draft=True)
    assert Claim.objects.get().status == "draft"
    apply_837(world.acme, submission("PCN1", ["100.00"]))
    claim = Claim.objects.get()
    assert (claim.status, str(claim.insurance_balance)) == ("submitted", "100.00")
