"""A clean professional claim by default; tests change one thing to make a rule fire."""

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
    Patient,
    Payer,
    Provider,
)
from rcmdesk.tenancy.models import Organization

TODAY = date(2026, 3, 2)
SERVED = date(2026, 2, 20)
VALID_NPI = "1234567893"  # the CMS example NPI: check digit 3


def payer(client: Organization, payer_id: str = "60054", **kw: Any) -> Payer:
    defaults = {"name": f"Payer {payer_id}", "kind": "commercial", **kw}
    return Payer.objects.get_or_create(client=client, payer_id=payer_id, defaults=defaults)[0]


_npis = iter(range(10**7, 10**8))


def fresh_npi() -> str:
    """A valid NPI not used yet in this test run."""
    from rcmdesk.scrubber.rules.provider import NPI_PREFIX, luhn_check_digit

    base = f"1{next(_npis)}"
    return base + str(luhn_check_digit(NPI_PREFIX + base))


def provider(client: Organization, npi: str = VALID_NPI, **kw: Any) -> Provider:
    defaults = {"name": "Acme Clinic", "taxonomy": "207Q00000X", "tax_id_qualifier": "EI",
                "tax_id": "123456789", "address_line1": "100 Main St",
                "city": "Springfield", "state": "IL", "postal_code": "62701", **kw}
    return Provider.objects.get_or_create(client=client, npi=npi, defaults=defaults)[0]


def patient(client: Organization, **kw: Any) -> Patient:
    fields = {"last_name": "Doe", "first_name": "Jane", "birth_date": date(1980, 1, 1),
              "sex": "F", **kw}
    return Patient.objects.create(client=client, **fields)


def coverage(p: Patient, pay: Payer, **kw: Any) -> Coverage:
    member_id = kw.pop("member_id", f"M{p.pk:06d}")
    fields = {"priority": "P", **kw}
    return Coverage.objects.update_or_create(client_id=p.client_id, patient=p, payer=pay,
                                             member_id=member_id, defaults=fields)[0]


_pcn = iter(range(1, 10**9))


def claim(client: Organization, *, lines: list[dict[str, Any]] | None = None,
          pat: Patient | None = None, pay: Payer | None = None, prov: Provider | None = None,
          cov: dict[str, Any] | None = None, **kw: Any) -> Claim:
    """A DRAFT claim that passes every built-in rule unless told otherwise."""
    pay = pay or payer(client)
    pat = pat or patient(client)
    prov = prov or provider(client)
    cov_row = coverage(pat, pay, **(cov or {}))
    line_specs = lines if lines is not None else [{}]
    full_lines = [{"line_number": i, "procedure_qualifier": "HC", "procedure": "99213",
                   "modifiers": [], "charge": Decimal("150.00"), "units": Decimal("1"),
                   "service_date": kw.get("service_from", SERVED),
                   "diagnosis_pointers": [1, 2], **spec}
                  for i, spec in enumerate(line_specs, start=1)]
    total = sum((Decimal(ln["charge"]) for ln in full_lines), Decimal("0.00"))
    fields = {"patient_control_number": f"PCN{next(_pcn):07d}", "kind": "P",
              "frequency": "1", "facility_code": "11", "service_from": SERVED,
              "service_to": SERVED, "total_charge": total,
              "diagnoses": [["ABK", "E119"], ["ABF", "I10"]],
              "status": ClaimStatus.DRAFT, "origin": ClaimOrigin.ENTRY, **kw}
    c = Claim.objects.create(client=client, patient=pat, payer=pay, coverage=cov_row,
                             billing_provider=prov, **fields)
    ClaimLine.objects.bulk_create(ClaimLine(claim=c, **ln) for ln in full_lines)
    return c


def institutional(client: Organization, **kw: Any) -> Claim:
    """A clean 837I outpatient claim (type of bill 131)."""
    lines = kw.pop("lines", [{"revenue_code": "0450", "procedure": "99283",
                              "diagnosis_pointers": []}])
    kw.setdefault("facility_code", "13")
    return claim(client, kind="I", lines=lines, **kw)
