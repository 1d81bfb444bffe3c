"""A charge as the form would send it, for the charge tests (and other helpers' tests)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from rcmdesk.charges.services import (
    AddressInput,
    ChargeInput,
    CoverageInput,
    LineInput,
    PatientInput,
    PayerInput,
    ProviderInput,
)

SERVICE_DAY = date(2026, 11, 2)


def charge_input(**changes: Any) -> ChargeInput:
    """Jane Doe's office visit and an MRI at Acme, billed to a commercial payer."""
    data = ChargeInput(
        patient=PatientInput("DOE", "JANE", date(1980, 5, 17), "F",
                             AddressInput("1 MAIN ST", "", "SPRINGFIELD", "IL", "62701")),
        payer=PayerInput("60054", "AETNA", "commercial"),
        coverage=CoverageInput("W123456789", group_number="GRP1"),
        billing_provider=ProviderInput("1234567893", "ACME FAMILY MEDICINE",
                                       tax_id="123456789", taxonomy="207Q00000X",
                                       address=AddressInput("9 CLINIC RD", "", "SPRINGFIELD",
                                                            "IL", "62701")),
        lines=(LineInput("99213", Decimal("125.00"), Decimal(1), ("25",), SERVICE_DAY, (1,)),
               LineInput("70551", Decimal("900.00"), Decimal(1), (), SERVICE_DAY, (1, 2))),
        facility_code="11",
        diagnoses=("e11.9", "R51.9"),
        prior_authorization="",
    )
    return replace(data, **changes)
