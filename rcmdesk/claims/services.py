"""Mirroring the client's 837s: claims are created or updated by (client, PCN).

The client's billing system stays the system of record; a replacement claim (frequency 7)
arriving later simply updates our mirror, and its charges reach the ledger once per
version (a digest of what was billed), never once per file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim, ClaimLine, Coverage, Patient, Payer, Provider
from rcmdesk.remits import ledger
from rcmdesk.remits.models import (
    Account,
    ChargeKey,
    ExceptionStatus,
    JournalEntry,
    JournalKind,
    PostingException,
)
from rcmdesk.tenancy.models import Organization
from rcmdesk.x12 import t837
from rcmdesk.x12.values import DateRef, Name

SERVICE_DATE_QUALIFIERS = ("472", "434")
CREDIT_BALANCE = "credit_balance"  # PostingException.reason


@dataclass
class ApplyResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    charged: list[str] = field(default_factory=list)

    def as_summary(self) -> dict[str, Any]:
        return {"claims_created": len(self.created), "claims_updated": len(self.updated),
                "charges_posted": len(self.charged)}


def parse_date(value: str) -> date | None:
    """CCYYMMDD to a date; anything else (including RD8 ranges' halves) handled by callers."""
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except (ValueError, IndexError):
        return None


def date_span(dates: tuple[DateRef, ...]) -> tuple[date | None, date | None]:
    """Earliest and latest service date among DTP 472/434 (D8 or RD8)."""
    found: list[date] = []
    for ref in dates:
        if ref.qualifier in SERVICE_DATE_QUALIFIERS:
            found.extend(d for d in map(parse_date, ref.value.split("-")) if d is not None)
    return (min(found), max(found)) if found else (None, None)


def apply_837(client: Organization, submission: t837.ClaimSubmission, *, file: Any = None,
              actor: Any = None) -> ApplyResult:
    """Create or update every claim of one 837 set; the caller owns the transaction."""
    result = ApplyResult()
    with transaction.atomic():
        for source in submission.claims:
            claim, created = _upsert_claim(client, submission.kind, source)
            (result.created if created else result.updated).append(claim.patient_control_number)
            if post_charges(claim, actor=actor):
                result.charged.append(claim.patient_control_number)
        record("claims.837_applied", client_id=client.pk, actor=actor,
               object_type="claims.claim", object_id=submission.control,
               detail={**result.as_summary(), "file": getattr(file, "pk", None)})
    return result


def _payer(client: Organization, name: Name | None) -> Payer:
    name = name or Name()
    payer_id = name.id or name.last or "UNKNOWN"
    return Payer.objects.get_or_create(client=client, payer_id=payer_id,
                                       defaults={"name": name.last or payer_id})[0]


def _provider(client: Organization, billing: t837.Provider) -> Provider | None:
    if not billing.name.id:
        return None
    return Provider.objects.get_or_create(
        client=client, npi=billing.name.id[:10],
        defaults={"name": billing.name.last, "taxonomy": billing.taxonomy})[0]


def _patient(client: Organization, source: t837.Claim) -> Patient:
    person = source.patient or source.subscriber
    birth = parse_date(person.birth_date)
    found = Patient.objects.filter(client=client, last_name=person.name.last,
                                   first_name=person.name.first, birth_date=birth).first()
    return found or Patient.objects.create(
        client=client, last_name=person.name.last, first_name=person.name.first,
        middle_name=person.name.middle, suffix=person.name.suffix, birth_date=birth,
        sex=person.gender[:1])


def _upsert_claim(client: Organization, kind: str, source: t837.Claim) -> tuple[Claim, bool]:
    payer = _payer(client, source.subscriber.payer)
    patient = _patient(client, source)
    coverage = Coverage.objects.get_or_create(
        client=client, patient=patient, payer=payer,
        member_id=source.subscriber.name.id or "-",
        defaults={"priority": source.subscriber.responsibility[:1] or "P"})[0]
    starts, ends = date_span(source.dates + tuple(d for ln in source.lines for d in ln.dates))
    fields = {
        "patient": patient, "payer": payer, "coverage": coverage, "kind": kind,
        "billing_provider": _provider(client, source.billing_provider),
        "frequency": source.frequency or "1", "facility_code": source.facility_code,
        "service_from": starts, "service_to": ends, "total_charge": source.charge,
    }
    claim = Claim.objects.select_for_update().filter(
        client=client, patient_control_number=source.patient_control_number).first()
    if claim is None:
        claim = Claim.objects.create(client=client,
                                     patient_control_number=source.patient_control_number,
                                     **fields)
        _write_lines(claim, source.lines)
        return claim, True
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.version += 1
    claim.updated_at = timezone.now()
    claim.save()
    _write_lines(claim, source.lines)
    return claim, False


def _write_lines(claim: Claim, lines: tuple[t837.ServiceLine, ...]) -> None:
    """Lines by number; lines a replacement drops are deleted unless the ledger names them."""
    numbers = []
    for position, source in enumerate(lines, start=1):
        number = int(source.number) if source.number.isdigit() else position
        numbers.append(number)
        proc = source.procedure
        ClaimLine.objects.update_or_create(claim=claim, line_number=number, defaults={
            "control_number": source.control_number,
            "procedure_qualifier": proc[0] if proc else "",
            "procedure": proc[1] if len(proc) > 1 else "",
            "modifiers": list(proc[2:6]), "revenue_code": source.revenue_code,
            "charge": source.charge, "units": source.units,
            "service_date": date_span(source.dates)[0]})
    claim.lines.exclude(line_number__in=numbers).filter(
        ledger_entries__isnull=True, remit_lines__isnull=True).delete()


def charge_digest(claim: Claim) -> str:
    """What was billed, as a digest: the same claim sent twice is charged once."""
    parts = [claim.patient_control_number, str(claim.total_charge)]
    parts += [f"{ln.line_number}:{ln.procedure}:{ln.revenue_code}:{ln.charge}"
              for ln in claim.lines.order_by("line_number")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def post_charges(claim: Claim, *, actor: Any = None) -> bool:
    """Charge this version of the claim to the ledger once, reversing the previous charge.

    Only the previous ``charge`` journal is reversed, line for line (revenue back out of the
    AR it was posted to); payments, adjustments and patient shares stay where they are. A
    version charged below what was already settled would leave insurance AR negative: that is
    flagged for a person as a ``credit_balance`` posting exception, never hidden.
    Returns whether anything was posted.
    """
    digest = charge_digest(claim)
    with transaction.atomic():
        if ChargeKey.objects.filter(claim=claim, digest=digest).exists():
            return False
        ChargeKey.objects.create(client_id=claim.client_id, claim=claim, digest=digest)
        client = claim.client
        previous = _charge_in_effect(claim)
        if previous is not None:
            ledger.post(client, JournalKind.CHARGE_REVERSAL, [
                ledger.Line(e.account, -e.amount, claim_line=e.claim_line, reason=e.reason)
                for e in previous.entries.select_related("claim_line").order_by("pk")
            ], claim=claim, memo=f"charge #{previous.pk} replaced by version {claim.version}",
                actor=actor)
        lines = list(claim.lines.all())
        entries = [ledger.Line(Account.INSURANCE_AR, ln.charge, claim_line=ln) for ln in lines]
        remainder = claim.total_charge - sum((ln.charge for ln in lines), Decimal(0))
        entries.append(ledger.Line(Account.INSURANCE_AR, remainder))
        entries.append(ledger.Line(Account.REVENUE, -claim.total_charge))
        ledger.post(client, JournalKind.CHARGE, entries, claim=claim,
                    memo=f"charges, version {claim.version}", actor=actor)
        _flag_credit_balance(claim, actor)
    return True


def _charge_in_effect(claim: Claim) -> JournalEntry | None:
    """The latest charge journal, unless a charge reversal came after it (a zero version)."""
    latest = (claim.journal_entries
              .filter(kind__in=[JournalKind.CHARGE, JournalKind.CHARGE_REVERSAL])
              .order_by("-pk").first())
    return latest if latest is not None and latest.kind == JournalKind.CHARGE else None


def _flag_credit_balance(claim: Claim, actor: Any) -> None:
    """Insurance AR below zero: the payer settled more than this version charges."""
    claim.refresh_from_db(fields=["insurance_balance", "patient_balance"])
    if claim.insurance_balance >= 0:
        return
    detail = (f"version {claim.version} charges {claim.total_charge} but more was already paid"
              f" or adjusted: insurance AR is {claim.insurance_balance} on claim "
              f"{claim.patient_control_number}")
    record("claims.credit_balance", client_id=claim.client_id, obj=claim, actor=actor,
           detail={"insurance_balance": str(claim.insurance_balance),
                   "version": claim.version})
    remit_claim = claim.remit_claims.select_related("remittance").order_by("-pk").first()
    if remit_claim is None or PostingException.objects.filter(
            remit_claim__claim=claim, reason=CREDIT_BALANCE,
            status=ExceptionStatus.OPEN).exists():
        return
    PostingException.objects.create(client_id=claim.client_id,
                                    remittance=remit_claim.remittance,
                                    remit_claim=remit_claim, reason=CREDIT_BALANCE,
                                    detail=detail)
