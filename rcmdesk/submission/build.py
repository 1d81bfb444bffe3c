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
from typing import Any

from rcmdesk.claims.models import Claim, ClaimLine, Payer, PayerKind, Provider
from rcmdesk.x12 import t837
from rcmdesk.x12.values import Address, DateRef, Name, builder

_new_address = builder(Address)
_new_name = builder(Name)
_new_subscriber = builder(t837.Subscriber)

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


@dataclass(frozen=True, slots=True)
class Loaded:
    """One claim ready for a set: its typed 837 form and what the batch records about it."""

    pk: int
    patient_control_number: str
    kind: str
    order: tuple[int, int, int, int]  # provider, coverage, patient, claim: HL runs group
    claim: t837.Claim


CLAIM_FIELDS = ("id", "patient_control_number", "kind", "frequency", "facility_code",
                "service_from", "service_to", "total_charge", "diagnoses",
                "prior_authorization", "billing_provider_id", "coverage_id", "patient_id",
                "payer_id")
PERSON_FIELDS = ("last_name", "first_name", "middle_name", "suffix", "birth_date", "sex",
                 "address_line1", "address_line2", "city", "state", "postal_code")
COVERAGE_FIELDS = ("member_id", "priority", "group_number", "filing_indicator", "relationship",
                   "subscriber_last_name", "subscriber_first_name", "subscriber_birth_date",
                   "subscriber_sex")
LINE_FIELDS = ("claim_id", "line_number", "procedure_qualifier", "procedure", "modifiers",
               "revenue_code", "charge", "units", "service_date", "diagnosis_pointers",
               "place_of_service", "control_number")


def load(claim_ids: Iterable[int]) -> list[Loaded]:
    """Claims with everything the 837 needs, mapped to typed claims.

    Rows, not model instances: two queries per chunk of ids (claims joined to patient and
    coverage; their lines), plus one each for the few payers and billing providers, which
    are mapped once each however many claims share them.
    """
    ids = sorted(set(claim_ids))
    fields = (*CLAIM_FIELDS, *(f"patient__{f}" for f in PERSON_FIELDS),
              *(f"coverage__{f}" for f in COVERAGE_FIELDS))
    rows: list[dict[str, Any]] = []
    lines: dict[int, list[tuple[Any, ...]]] = {}
    for start in range(0, len(ids), LOAD_CHUNK):
        chunk = ids[start:start + LOAD_CHUNK]
        rows.extend(Claim.objects.filter(pk__in=chunk).order_by("pk").values(*fields))
        for line in (ClaimLine.objects.filter(claim_id__in=chunk)
                     .order_by("claim_id", "line_number").values_list(*LINE_FIELDS)):
            lines.setdefault(line[0], []).append(line)
    payers = {p.pk: p for p in Payer.objects.filter(pk__in={r["payer_id"] for r in rows})}
    providers = {p.pk: _provider(p) for p in Provider.objects.filter(
        pk__in={r["billing_provider_id"] for r in rows if r["billing_provider_id"]})}
    no_provider = _provider(None)
    payer_names = {pk: _payer_name(p) for pk, p in payers.items()}
    filing = {pk: FILING_BY_KIND.get(PayerKind(p.kind), "ZZ") for pk, p in payers.items()}
    out = []
    for row in rows:
        provider = providers.get(row["billing_provider_id"], no_provider)
        typed = to_t837(row, lines.get(row["id"], []), provider, payer_names[row["payer_id"]],
                        filing[row["payer_id"]])
        out.append(Loaded(row["id"], row["patient_control_number"], row["kind"],
                          (row["billing_provider_id"] or 0, row["coverage_id"] or 0,
                           row["patient_id"], row["id"]), typed))
    return out


def submission(kind: str, claims: Sequence[Loaded], parties: Parties, *, control: str,
               reference: str) -> t837.ClaimSubmission:
    """One 837 set; claims are ordered so that the writer's HL runs group them.

    The writer opens a billing provider (and a subscriber) loop per consecutive run, so
    sorting by provider, then coverage, keeps the file from repeating the same parents.
    """
    ordered = sorted(claims, key=lambda c: c.order)
    return t837.ClaimSubmission(
        kind=kind, control=control, reference=reference,
        submitter=Name("41", "2", parties.submitter_name, id_qualifier="46",
                       id=parties.submitter_id),
        receiver=Name("40", "2", parties.receiver_name, id_qualifier="46",
                      id=parties.receiver_id),
        claims=tuple(c.claim for c in ordered),
        contact_name=parties.contact_name, contact_phone=parties.contact_phone)


_claim = builder(t837.Claim)
_line_of = builder(t837.ServiceLine)
_diagnosis = builder(t837.Diagnosis)
_date = builder(DateRef)


def to_t837(row: dict[str, Any], lines: list[tuple[Any, ...]], provider: t837.Provider,
            payer: Name, filing: str) -> t837.Claim:
    """One claim row (``load``'s query) as a typed 837 claim, sent as its own kind."""
    kind = row["kind"]
    relationship = (row["coverage__relationship"] if row["coverage_id"] else SELF) or SELF
    subscriber = _subscriber(row, relationship, payer, filing)
    patient = None if relationship == SELF else _patient(row, relationship)
    facility = row["facility_code"] or ("11" if kind == "P" else "13")
    return _claim(
        row["patient_control_number"], row["total_charge"], facility[:2],
        "A" if kind == "I" else "B", row["frequency"] or "1", provider, subscriber, patient,
        tuple(_diagnosis(q, code.replace(".", "")) for q, code in row["diagnoses"]),
        _claim_dates(row, kind, facility),
        tuple(_line(ln, kind, facility) for ln in lines),
        DEFAULT_ADMISSION_TYPE if kind == "I" else "", "",
        DEFAULT_PATIENT_STATUS if kind == "I" else "",
        row["prior_authorization"],
    )


def _d8(day: date | None) -> str:
    return f"{day:%Y%m%d}" if day is not None else ""


def _claim_dates(row: dict[str, Any], kind: str, facility: str) -> tuple[DateRef, ...]:
    """837I: the statement period (434), and the admission date (435) when inpatient."""
    if kind != "I" or row["service_from"] is None:
        return ()
    start, end = row["service_from"], row["service_to"] or row["service_from"]
    dates = [DateRef("434", f"{_d8(start)}-{_d8(end)}", "RD8")]
    if facility[:1] == "1" and facility[1:2] in ("1", "2"):  # hospital inpatient
        dates.append(DateRef("435", _d8(start), "D8"))
    return tuple(dates)


def _address(row: Provider) -> Address | None:
    if not (row.address_line1 or row.city):
        return None
    return Address(row.address_line1, row.address_line2, row.city, row.state, row.postal_code)


def _person_address(row: dict[str, Any]) -> Address | None:
    if not (row["patient__address_line1"] or row["patient__city"]):
        return None
    return _new_address(row["patient__address_line1"], row["patient__address_line2"],
                        row["patient__city"], row["patient__state"], row["patient__postal_code"])


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


def _subscriber(row: dict[str, Any], relationship: str, payer: Name, filing: str
                ) -> t837.Subscriber:
    covered = row["coverage_id"] is not None
    member_id = row["coverage__member_id"] if covered else ""
    filing = (row["coverage__filing_indicator"] if covered else "") or filing
    responsibility = (row["coverage__priority"] if covered else "") or "P"
    group = row["coverage__group_number"] if covered else ""
    if relationship == SELF or not covered:
        return _new_subscriber(
            responsibility, SELF, group, filing,
            _new_name("IL", "1", row["patient__last_name"], row["patient__first_name"],
                      row["patient__middle_name"], row["patient__suffix"], "MI", member_id),
            payer, _person_address(row), _d8(row["patient__birth_date"]),
            row["patient__sex"] or "U")
    born = row["coverage__subscriber_birth_date"]
    return _new_subscriber(
        responsibility, "", group, filing,
        _new_name("IL", "1", row["coverage__subscriber_last_name"],
                  row["coverage__subscriber_first_name"], "", "", "MI", member_id),
        payer, None, _d8(born), row["coverage__subscriber_sex"] if born else "")


def _patient(row: dict[str, Any], relationship: str) -> t837.Patient:
    return t837.Patient(
        relationship, Name("QC", "1", row["patient__last_name"], row["patient__first_name"],
                           row["patient__middle_name"], row["patient__suffix"]),
        _person_address(row), _d8(row["patient__birth_date"]), row["patient__sex"] or "U")


def _line(line: tuple[Any, ...], kind: str, facility: str) -> t837.ServiceLine:
    (_claim_id, number, qualifier, code, modifiers, revenue, charge, units, day, pointers,
     pos, control) = line
    procedure: tuple[str, ...] = ()
    if code:
        procedure = (qualifier or "HC", code, *[str(m) for m in modifiers[:4]])
    dates = (_date("472", _d8(day), "D8"),) if day is not None else ()
    professional = kind == "P"
    return _line_of(
        str(number), procedure, charge, "UN", _units(units),
        "" if professional else revenue,
        tuple(str(p) for p in pointers[:4]) if professional else (),
        dates, control, pos if professional and pos != facility else "")


def _units(units: Decimal | None) -> Decimal:
    """SV104/SV205 are required: one unit when none was entered; no trailing zeros."""
    if units is None:
        return Decimal(1)
    return units.normalize() if units == units.to_integral_value() else units
