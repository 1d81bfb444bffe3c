"""Draft claims as charge entry leaves them, built with the ORM (no other app's services)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rcmdesk.claims.models import (
    Claim,
    ClaimLine,
    ClaimOrigin,
    ClaimStatus,
    Coverage,
    FrontDoor,
    Patient,
    Payer,
    Provider,
)
from rcmdesk.tenancy.models import Organization

SERVICE_DAY = date(2026, 11, 2)
TODAY = date(2026, 11, 20)


def draft_claim(client: Organization, pcn: str, *, kind: str = "P", dependent: bool = False,
                front_door: str = FrontDoor.READY, provider: bool = True,
                **fields: Any) -> Claim:
    """A two-line office visit (837P) or outpatient visit (837I) for Jane Doe."""
    payer, _ = Payer.objects.get_or_create(client=client, payer_id="60054",
                                           defaults={"name": "AETNA", "kind": "commercial"})
    patient = Patient.objects.create(
        client=client, last_name="DOE", first_name="JANE", birth_date=date(1980, 5, 17),
        sex="F", address_line1="1 MAIN ST", city="SPRINGFIELD", state="IL",
        postal_code="62701")
    coverage = Coverage.objects.create(
        client=client, patient=patient, payer=payer, member_id=f"W{pcn}",
        group_number="GRP1", filing_indicator="CI",
        **({"relationship": "19", "subscriber_last_name": "DOE",
            "subscriber_first_name": "JOHN", "subscriber_birth_date": date(1978, 1, 2),
            "subscriber_sex": "M"} if dependent else {}))
    billing = None
    if provider:
        billing, _ = Provider.objects.get_or_create(
            client=client, npi="1234567893",
            defaults={"name": "ACME FAMILY MEDICINE", "taxonomy": "207Q00000X",
                      "tax_id_qualifier": "EI", "tax_id": "123456789",
                      "address_line1": "9 CLINIC RD", "city": "SPRINGFIELD", "state": "IL",
                      "postal_code": "62701"})
    claim = Claim.objects.create(
        client=client, patient=patient, payer=payer, coverage=coverage,
        billing_provider=billing, patient_control_number=pcn, kind=kind,
        facility_code="11" if kind == "P" else "13", service_from=SERVICE_DAY,
        service_to=SERVICE_DAY, total_charge=Decimal("1025.00"),
        diagnoses=[["ABK", "E119"], ["ABF", "R519"]], origin=ClaimOrigin.ENTRY,
        status=ClaimStatus.DRAFT, front_door=front_door,
        prior_authorization="AUTH123" if kind == "P" else "", **fields)
    ClaimLine.objects.create(claim=claim, line_number=1, procedure_qualifier="HC",
                             procedure="99213", modifiers=["25"], charge=Decimal("125.00"),
                             units=Decimal(1), service_date=SERVICE_DAY,
                             diagnosis_pointers=[1], revenue_code="0510" if kind == "I" else "")
    ClaimLine.objects.create(claim=claim, line_number=2, procedure_qualifier="HC",
                             procedure="70551", charge=Decimal("900.00"), units=Decimal(1),
                             service_date=SERVICE_DAY, diagnosis_pointers=[1, 2],
                             revenue_code="0610" if kind == "I" else "",
                             place_of_service="22" if kind == "P" else "")
    return claim
