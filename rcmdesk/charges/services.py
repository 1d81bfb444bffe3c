"""Charge entry: claims we build and send for the client, kept as drafts until submission.

A draft is a ``Claim`` with status DRAFT and an ``origin`` saying how it reached us (typed in,
CSV, FHIR, or an 837 from the client's system). Drafts never touch the ledger: submission
posts the charge (``claims.services.post_charges``) when the claim actually leaves. The
patient, coverage, billing provider and payer are found by the same natural keys the 837
mirror uses (``claims.services``), so a typed-in charge and a mirrored claim for the same
person share one patient row.

Patient control numbers of entered claims are ``RD`` + the entry date (``YYMMDD``) + eight
characters of Crockford base32 (``RD261124K7M2Q9XA``): 16 characters, letters and digits only
(payers keep at most 20 of CLM01 and some refuse punctuation), unique per client (checked,
and guarded by the ``one_claim_per_pcn`` constraint). Imported claims keep the client's own
claim key as their control number, which is what makes a re-import update the same drafts.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.audit.services import record
from rcmdesk.claims.models import (
    Claim,
    ClaimLine,
    ClaimOrigin,
    ClaimStatus,
    Coverage,
    FrontDoor,
    Patient,
    Payer,
    PayerKind,
    Provider,
)
from rcmdesk.claims.services import EDITABLE_FRONT_DOORS
from rcmdesk.claims.signals import claims_built
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow

CENT, UNIT_PLACES = Decimal("0.01"), Decimal("0.001")
# What the claim's columns hold (12 digits, 2 places; units 10 digits, 3 places): a file or
# body with more is refused by name, not left to fail in the database.
MAX_CHARGE, MAX_UNITS = Decimal("9999999999.99"), Decimal("9999999.999")
SELF = "18"
PCN_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
MAX_PCN = 38  # CLM01


class ChargeError(errors.Invalid):
    """Input that cannot become a claim; ``problems`` name the field each points at."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def detail(self) -> str:
        return "The charge cannot become a claim."

    def facts(self) -> dict[str, object]:
        return {"problems": [{"row": p.row, "field": p.field, "message": p.message}
                             for p in self.problems]}


class Conflict(errors.PreconditionFailed):
    """The draft changed since the caller read it (its version moved on)."""

    def __init__(self, claim_id: int, expected: int, current: int) -> None:
        self.claim_id, self.expected, self.current = claim_id, expected, current
        super().__init__(f"Claim {claim_id} is at version {current}, not {expected}.")


class NotADraft(errors.Conflict):
    """Only drafts that have not left (front door blank, held or ready) may change."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, at a field path like the scrubber's findings use
    (``patient.last_name``, ``line[2].charge``); imports add the row it came from."""

    field: str
    message: str
    row: str = ""

    def __str__(self) -> str:
        where = f"{self.row}: " if self.row else ""
        return f"{where}{self.field}: {self.message}" if self.field else f"{where}{self.message}"


@dataclass(frozen=True)
class AddressInput:
    line1: str = ""
    line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""

    def fields(self) -> dict[str, str]:
        return {"address_line1": self.line1[:55], "address_line2": self.line2[:55],
                "city": self.city[:30], "state": self.state[:2].upper(),
                "postal_code": self.postal_code[:15]}


@dataclass(frozen=True)
class PatientInput:
    last_name: str
    first_name: str = ""
    birth_date: date | None = None
    sex: str = ""  # M, F, U
    address: AddressInput = AddressInput()


@dataclass(frozen=True)
class PayerInput:
    payer_id: str
    name: str = ""
    kind: str = PayerKind.OTHER


@dataclass(frozen=True)
class CoverageInput:
    member_id: str
    group_number: str = ""
    relationship: str = SELF  # SBR02 / PAT01 code: 18 self, 01 spouse, 19 child, G8 other
    priority: str = "P"
    filing_indicator: str = ""
    subscriber_last_name: str = ""  # when the patient is not the subscriber
    subscriber_first_name: str = ""
    subscriber_birth_date: date | None = None
    subscriber_sex: str = ""


@dataclass(frozen=True)
class ProviderInput:
    npi: str
    name: str = ""
    tax_id: str = ""
    tax_id_qualifier: str = "EI"
    taxonomy: str = ""
    entity_type: str = "2"
    address: AddressInput = AddressInput()


@dataclass(frozen=True)
class LineInput:
    procedure: str  # CPT/HCPCS (may be blank on an 837I line with a revenue code)
    charge: Decimal
    units: Decimal | None = Decimal(1)
    modifiers: tuple[str, ...] = ()
    service_date: date | None = None
    diagnosis_pointers: tuple[int, ...] = ()  # 1-based into ChargeInput.diagnoses
    place_of_service: str = ""  # blank: the claim's facility code
    revenue_code: str = ""  # 837I


@dataclass(frozen=True)
class ChargeInput:
    """Everything a claim needs, as typed on the form, read from a file or sent as JSON."""

    patient: PatientInput
    payer: PayerInput
    coverage: CoverageInput
    billing_provider: ProviderInput
    lines: tuple[LineInput, ...]
    kind: str = "P"  # P professional (837P), I institutional (837I)
    facility_code: str = ""  # place of service (P) or facility type code (I)
    frequency: str = "1"
    diagnoses: tuple[str, ...] = ()  # ICD-10-CM, principal first
    prior_authorization: str = ""  # REF*G1

    def stored_diagnoses(self) -> list[list[str]]:
        """As ``Claim.diagnoses`` keeps them: ABK for the principal, ABF after, no dots."""
        codes = [normal_code(c) for c in self.diagnoses]
        return [["ABK" if i == 0 else "ABF", c] for i, c in enumerate(c for c in codes if c)]


def normal_code(code: str) -> str:
    """A code as the 837 carries it: no dot, no spaces, upper case (``e11.9`` -> ``E119``)."""
    return code.replace(".", "").replace(" ", "").strip().upper()


def check_input(data: ChargeInput) -> list[Problem]:
    """What stops the input becoming a claim at all; the scrubber judges the rest later."""
    problems: list[Problem] = []

    def need(value: object, where: str, what: str) -> None:
        if value in ("", None):
            problems.append(Problem(where, f"{what} is required."))

    need(data.patient.last_name.strip(), "patient.last_name", "The patient's last name")
    need(data.payer.payer_id.strip(), "payer.payer_id", "The payer id")
    need(data.coverage.member_id.strip(), "coverage.member_id", "The member id")
    need(data.billing_provider.npi.strip(), "billing_provider.npi", "The billing NPI")
    if data.kind not in ("P", "I"):
        problems.append(Problem("claim.kind", "Kind is P (professional) or I (institutional)."))
    if data.payer.kind not in PayerKind.values:
        kinds = ", ".join(PayerKind.values)
        problems.append(Problem("payer.kind", f"Payer kind is one of {kinds}."))
    if data.coverage.relationship != SELF:
        need(data.coverage.subscriber_last_name.strip(), "coverage.subscriber_last_name",
             "The subscriber's last name (the patient is not the subscriber)")
    charges = [ln.charge for ln in data.lines]
    if not data.lines:
        problems.append(Problem("claim.lines", "A claim needs at least one line."))
    if len(data.lines) > 50:
        problems.append(Problem("claim.lines", "At most 50 lines per claim (837P)."))
    elif all(c.is_finite() and abs(c) <= MAX_CHARGE for c in charges) and \
            abs(sum(charges, Decimal(0))) > MAX_CHARGE:
        problems.append(Problem("claim.lines", f"A claim's total charge is at most "
                                               f"{MAX_CHARGE:,}."))
    for n, line in enumerate(data.lines, start=1):
        if not normal_code(line.procedure) and not line.revenue_code.strip():
            problems.append(Problem(f"line[{n}].procedure", "A procedure code is required."))
        problems += _amount_problems(n, line)
        if len(line.modifiers) > 4:
            problems.append(Problem(f"line[{n}].modifiers", "At most four modifiers."))
        if any(p < 1 for p in line.diagnosis_pointers):
            problems.append(Problem(f"line[{n}].diagnosis_pointers",
                                    "Diagnosis pointers count from 1."))
    return problems


def _amount_problems(n: int, line: LineInput) -> list[Problem]:
    """The line's charge and units, in range first (a 40-digit charge cannot even be
    rounded to cents), then in cents."""
    if not line.charge.is_finite() or abs(line.charge) > MAX_CHARGE:
        return [Problem(f"line[{n}].charge", f"A charge is at most {MAX_CHARGE:,}.")]
    if line.units is not None and (not line.units.is_finite() or abs(line.units) > MAX_UNITS):
        return [Problem(f"line[{n}].units", f"Units are at most {MAX_UNITS:,}.")]
    if line.charge != line.charge.quantize(CENT):
        return [Problem(f"line[{n}].charge", "Charges are dollars and cents.")]
    return []


def new_pcn(client: Organization, today: date | None = None) -> str:
    """A patient control number no claim of this client has (see the module docstring)."""
    stamp = (today or client.today()).strftime("%y%m%d")
    while True:
        pcn = "RD" + stamp + "".join(secrets.choice(PCN_ALPHABET) for _ in range(8))
        if not Claim.objects.filter(client=client, patient_control_number=pcn).exists():
            return pcn


# --- the rows around a claim, found by the mirror's natural keys --------------------------

def _payer(client: Organization, data: PayerInput) -> Payer:
    """By (client, payer id), as the mirror keys payers; a new one gets the name and kind."""
    payer_id = data.payer_id.strip()[:80]
    payer, _created = Payer.objects.get_or_create(
        client=client, payer_id=payer_id,
        defaults={"name": (data.name.strip() or payer_id)[:200], "kind": data.kind})
    return payer


def _provider(client: Organization, data: ProviderInput) -> Provider:
    """By (client, NPI); blanks on a known provider are filled, nothing typed over."""
    npi = data.npi.strip()[:10]
    wanted = {"name": (data.name.strip() or npi)[:200], "taxonomy": data.taxonomy.strip()[:10],
              "tax_id": data.tax_id.strip()[:20],
              "tax_id_qualifier": data.tax_id_qualifier[:2] if data.tax_id.strip() else "",
              "entity_type": data.entity_type or "2", **data.address.fields()}
    provider, created = Provider.objects.get_or_create(client=client, npi=npi, defaults=wanted)
    if not created:
        blanks = [k for k, v in wanted.items() if v and not getattr(provider, k)]
        for name in blanks:
            setattr(provider, name, wanted[name])
        if blanks:
            provider.save(update_fields=blanks)
    return provider


def _patient(client: Organization, data: PatientInput) -> Patient:
    """Same last name, first name and birth date is the same patient: the oldest such row."""
    last, first = data.last_name.strip()[:100], data.first_name.strip()[:100]
    found: Patient | None = Patient.objects.filter(client=client, last_name=last, first_name=first,
                                   birth_date=data.birth_date).order_by("pk").first()
    if found is not None:
        return found
    return Patient.objects.create(client=client, last_name=last, first_name=first,
                                  birth_date=data.birth_date, sex=data.sex[:1].upper(),
                                  **data.address.fields())


def _coverage(client: Organization, patient: Patient, payer: Payer,
              data: CoverageInput) -> Coverage:
    """By (patient, payer, member id), the mirror's key; the typed plan data is kept."""
    member_id = data.member_id.strip()[:80] or "-"
    other = data.relationship != SELF
    values = {
        "priority": data.priority[:1] or "P", "group_number": data.group_number.strip()[:50],
        "filing_indicator": data.filing_indicator[:2],
        "relationship": data.relationship[:2] or SELF,
        "subscriber_last_name": data.subscriber_last_name.strip()[:100] if other else "",
        "subscriber_first_name": data.subscriber_first_name.strip()[:100] if other else "",
        "subscriber_birth_date": data.subscriber_birth_date if other else None,
        "subscriber_sex": data.subscriber_sex[:1].upper() if other else "",
    }
    coverage, created = Coverage.objects.get_or_create(
        client=client, patient=patient, payer=payer, member_id=member_id, defaults=values)
    if not created and any(getattr(coverage, k) != v for k, v in values.items()):
        for name, value in values.items():
            setattr(coverage, name, value)
        coverage.save(update_fields=list(values))
    return coverage


def _claim_values(client: Organization, data: ChargeInput) -> dict[str, Any]:
    payer = _payer(client, data.payer)
    patient = _patient(client, data.patient)
    dates = [ln.service_date for ln in data.lines if ln.service_date is not None]
    return {
        "patient": patient, "payer": payer,
        "coverage": _coverage(client, patient, payer, data.coverage),
        "billing_provider": _provider(client, data.billing_provider),
        "kind": data.kind, "frequency": data.frequency[:1] or "1",
        "facility_code": data.facility_code.strip()[:2],
        "service_from": min(dates, default=None), "service_to": max(dates, default=None),
        "total_charge": sum((ln.charge for ln in data.lines), Decimal(0)).quantize(CENT),
        "diagnoses": data.stored_diagnoses(),
        "prior_authorization": data.prior_authorization.strip()[:50],
    }


def _line_values(kind: str, line: LineInput) -> dict[str, Any]:
    procedure = normal_code(line.procedure)
    return {
        "procedure_qualifier": "HC" if procedure else "", "procedure": procedure[:48],
        "modifiers": [normal_code(m) for m in line.modifiers if normal_code(m)][:4],
        "revenue_code": line.revenue_code.strip()[:4] if kind == "I" else "",
        "charge": line.charge.quantize(CENT),
        "units": line.units.quantize(UNIT_PLACES) if line.units is not None else None,
        "service_date": line.service_date,
        "diagnosis_pointers": list(line.diagnosis_pointers),
        "place_of_service": line.place_of_service.strip()[:2],
    }


def _write_lines(claim: Claim, data: ChargeInput) -> None:
    """Lines by number: kept rows updated in place (others may point at them), extras gone."""
    stored = {ln.line_number: ln for ln in claim.lines.all()}
    for number, line in enumerate(data.lines, start=1):
        values = _line_values(data.kind, line)
        row = stored.pop(number, None)
        if row is None:
            ClaimLine.objects.create(claim=claim, line_number=number, **values)
        elif any(getattr(row, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))
    if stored:
        ClaimLine.objects.filter(pk__in=[ln.pk for ln in stored.values()]).delete()


# --- entry, update, discard ----------------------------------------------------------------

def may_enter(user: Any, client_id: int) -> None:
    """Entering charges is claims work for this client (404 out of sight, 403 by role)."""
    require(user, Action.WORK_ITEMS, client_id, Workflow.CHARGES_CLAIMS)


def enter_claim(client: Organization, data: ChargeInput, *,
                acting_user: Any, origin: str = ClaimOrigin.ENTRY, pcn: str = "") -> Claim:
    """A new DRAFT claim (no ledger rows), with a fresh patient control number unless given."""
    may_enter(acting_user, client.pk)
    problems = check_input(data)
    if problems:
        raise ChargeError(problems)
    with transaction.atomic():
        claim = write_new_draft(client, data, origin, pcn)
        claims_built.send(Claim, client_id=client.pk, claim_ids=[claim.pk])
        record("charges.claim_entered", client_id=client.pk, obj=claim, acting_user=acting_user,
               detail={"origin": origin, "lines": len(data.lines),
                       "total_charge": str(claim.total_charge)})
    return claim


def write_new_draft(client: Organization, data: ChargeInput, origin: str, pcn: str) -> Claim:
    """The claim, its lines and the rows around it; callers check the input, hold the
    transaction and write the audit event (the preview rolls all of it back)."""
    values = _claim_values(client, data)
    for _attempt in range(5):
        number = pcn or new_pcn(client)
        try:
            with transaction.atomic():
                claim = Claim.objects.create(
                    client=client, patient_control_number=number, status=ClaimStatus.DRAFT,
                    origin=origin, front_door=FrontDoor.NONE, **values)
        except IntegrityError:
            if pcn:
                raise
            continue  # another entry drew the same number between check and insert
        _write_lines(claim, data)
        return claim
    raise IntegrityError("could not draw a free patient control number")


def lock_draft(claim: Claim, version: int | None) -> Claim:
    """The claim re-read under a row lock, if it may still change and is at ``version``."""
    current: Claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if current.status != ClaimStatus.DRAFT or current.front_door not in EDITABLE_FRONT_DOORS:
        where = current.get_front_door_display() if current.front_door else ""
        raise NotADraft(f"Claim {current.patient_control_number} has left the draft stage "
                        f"({current.get_status_display()}{', ' + where if where else ''}).")
    if version is not None and current.version != version:
        raise Conflict(current.pk, version, current.version)
    return current


def update_draft(claim: Claim, data: ChargeInput, version: int | None, *,
                 acting_user: Any) -> Claim:
    """Replace a draft's content if it is still at ``version`` (None: imports, no check).

    The scrubber's verdict no longer holds for the new content, so the front door goes back
    to blank until the claim is scrubbed again.
    """
    may_enter(acting_user, claim.client_id)
    problems = check_input(data)
    if problems:
        raise ChargeError(problems)
    with transaction.atomic():
        current = replace_content(lock_draft(claim, version), data)
        claims_built.send(Claim, client_id=current.client_id, claim_ids=[current.pk])
        record("charges.draft_updated", client_id=current.client_id, obj=current,
               acting_user=acting_user,
               detail={"version": current.version, "lines": len(data.lines),
                       "total_charge": str(current.total_charge)})
    return current


def discard_draft(claim: Claim, version: int | None, *, acting_user: Any) -> None:
    """Delete a draft that never left; one something else already points at cannot go."""
    may_enter(acting_user, claim.client_id)
    with transaction.atomic():
        current = lock_draft(claim, version)
        pcn = current.patient_control_number
        try:
            with transaction.atomic():
                current.lines.all().delete()
                current.delete()
        except ProtectedError as exc:
            raise NotADraft(f"Claim {pcn} is referenced by other records and cannot be "
                            "discarded.") from exc
        record("charges.draft_discarded", client_id=claim.client_id, acting_user=acting_user,
               object_type="claims.claim", object_id=claim.pk,
               detail={"pcn": pcn})


@dataclass
class ImportResult:
    """What an import did, or (``problems`` not empty) why it wrote nothing at all."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_summary(self) -> dict[str, Any]:
        return {"claims_created": len(self.created), "claims_updated": len(self.updated),
                "problems": len(self.problems)}


def save_keyed_drafts(client: Organization, origin: str,
                      claims: Sequence[tuple[str, ChargeInput, str]], *,
                      acting_user: Any) -> ImportResult:
    """Create or update drafts by the client's claim key (used as the control number).

    ``claims`` are (claim key, input, where it came from for problems). Either every claim is
    written, or (any problem) none is: one transaction, rolled back on the first refusal. A
    key already naming a claim past the draft stage, or a mirrored one, is refused.
    """
    may_enter(acting_user, client.pk)
    result = ImportResult()
    for key, data, where in claims:
        result.problems += [replace(p, row=p.row or where) for p in check_input(data)]
        if not key or len(key) > MAX_PCN:
            result.problems.append(Problem("claim_key", f"A claim key of 1 to {MAX_PCN} "
                                           "characters is required.", where))
    existing = {c.patient_control_number: c for c in Claim.objects.filter(
        client=client, patient_control_number__in=[k for k, _d, _w in claims])}
    for key, _data, where in claims:
        claim = existing.get(key)
        if claim is not None and (claim.status != ClaimStatus.DRAFT
                                  or claim.front_door not in EDITABLE_FRONT_DOORS):
            result.problems.append(Problem(
                "claim_key", f"Claim {key} already exists and is not a draft we may change.",
                where))
    if result.problems:
        return result
    with transaction.atomic():
        built = []
        for key, data, _where in claims:
            claim = existing.get(key)
            if claim is None:
                built.append(write_new_draft(client, data, origin, key).pk)
                result.created.append(key)
            else:
                built.append(replace_content(lock_draft(claim, None), data).pk)
                result.updated.append(key)
        claims_built.send(Claim, client_id=client.pk, claim_ids=built)
        record("charges.imported", client_id=client.pk, acting_user=acting_user,
               object_type="claims.claim", object_id="",
               detail={"origin": origin, **result.as_summary()})
    return result


def replace_content(current: Claim, data: ChargeInput) -> Claim:
    """A locked draft's content replaced; the scrubber's verdict no longer holds for it."""
    for name, value in _claim_values(current.client, data).items():
        setattr(current, name, value)
    current.front_door = FrontDoor.NONE
    current.version += 1
    current.updated_at = timezone.now()
    current.save()
    _write_lines(current, data)
    return current
