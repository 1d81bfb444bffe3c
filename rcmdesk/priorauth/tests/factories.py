"""Small builders for prior-auth tests: a patient with a payer, claims with lines, auths."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rcmdesk.claims.models import Claim, ClaimLine, ClaimStatus, Patient, Payer, Provider
from rcmdesk.playbooks.models import AuthRequirement
from rcmdesk.priorauth.models import Authorization, AuthStatus
from rcmdesk.tenancy.models import Organization


def make_payer(client: Organization, payer_id: str = "P-ACME") -> Payer:
    payer, _ = Payer.objects.get_or_create(client=client, payer_id=payer_id,
                                           defaults={"name": f"payer {payer_id}"})
    return payer


def make_patient(client: Organization, last: str = "Synthetic") -> Patient:
    return Patient.objects.create(client=client, last_name=last, first_name="Pat",
                                  birth_date=date(1970, 1, 1))


def make_provider(client: Organization, npi: str = "1234567893") -> Provider:
    provider, _ = Provider.objects.get_or_create(client=client, npi=npi,
                                                 defaults={"name": "Synthetic Clinic"})
    return provider


def require(client: Organization, codes: str, payer: Payer | None = None,
            active: bool = True) -> AuthRequirement:
    return AuthRequirement.objects.create(client=client, payer=payer, codes=codes,
                                          active=active)


def make_auth(client: Organization, patient: Patient, payer: Payer, codes: list[str],
              *, status: str = AuthStatus.APPROVED, units: str | None = None,
              start: date | None = date(2026, 1, 1), end: date | None = date(2026, 12, 31),
              **fields: Any) -> Authorization:
    return Authorization.objects.create(
        client=client, patient=patient, payer=payer, codes=codes, status=status,
        approved_units=Decimal(units) if units is not None else None, start_date=start,
        end_date=end, **fields)


def make_claim(client: Organization, patient: Patient, payer: Payer,
               lines: list[tuple[str, str]], *, status: str = ClaimStatus.SUBMITTED,
               service: date = date(2026, 3, 2), pcn: str = "PCN1",
               **fields: Any) -> Claim:
    """``lines``: (procedure, units) per line, each charged 100.00."""
    claim = Claim.objects.create(
        client=client, patient=patient, payer=payer, patient_control_number=pcn, kind="P",
        total_charge=Decimal("100.00") * len(lines), service_from=service, service_to=service,
        status=status, **fields)
    for n, (code, units) in enumerate(lines, start=1):
        ClaimLine.objects.create(claim=claim, line_number=n, procedure_qualifier="HC",
                                 procedure=code, charge=Decimal("100.00"),
                                 units=Decimal(units), service_date=service)
    return claim
