"""Builders for contract tests: a payer's contract with rows, and a claim with lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rcmdesk.claims.models import Claim, ClaimLine, Patient, Payer
from rcmdesk.contracts.models import Contract
from rcmdesk.contracts.services import RateRow, do_add_version, do_create_contract
from rcmdesk.tenancy.models import Organization

JAN_1 = date(2026, 1, 1)


def payer(client: Organization, payer_id: str = "P-ACME-1", name: str = "Aetna (synthetic)",
          ) -> Payer:
    found, _ = Payer.objects.get_or_create(client=client, payer_id=payer_id,
                                           defaults={"name": name, "kind": "commercial"})
    return found


def contract(client: Organization, fees: dict[str, str] | None = None, *,
             of: Payer | None = None, since: date = JAN_1, **terms: Any) -> Contract:
    """A contract with one version of fee rows ({code: "120.00"}), effective ``since``."""
    made = do_create_contract(client, of or payer(client), name="Test contract",
                              acting_user=None, **terms)
    rows = [RateRow(code, since, amount=Decimal(fee)) for code, fee in (fees or {}).items()]
    if rows:
        do_add_version(made, rows, note="initial schedule", acting_user=None)
    return made


def claim(client: Organization, lines: list[tuple[str, str]], *, pcn: str = "PCN1",
          of: Payer | None = None, service: date = date(2026, 3, 2), **fields: Any) -> Claim:
    """A claim with one line per (procedure, charge), units 1, REF*6R "<pcn>-<n>"."""
    total = sum((Decimal(charge) for _, charge in lines), Decimal(0))
    patient = Patient.objects.create(client=client, last_name="Synthetic", first_name="Pat")
    made = Claim.objects.create(
        client=client, patient=patient, payer=of or payer(client), patient_control_number=pcn,
        kind="P", total_charge=total, service_from=service, service_to=service,
        insurance_balance=total, status=fields.pop("status", "submitted"), **fields)
    for n, (code, charge) in enumerate(lines, start=1):
        ClaimLine.objects.create(claim=made, line_number=n, control_number=f"{pcn}-{n}",
                                 procedure_qualifier="HC", procedure=code,
                                 charge=Decimal(charge), units=Decimal(1), service_date=service)
    return made
