"""Mirror rows to typed 837 claims: the one place that knows how our rows map to loops.

Loading is set-based (one query for claims with their patient, payer, coverage and billing
provider, one for their lines), so building 100,000 claims costs two queries, not 200,000.
The typed objects then go through ``rcmdesk.x12.writers.build_837`` like every other
837 we write, so segment syntax lives in exactly one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch

from rcmdesk.claims.models import Claim, ClaimLine, Coverage, Patient, Payer, PayerKind, Provider
from rcmdesk.x12 import t837
from rcmdesk.x12.values import Address, DateRef, Name

# SBR09 when the coverage does not say: what a payer of that kind is usually filed as
FILING_BY_KIND = {PayerKind.MEDICARE: "MB", PayerKind.MEDICAID: "MC",
                  PayerKind.COMMERCIAL: "CI", PayerKind.OTHER: "ZZ"}
SELF = "18"
# CL1 on an 837I: elective admission, discharged to home; the mirror keeps neither
DEFAULT_ADMISSION_TYPE = "3"
DEFAULT_PATIENT_STATUS = "01"
LOAD_CHUNK = 2000  # ids per IN (...) list: SQLite allows 32,766 parameters a statement


@dataclass(frozen=True, slots=True)
class Parties:
    """1000A/1000B and the PER contact of one submission (from the client's profile)."""

    submitter_name: str
    submitter_id: str
    receiver_name: str
    receiver_id: str
    contact_name: str = "BILLING OFFICE"
    contact_phone: str = "5555550100"


def load(claim_ids: Iterable[int]) -> list[Claim]:
    """Claims with everything the 837 needs, in two queries per chunk of ids."""
    ids = sorted(set(claim_ids))
    out: list[Claim] = []
    lines = Prefetch("lines", queryset=ClaimLine.objects.order_by("claim_id", "line_number"))
    for start in range(0, len(ids), LOAD_CHUNK):
        chunk = ids[start:start + LOAD_CHUNK]
        out.extend(Claim.objects.filter(pk__in=chunk)
                   .select_related("patient", "payer", "coverage", "billing_provider")
                   .prefetch_related(lines).order_by("pk"))
    return out


def submission(kind: str, claims: Sequence[Claim], parties: Parties, *, control: str,
               reference: str) -> t837.ClaimSubmission:
    """One 837 set; claims are ordered so that the writer's HL runs group them.

    The writer opens a billing provider (and a subscriber) loop per consecutive run, so
    sorting by provider, then coverage, keeps the file from repeating the same parents.
    """
    ordered = sorted(claims, key=lambda c: (c.billing_provider_id or 0, c.coverage_id or 0,
                                            c.patient_id, c.pk))
    return t837.ClaimSubmission(
        kind=kind, control=control, reference=reference,
        submitter=Name("41", "2", parties.submitter_name, id_qualifier="46",
                       id=parties.submitter_id),
        receiver=Name("40", "2", parties.receiver_name, id_qualifier="46",
                      id=parties.receiver_id),
        claims=tuple(to_t837(c, kind) for c in ordered),
        contact_name=parties.contact_name, contact_phone=parties.contact_phone)


def to_t837(claim: Claim, kind: str | None = None) -> t837.Claim:
    """One mirror claim (loaded by ``load``) as a typed 837 claim."""
    kind = kind or claim.kind
    coverage = claim.coverage
    relationship = (coverage.relationship if coverage is not None else SELF) or SELF
    subscriber = _subscriber(claim, coverage, relationship)
    patient = None if relationship == SELF else _patient(claim.patient, relationship)
    lines = list(claim.lines.all())
    facility = claim.facility_code or ("11" if kind == "P" else "13")
    return t837.Claim(
        patient_control_number=claim.patient_control_number,
        charge=claim.total_charge,
        facility_code=facility[:2],
        facility_qualifier="A" if kind == "I" else "B",
        frequency=claim.frequency or "1",
        billing_provider=_provider(claim.billing_provider),
        subscriber=subscriber,
        patient=patient,
        diagnoses=tuple(t837.Diagnosis(q, code.replace(".", ""))
                        for q, code in claim.diagnoses),
        dates=_claim_dates(claim, kind, facility),
        lines=tuple(_line(ln, kind, facility) for ln in lines),
        admission_type=DEFAULT_ADMISSION_TYPE if kind == "I" else "",
        patient_status=DEFAULT_PATIENT_STATUS if kind == "I" else "",
        prior_authorization=claim.prior_authorization,
    )


def _d8(day: date | None) -> str:
    return f"{day:%Y%m%d}" if day is not None else ""


def _claim_dates(claim: Claim, kind: str, facility: str) -> tuple[DateRef, ...]:
    """837I: the statement period (434), and the admission date (435) when inpatient."""
    if kind != "I" or claim.service_from is None:
        return ()
    start, end = claim.service_from, claim.service_to or claim.service_from
    dates = [DateRef("434", f"{_d8(start)}-{_d8(end)}", "RD8")]
    if facility[:1] == "1" and facility[1:2] in ("1", "2"):  # hospital inpatient
        dates.append(DateRef("435", _d8(start), "D8"))
    return tuple(dates)


def _address(row: Patient | Provider) -> Address | None:
    if not (row.address_line1 or row.city):
        return None
    return Address(row.address_line1, row.address_line2, row.city, row.state, row.postal_code)


def _provider(p: Provider | None) -> t837.Provider:
    if p is None:
        return t837.Provider(Name("85", "2"))
    person = p.entity_type == "1"
    last, _, first = p.name.partition(",") if person else (p.name, "", "")
    return t837.Provider(
        Name("85", p.entity_type or "2", last.strip(), first.strip(), id_qualifier="XX",
             id=p.npi),
        _address(p), p.tax_id_qualifier or ("EI" if p.tax_id else ""), p.tax_id, p.taxonomy)


def _payer_name(payer: Payer) -> Name:
    return Name("PR", "2", payer.name, id_qualifier="PI", id=payer.payer_id)


def _subscriber(claim: Claim, coverage: Coverage | None, relationship: str) -> t837.Subscriber:
    patient = claim.patient
    member_id = coverage.member_id if coverage is not None else ""
    filing = (coverage.filing_indicator if coverage is not None else "") or FILING_BY_KIND.get(
        PayerKind(claim.payer.kind), "ZZ")
    responsibility = (coverage.priority if coverage is not None else "") or "P"
    group = coverage.group_number if coverage is not None else ""
    payer = _payer_name(claim.payer)
    if relationship == SELF or coverage is None:
        return t837.Subscriber(
            responsibility, SELF, group, filing,
            Name("IL", "1", patient.last_name, patient.first_name, patient.middle_name,
                 patient.suffix, "MI", member_id),
            payer, _address(patient), _d8(patient.birth_date), patient.sex or "U")
    born = coverage.subscriber_birth_date
    return t837.Subscriber(
        responsibility, "", group, filing,
        Name("IL", "1", coverage.subscriber_last_name, coverage.subscriber_first_name,
             id_qualifier="MI", id=member_id),
        payer, None, _d8(born), coverage.subscriber_sex if born else "")


def _patient(patient: Patient, relationship: str) -> t837.Patient:
    return t837.Patient(
        relationship, Name("QC", "1", patient.last_name, patient.first_name,
                           patient.middle_name, patient.suffix),
        _address(patient), _d8(patient.birth_date), patient.sex or "U")


def _line(line: ClaimLine, kind: str, facility: str) -> t837.ServiceLine:
    procedure: tuple[str, ...] = ()
    if line.procedure:
        procedure = (line.procedure_qualifier or "HC", line.procedure,
                     *[str(m) for m in line.modifiers[:4]])
    dates = ((DateRef("472", _d8(line.service_date), "D8"),)
             if line.service_date is not None else ())
    pos = line.place_of_service if kind == "P" and line.place_of_service != facility else ""
    return t837.ServiceLine(
        number=str(line.line_number),
        procedure=procedure,
        charge=line.charge,
        unit_basis="UN",
        units=_units(line.units),
        revenue_code=line.revenue_code if kind == "I" else "",
        diagnosis_pointers=(tuple(str(p) for p in line.diagnosis_pointers[:4])
                            if kind == "P" else ()),
        dates=dates,
        control_number=line.control_number,
        place_of_service=pos,
    )


def _units(units: Decimal | None) -> Decimal:
    """SV104/SV205 are required: one unit when none was entered; no trailing zeros."""
    if units is None:
        return Decimal(1)
    return units.normalize() if units == units.to_integral_value() else units
