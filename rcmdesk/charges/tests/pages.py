"""Form posts for the charge pages' tests: the charge factory's data as the form sends it."""

from __future__ import annotations

from typing import Any

from rcmdesk.charges.tests.factories import SERVICE_DAY, charge_input
from rcmdesk.claims.models import Claim, ClaimOrigin

ROWS = 6


def form_data(client_id: int, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client": client_id, "version": "",
        "patient_last_name": "DOE", "patient_first_name": "JANE",
        "patient_birth_date": "1980-05-17", "patient_sex": "F",
        "patient_address1": "1 MAIN ST", "patient_city": "SPRINGFIELD", "patient_state": "IL",
        "patient_zip": "62701", "payer_id": "60054", "payer_name": "AETNA",
        "payer_kind": "commercial", "member_id": "W123456789", "group_number": "GRP1",
        "relationship": "18", "billing_npi": "1234567893", "billing_name": "ACME",
        "billing_tax_id": "123456789", "billing_taxonomy": "207Q00000X",
        "billing_address1": "9 CLINIC RD", "billing_city": "SPRINGFIELD",
        "billing_state": "IL", "billing_zip": "62701", "claim_kind": "P",
        "facility_code": "11", "frequency": "1", "prior_authorization": "",
        "diagnosis_1": "E11.9", "diagnosis_2": "R51.9",
        "lines-TOTAL_FORMS": str(ROWS), "lines-INITIAL_FORMS": str(ROWS),
        "lines-MIN_NUM_FORMS": "1", "lines-MAX_NUM_FORMS": "50",
        "lines-0-procedure": "99213", "lines-0-modifiers": "25", "lines-0-units": "1",
        "lines-0-charge": "125.00", "lines-0-service_date": SERVICE_DAY.isoformat(),
        "lines-0-diagnosis_pointers": "1",
    }
    data.update(changes)
    return data


def birch_draft(world: Any) -> Claim:
    """A draft of the other tenant (made with the ORM: no Birch user works its charges)."""
    from rcmdesk.charges.services import write_new_draft

    return write_new_draft(world.birch, charge_input(), ClaimOrigin.ENTRY, "BIRCHDRAFT1")


