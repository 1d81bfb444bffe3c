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
from rcmdesk.remits.bulk import as_stored
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
    refs = _Refs(client)
    with transaction.atomic():
        for source in submission.claims:
            claim, lines = _upsert_claim(refs, submission.kind, source)
            created = lines is not None
            (result.created if created else result.updated).append(claim.patient_control_number)
            charged = (_charge_new(claim, lines, actor) if lines is not None
                       else post_charges(claim, actor=actor))
            if charged:
                result.charged.append(claim.patient_control_number)
        record("claims.837_applied", client_id=client.pk, actor=actor,
               object_type="claims.claim", object_id=submission.control,
               detail={**result.as_summary(), "file": getattr(file, "pk", None)})
    return result


@dataclass
class _Refs:
    """Payers, providers, patients and coverages of one 837 set, each looked up once."""

    client: Organization
    payers: dict[str, Payer] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    patients: dict[tuple[str, str, date | None], Patient] = field(default_factory=dict)
    coverages: dict[tuple[int, int, str], Coverage] = field(default_factory=dict)


def _payer(refs: _Refs, name: Name | None) -> Payer:
    name = name or Name()
    payer_id = name.id or name.last or "UNKNOWN"
    if payer_id not in refs.payers:
        refs.payers[payer_id] = Payer.objects.get_or_create(
            client=refs.client, payer_id=payer_id, defaults={"name": name.last or payer_id})[0]
    return refs.payers[payer_id]


def _provider(refs: _Refs, billing: t837.Provider) -> Provider | None:
    if not billing.name.id:
        return None
    npi = billing.name.id[:10]
    if npi not in refs.providers:
        refs.providers[npi] = Provider.objects.get_or_create(
            client=refs.client, npi=npi,
            defaults={"name": billing.name.last, "taxonomy": billing.taxonomy})[0]
    return refs.providers[npi]


def _patient(refs: _Refs, source: t837.Claim) -> Patient:
    person = source.patient or source.subscriber
    birth = parse_date(person.birth_date)
    key = (person.name.last, person.name.first, birth)
    if key not in refs.patients:
        refs.patients[key] = _find_or_create_patient(refs.client, person, birth)
    return refs.patients[key]


def _find_or_create_patient(client: Organization, person: Any, birth: date | None) -> Patient:
    found = Patient.objects.filter(client=client, last_name=person.name.last,
                                   first_name=person.name.first, birth_date=birth).first()
    return found or Patient.objects.create(
        client=client, last_name=person.name.last, first_name=person.name.first,
        middle_name=person.name.middle, suffix=person.name.suffix, birth_date=birth,
        sex=person.gender[:1])


def _coverage(refs: _Refs, patient: Patient, payer: Payer, source: t837.Claim) -> Coverage:
    member_id = source.subscriber.name.id or "-"
    key = (patient.pk, payer.pk, member_id)
    if key not in refs.coverages:
        refs.coverages[key] = Coverage.objects.get_or_create(
            client=refs.client, patient=patient, payer=payer, member_id=member_id,
            defaults={"priority": source.subscriber.responsibility[:1] or "P"})[0]
    return refs.coverages[key]


def _upsert_claim(refs: _Refs, kind: str,
                  source: t837.Claim) -> tuple[Claim, list[ClaimLine] | None]:
    """The claim, with its new lines when it was created here (None when it was updated)."""
    client = refs.client
    payer = _payer(refs, source.subscriber.payer)
    patient = _patient(refs, source)
    coverage = _coverage(refs, patient, payer, source)
    starts, ends = date_span(source.dates + tuple(d for ln in source.lines for d in ln.dates))
    fields = {
        "patient": patient, "payer": payer, "coverage": coverage, "kind": kind,
        "billing_provider": _provider(refs, source.billing_provider),
        "frequency": source.frequency or "1", "facility_code": source.facility_code,
        "service_from": starts, "service_to": ends, "total_charge": source.charge,
    }
    claim = Claim.objects.select_for_update().filter(
        client=client, patient_control_number=source.patient_control_number).first()
    if claim is None:
        claim = Claim.objects.create(client=client,
                                     patient_control_number=source.patient_control_number,
                                     **fields)
        return claim, _create_lines(claim, source.lines)
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.version += 1
    claim.updated_at = timezone.now()
    claim.save()
    _write_lines(claim, source.lines)
    return claim, None


def _line_fields(position: int, source: t837.ServiceLine) -> tuple[int, dict[str, Any]]:
    number = int(source.number) if source.number.isdigit() else position
    proc = source.procedure
    return number, {
        "control_number": source.control_number,
        "procedure_qualifier": proc[0] if proc else "",
        "procedure": proc[1] if len(proc) > 1 else "",
        "modifiers": list(proc[2:6]), "revenue_code": source.revenue_code,
        "charge": source.charge, "units": source.units,
        "service_date": date_span(source.dates)[0]}


def _create_lines(claim: Claim, lines: tuple[t837.ServiceLine, ...]) -> list[ClaimLine]:
    """A new claim's lines in one insert (by number: a repeated number keeps the last)."""
    by_number: dict[int, ClaimLine] = {}
    for position, source in enumerate(lines, start=1):
        number, values = _line_fields(position, source)
        by_number[number] = as_stored(ClaimLine(claim=claim, line_number=number, **values))
    created = sorted(by_number.values(), key=lambda ln: ln.line_number)
    return ClaimLine.objects.bulk_create(created)


def _write_lines(claim: Claim, lines: tuple[t837.ServiceLine, ...]) -> None:
    """Lines by number; lines a replacement drops are deleted unless the ledger names them."""
    numbers = []
    for position, source in enumerate(lines, start=1):
        number, values = _line_fields(position, source)
        numbers.append(number)
        ClaimLine.objects.update_or_create(claim=claim, line_number=number, defaults=values)
    claim.lines.exclude(line_number__in=numbers).filter(
        ledger_entries__isnull=True, remit_lines__isnull=True).delete()


def charge_digest(claim: Claim, lines: list[ClaimLine] | None = None) -> str:
    """What was billed, as a digest: the same claim sent twice is charged once."""
    parts = [claim.patient_control_number, str(claim.total_charge)]
    parts += [f"{ln.line_number}:{ln.procedure}:{ln.revenue_code}:{ln.charge}"
              for ln in (claim.lines.order_by("line_number") if lines is None else lines)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _charge_new(claim: Claim, lines: list[ClaimLine], actor: Any) -> bool:
    """``post_charges`` for a claim created in this transaction: no key, no earlier charge."""
    ChargeKey.objects.create(client_id=claim.client_id, claim=claim,
                             digest=charge_digest(claim, lines))
    _post_charge(claim, lines, actor)
    if claim.total_charge < 0:
        _flag_credit_balance(claim, actor)
    return True


def _post_charge(claim: Claim, lines: list[ClaimLine], actor: Any) -> None:
    entries = [ledger.Line(Account.INSURANCE_AR, ln.charge, claim_line=ln) for ln in lines]
    remainder = claim.total_charge - sum((ln.charge for ln in lines), Decimal(0))
    entries.append(ledger.Line(Account.INSURANCE_AR, remainder))
    entries.append(ledger.Line(Account.REVENUE, -claim.total_charge))
    ledger.post(claim.client, JournalKind.CHARGE, entries, claim=claim,
                memo=f"charges, version {claim.version}", actor=actor)


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
        _post_charge(claim, list(claim.lines.all()), actor)
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
