"""Charge imports: CSV, FHIR R4 and 837 files from the client's system, as DRAFT claims.

Every import is all or nothing: the whole file is read and checked first, each problem names
where it is (CSV row and column, FHIR resource and element, X12 segment and element), and
nothing is written unless there is none; then one transaction writes every claim. The
client's claim key becomes the patient control number, so importing the same file again
updates the same drafts instead of adding new ones.

CSV (UTF-8, header row, one row per claim line, rows grouped by ``claim_key``; a row is
numbered as a spreadsheet shows it, the header being row 1). Claim-level columns are read
from the first row of each claim; later rows of the claim may leave them blank.

    claim_key*            the client's claim number (1-38 characters) -> control number
    patient_last_name*, patient_first_name, patient_birth_date (YYYY-MM-DD), patient_sex
    patient_address1, patient_address2, patient_city, patient_state, patient_zip
    payer_id*, payer_name, payer_kind (medicare, medicaid, commercial, other)
    member_id*, group_number, relationship (18 self [default], 01 spouse, 19 child, G8)
    subscriber_last_name, subscriber_first_name, subscriber_birth_date, subscriber_sex
    billing_npi*, billing_name, billing_tax_id, billing_taxonomy
    billing_address1, billing_city, billing_state, billing_zip
    claim_kind (P [default] or I), facility_code, frequency (default 1)
    diagnoses             ICD-10-CM codes, principal first, ";"-separated (E11.9;R51.9)
    prior_authorization
    procedure*            CPT/HCPCS (an I line may give revenue_code instead)
    modifiers             ";"-separated, at most four
    units (default 1), charge* (dollars.cents), service_date (YYYY-MM-DD)
    diagnosis_pointers    ";"-separated 1-based positions in diagnoses (1;2)
    place_of_service, revenue_code

FHIR R4: a JSON Bundle (any type) whose entries are resolved by ``fullUrl`` or
``Type/id``. Accepted, in one of two shapes:

* ``Claim`` resources, one claim each. Key: ``identifier[0].value``, else ``id``. Kind:
  ``type.coding[0].code`` (``institutional`` -> I, else P). ``patient`` -> Patient
  (``name[0].family``/``given[0]``, ``birthDate``, ``gender``, ``address[0]``).
  ``insurance[0].coverage`` -> Coverage (``subscriberId``, else ``identifier[0].value``
  = member id; ``class`` with type ``group`` = group number; ``relationship`` self/spouse/
  child/other; ``subscriber`` -> Patient/RelatedPerson when not self; ``payor[0]`` ->
  Organization: ``identifier[0].value`` = payer id, ``name``), ``insurance[0].preAuthRef[0]``
  = prior authorization. ``provider`` -> Organization or Practitioner: identifier with system
  ``http://hl7.org/fhir/sid/us-npi`` = NPI, system ``urn:oid:2.16.840.1.113883.4.4`` = tax
  id, ``name``, ``address[0]``. ``diagnosis`` by ``sequence``:
  ``diagnosisCodeableConcept.coding[0].code``. ``item`` by ``sequence``:
  ``productOrService.coding[0].code``, ``modifier[].coding[0].code``, ``quantity.value``,
  ``net.value`` (else ``unitPrice.value`` x quantity), ``servicedDate`` or
  ``servicedPeriod.start``, ``diagnosisSequence``, ``locationCodeableConcept.coding[0].code``
  (place of service; the first item's is the claim's facility code), ``revenue.coding[0]
  .code``.
* ``ChargeItem`` resources, grouped into one claim per ``context`` (an Encounter
  reference; key = the encounter's id), or without context per ``subject`` + service day
  (key = patient id + ``-`` + YYYYMMDD). Line: ``code.coding[0].code``, ``quantity.value``,
  ``priceOverride.value`` (the line charge, required), ``occurrenceDateTime`` or
  ``occurrencePeriod.start``, ``reason[].coding[0].code`` (ICD-10-CM; gathered in order for
  the claim, the line pointing at its own). Patient from ``subject``; performer
  ``performingOrganization`` (else ``enteredBy``) is the billing provider as above; the
  coverage is the Bundle's Coverage whose ``beneficiary`` is the subject (as above). Kind P.

837: an 837P or 837I interchange, validated by the X12 engine (errors name segment
position, id and element), each claim a draft (origin x12) keyed by CLM01, applied by
``claims.services.apply_837(draft=True)``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction

from rcmdesk import untrusted
from rcmdesk.audit.services import record
from rcmdesk.charges.services import (
    MAX_CHARGE,
    AddressInput,
    ChargeInput,
    CoverageInput,
    ImportResult,
    LineInput,
    PatientInput,
    PayerInput,
    Problem,
    ProviderInput,
    may_enter,
    save_keyed_drafts,
)
from rcmdesk.claims import services as claims
from rcmdesk.claims.models import Claim, ClaimOrigin, ClaimStatus
from rcmdesk.tenancy.models import Organization
from rcmdesk.uploads import UploadRefused, read_upload
from rcmdesk.x12 import t837
from rcmdesk.x12.errors import X12Error
from rcmdesk.x12.validate import has_errors, validate

FORMATS = ("csv", "fhir", "x12")
FORMAT_WORDS = {"csv": "CSV", "fhir": "FHIR R4 bundle", "x12": "837 (X12)"}
REQUIRED_COLUMNS = ("claim_key", "patient_last_name", "payer_id", "member_id",
                    "billing_npi", "charge")


class Unreadable(ValueError):
    """A value that is not what its column or element holds."""


def guess_format(name: str, data: bytes) -> str:
    """By extension, else by the first bytes (ISA for X12, a brace for JSON)."""
    lower = name.lower()
    for ext, fmt in ((".csv", "csv"), (".json", "fhir"), (".x12", "x12"), (".837", "x12"),
                     (".edi", "x12"), (".txt", "x12")):
        if lower.endswith(ext):
            return fmt
    head = data.lstrip()[:3]
    return "x12" if head == b"ISA" else "fhir" if head[:1] == b"{" else "csv"


def import_upload(client: Organization, upload: Any, fmt: str = "", *,
                  acting_user: Any) -> tuple[ImportResult, str]:
    """An uploaded file (page or API) and the format it was read as: ``fmt`` when it is one
    of ``FORMATS``, else guessed. A file empty or over the upload cap is refused whole, as
    the file's problem, before it is read (``rcmdesk.uploads``)."""
    name = upload.name or "upload"
    try:
        data = read_upload(upload, what="charge file")
    except UploadRefused as exc:
        refused = ImportResult(problems=[Problem("", str(exc), "file")])
        return refused, fmt if fmt in FORMATS else guess_format(name, b"")
    fmt = fmt if fmt in FORMATS else guess_format(name, data)
    return import_file(client, data, fmt, name, acting_user=acting_user), fmt


def import_file(client: Organization, data: bytes, fmt: str,
                name: str = "upload", *, acting_user: Any) -> ImportResult:
    """One file in the named format (see the module docstring)."""
    importer = {"csv": import_csv, "fhir": import_fhir, "x12": import_837}[fmt]
    return importer(client, data, name, acting_user=acting_user)


# --- CSV ---------------------------------------------------------------------------------

def _decimal(value: str, *, default: Decimal | None = None) -> Decimal | None:
    if not value.strip():
        return default
    try:
        return Decimal(value.strip().replace(",", "").lstrip("$"))
    except InvalidOperation as exc:
        raise Unreadable(f"{value!r} is not a number.") from exc


def _date(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise Unreadable(f"{value!r} is not a date (YYYY-MM-DD).") from exc


def _list(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.replace(",", ";").split(";") if p.strip())


def _pointers(value: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in _list(value))
    except ValueError as exc:
        raise Unreadable(f"{value!r} is not a list of numbers (1;2).") from exc


@dataclass
class _Rows:
    """One claim's rows: its first row gives the claim-level columns."""

    first: dict[str, str]
    first_row: int
    lines: list[tuple[int, dict[str, str]]]


# check_input's field paths, as CSV columns
CSV_COLUMNS = {
    "patient.last_name": "patient_last_name", "payer.payer_id": "payer_id",
    "payer.kind": "payer_kind", "coverage.member_id": "member_id",
    "coverage.subscriber_last_name": "subscriber_last_name",
    "billing_provider.npi": "billing_npi", "claim.kind": "claim_kind",
    "claim.lines": "procedure", "procedure": "procedure", "charge": "charge",
    "modifiers": "modifiers", "diagnosis_pointers": "diagnosis_pointers",
}


def import_csv(client: Organization, data: bytes,
               name: str = "upload.csv", *, acting_user: Any) -> ImportResult:
    may_enter(acting_user, client.pk)
    result = ImportResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ImportResult(problems=[Problem("", "The file is not UTF-8 text.", "file")])
    try:
        groups = _csv_groups(text, result.problems)
    except untrusted.Refused as exc:
        return ImportResult(problems=[Problem(exc.column, exc.problem, f"row {exc.row}")])
    if groups is None:
        return result
    claims_in: list[tuple[str, ChargeInput, str]] = []
    for key, group in groups.items():
        built = _csv_claim(group, result.problems)
        if built is not None:
            claims_in.append((key, built, f"row {group.first_row}"))
    if result.problems:
        return result
    if not claims_in:
        return ImportResult(problems=[Problem("", "The file has no rows.", "file")])
    return _with_line_rows(save_keyed_drafts(client, ClaimOrigin.CSV, claims_in,
                                             acting_user=acting_user), groups)


def _csv_groups(text: str, problems: list[Problem]) -> dict[str, _Rows] | None:
    """The rows by claim key, or None when the header lacks a required column."""
    columns, rows = untrusted.csv_table(text, untrusted.Limits.of(settings))
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.extend(Problem(c, "This column is missing.", "row 1") for c in missing)
        return None
    groups: dict[str, _Rows] = {}
    for number, row in rows:
        key = row.get("claim_key", "")
        if not key:
            problems.append(Problem("claim_key", "A claim key is required.", f"row {number}"))
            continue
        group = groups.setdefault(key, _Rows(row, number, []))
        group.lines.append((number, row))
    return groups


def _cell(problems: list[Problem], number: int, row: dict[str, str], column: str,
          read: Callable[[str], Any]) -> Any:
    try:
        return read(row.get(column, ""))
    except Unreadable as exc:
        problems.append(Problem(column, str(exc), f"row {number}"))
        return None


def _csv_claim(group: _Rows, problems: list[Problem]) -> ChargeInput | None:
    first, n = group.first, group.first_row
    before = len(problems)

    def cell(column: str, read: Callable[[str], Any]) -> Any:
        return _cell(problems, n, first, column, read)

    def text(column: str) -> str:
        return first.get(column, "")

    lines = []
    for number, row in group.lines:
        charge = _cell(problems, number, row, "charge", _decimal)
        units = _cell(problems, number, row, "units",
                      lambda v: _decimal(v, default=Decimal(1)))
        served = _cell(problems, number, row, "service_date", _date)
        pointers = _cell(problems, number, row, "diagnosis_pointers", _pointers)
        if charge is None and "charge" not in {p.field for p in problems[before:]}:
            problems.append(Problem("charge", "A charge is required.", f"row {number}"))
        lines.append(LineInput(row.get("procedure", ""), charge or Decimal(0), units,
                               _list(row.get("modifiers", "")), served, pointers or (),
                               row.get("place_of_service", ""), row.get("revenue_code", "")))
    data = ChargeInput(
        patient=PatientInput(text("patient_last_name"), text("patient_first_name"),
                             cell("patient_birth_date", _date), text("patient_sex"),
                             AddressInput(text("patient_address1"), text("patient_address2"),
                                          text("patient_city"), text("patient_state"),
                                          text("patient_zip"))),
        payer=PayerInput(text("payer_id"), text("payer_name"), text("payer_kind") or "other"),
        coverage=CoverageInput(text("member_id"), text("group_number"),
                               text("relationship") or "18",
                               subscriber_last_name=text("subscriber_last_name"),
                               subscriber_first_name=text("subscriber_first_name"),
                               subscriber_birth_date=cell("subscriber_birth_date", _date),
                               subscriber_sex=text("subscriber_sex")),
        billing_provider=ProviderInput(text("billing_npi"), text("billing_name"),
                                       tax_id=text("billing_tax_id"),
                                       taxonomy=text("billing_taxonomy"),
                                       address=AddressInput(text("billing_address1"), "",
                                                            text("billing_city"),
                                                            text("billing_state"),
                                                            text("billing_zip"))),
        lines=tuple(lines), kind=text("claim_kind").upper() or "P",
        facility_code=text("facility_code"), frequency=text("frequency") or "1",
        diagnoses=_list(text("diagnoses")), prior_authorization=text("prior_authorization"),
    )
    return None if len(problems) > before else data


def _with_line_rows(result: ImportResult, groups: dict[str, _Rows]) -> ImportResult:
    """``line[n].field`` problems moved to the CSV row and column they came from."""
    if not result.problems:
        return result
    by_first = {f"row {g.first_row}": g for g in groups.values()}
    located = []
    for p in result.problems:
        group = by_first.get(p.row)
        path = p.field
        if group is not None and path.startswith("line[") and "]." in path:
            index, _, rest = path[5:].partition("].")
            number = group.lines[int(index) - 1][0]
            located.append(Problem(CSV_COLUMNS.get(rest, rest), p.message, f"row {number}"))
        else:
            located.append(Problem(CSV_COLUMNS.get(path, path), p.message, p.row))
    result.problems = located
    return result


# --- FHIR R4 -----------------------------------------------------------------------------

NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
TAX_ID_SYSTEM = "urn:oid:2.16.840.1.113883.4.4"
RELATIONSHIPS = {"self": "18", "spouse": "01", "child": "19"}
SEXES = {"male": "M", "female": "F"}


class _Bundle:
    """The Bundle's resources by ``fullUrl`` and by ``Type/id``."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        self.entries: list[tuple[int, dict[str, Any]]] = []
        self.by_ref: dict[str, dict[str, Any]] = {}
        for index, entry in enumerate(bundle.get("entry") or []):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict):
                continue
            self.entries.append((index, resource))
            if entry.get("fullUrl"):
                self.by_ref[str(entry["fullUrl"])] = resource
            if resource.get("id"):
                self.by_ref[f"{resource.get('resourceType')}/{resource['id']}"] = resource

    def of_type(self, kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
        return ((i, r) for i, r in self.entries if r.get("resourceType") == kind)

    def get(self, ref: Any) -> dict[str, Any]:
        reference = ref.get("reference", "") if isinstance(ref, dict) else ""
        return self.by_ref.get(reference) or {}


def _first(items: Any) -> dict[str, Any]:
    return items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}


def _code(concept: Any) -> str:
    return str(_first((concept or {}).get("coding")).get("code", "")) if isinstance(
        concept, dict) else ""


def _fhir_date(value: Any, where: str, problems: list[Problem], field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        problems.append(Problem(field, f"{value!r} is not a date.", where))
        return None


def _address(resource: dict[str, Any]) -> AddressInput:
    a = _first(resource.get("address"))
    lines = [str(x) for x in a.get("line") or []]
    return AddressInput(lines[0] if lines else "", lines[1] if len(lines) > 1 else "",
                        str(a.get("city", "")), str(a.get("state", "")),
                        str(a.get("postalCode", "")))


def _fhir_name_and_birth(resource: dict[str, Any], where: str,
            problems: list[Problem]) -> tuple[str, str, date | None, str]:
    name = _first(resource.get("name"))
    given = name.get("given") or []
    return (str(name.get("family", "")), str(given[0]) if given else "",
            _fhir_date(resource.get("birthDate"), where, problems, "birthDate"),
            SEXES.get(str(resource.get("gender", "")), "U" if resource.get("gender") else ""))


def _identifier(resource: dict[str, Any], system: str) -> str:
    for ident in resource.get("identifier") or []:
        if isinstance(ident, dict) and ident.get("system") == system:
            return str(ident.get("value", ""))
    return ""


def _provider(resource: dict[str, Any]) -> ProviderInput:
    name = resource.get("name", "")
    if isinstance(name, list):  # a Practitioner's HumanName
        n = _first(name)
        name = " ".join([str(n.get("family", "")), *[str(g) for g in n.get("given") or []]])
    practitioner = resource.get("resourceType") == "Practitioner"
    return ProviderInput(_identifier(resource, NPI_SYSTEM), str(name),
                         tax_id=_identifier(resource, TAX_ID_SYSTEM),
                         entity_type="1" if practitioner else "2",
                         address=_address(resource))


def _coverage(bundle: _Bundle, coverage: dict[str, Any], where: str,
              problems: list[Problem]) -> tuple[PayerInput, CoverageInput]:
    payor = bundle.get(_first(coverage.get("payor")))
    member = str(coverage.get("subscriberId") or _first(coverage.get("identifier")).get(
        "value", ""))
    group = next((str(c.get("value", "")) for c in coverage.get("class") or []
                  if isinstance(c, dict) and _code(c.get("type")) == "group"), "")
    relationship = RELATIONSHIPS.get(_code(coverage.get("relationship")) or "self", "G8")
    last = first = sex = ""
    born = None
    if relationship != "18":
        last, first, born, sex = _fhir_name_and_birth(bundle.get(coverage.get("subscriber")), where,
                                         problems)
    return (PayerInput(str(_first(payor.get("identifier")).get("value", "")),
                       str(payor.get("name", ""))),
            CoverageInput(member, group, relationship, subscriber_last_name=last,
                          subscriber_first_name=first, subscriber_birth_date=born,
                          subscriber_sex=sex))


def _money(value: Any, where: str, field: str, problems: list[Problem]) -> Decimal | None:
    amount = value.get("value") if isinstance(value, dict) else None
    if amount is None:
        return None
    try:
        number = Decimal(str(amount))
    except InvalidOperation:
        problems.append(Problem(field, f"{amount!r} is not an amount.", where))
        return None
    if not number.is_finite() or abs(number) > MAX_CHARGE:
        problems.append(Problem(field, f"{amount} is more than any amount or quantity a "
                                       f"claim holds ({MAX_CHARGE:,}).", where))
        return None
    return number


def _sequence(value: Any) -> int:
    """A FHIR ``sequence`` (a positive integer). Anything else is 0: it sorts first and a
    pointer to it points nowhere, which ``check_input`` then reports on the line."""
    try:
        return int(value or 0)
    except (TypeError, ValueError, ArithmeticError):
        return 0


def _fhir_claim(bundle: _Bundle, index: int, claim: dict[str, Any],
                problems: list[Problem]) -> tuple[str, ChargeInput, str]:
    where = f"entry[{index}] Claim"
    key = str(_first(claim.get("identifier")).get("value") or claim.get("id") or "")
    last, first, born, sex = _fhir_name_and_birth(bundle.get(claim.get("patient")), where, problems)
    patient = bundle.get(claim.get("patient"))
    insurance = _first(claim.get("insurance"))
    payer, coverage = _coverage(bundle, bundle.get(insurance.get("coverage")), where, problems)
    diagnoses = sorted((d for d in claim.get("diagnosis") or [] if isinstance(d, dict)),
                       key=lambda d: _sequence(d.get("sequence")))
    positions = {_sequence(d.get("sequence")): n for n, d in enumerate(diagnoses, start=1)}
    items = sorted((i for i in claim.get("item") or [] if isinstance(i, dict)),
                   key=lambda i: _sequence(i.get("sequence")))
    lines = []
    for n, item in enumerate(items):
        at = f"item[{n}]"
        units = _money(item.get("quantity"), where, f"{at}.quantity", problems)
        charge = _money(item.get("net"), where, f"{at}.net", problems)
        if charge is None:
            price = _money(item.get("unitPrice"), where, f"{at}.unitPrice", problems)
            charge = price * (units or Decimal(1)) if price is not None else None
        if charge is None:
            problems.append(Problem(f"{at}.net", "A charge (net or unitPrice) is required.",
                                    where))
        period = item.get("servicedPeriod") or {}
        lines.append(LineInput(
            _code(item.get("productOrService")), (charge or Decimal(0)).quantize(Decimal("0.01")),
            units if units is not None else Decimal(1),
            tuple(_code(m) for m in item.get("modifier") or []),
            _fhir_date(item.get("servicedDate") or period.get("start"), where,
                       problems, f"{at}.servicedDate"),
            tuple(positions.get(_sequence(s), 0) for s in item.get("diagnosisSequence") or []),
            _code(item.get("locationCodeableConcept")), _code(item.get("revenue"))))
    data = ChargeInput(
        patient=PatientInput(last, first, born, sex, _address(patient)),
        payer=payer, coverage=coverage,
        billing_provider=_provider(bundle.get(claim.get("provider"))),
        lines=tuple(lines),
        kind="I" if _code(claim.get("type")) == "institutional" else "P",
        facility_code=lines[0].place_of_service if lines else "",
        diagnoses=tuple(_code(d.get("diagnosisCodeableConcept")) for d in diagnoses),
        prior_authorization=str((insurance.get("preAuthRef") or [""])[0]))
    return key, data, where


def _charge_items(bundle: _Bundle, problems: list[Problem]
                  ) -> list[tuple[str, ChargeInput, str]]:
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for index, item in bundle.of_type("ChargeItem"):
        where = f"entry[{index}] ChargeItem"
        when = item.get("occurrenceDateTime") or (item.get("occurrencePeriod") or {}).get(
            "start") or ""
        context = (item.get("context") or {}).get("reference", "")
        subject = (item.get("subject") or {}).get("reference", "")
        if context:
            key = context.rsplit("/", 1)[-1]
        elif subject and when:
            key = f"{subject.rsplit('/', 1)[-1]}-{str(when)[:10].replace('-', '')}"
        else:
            problems.append(Problem("context", "A ChargeItem needs a context (Encounter) or a "
                                    "subject and an occurrence date.", where))
            continue
        groups.setdefault(key, []).append((index, item))
    out = []
    for key, members in groups.items():
        out.append(_charge_item_claim(bundle, key, members, problems))
    return out


def _charge_item_claim(bundle: _Bundle, key: str, members: list[tuple[int, dict[str, Any]]],
                       problems: list[Problem]) -> tuple[str, ChargeInput, str]:
    index, head = members[0]
    where = f"entry[{index}] ChargeItem"
    subject_ref = head.get("subject")
    patient = bundle.get(subject_ref)
    last, first, born, sex = _fhir_name_and_birth(patient, where, problems)
    coverage = next((c for _i, c in bundle.of_type("Coverage")
                     if (c.get("beneficiary") or {}).get("reference") ==
                     (subject_ref or {}).get("reference")), {})
    if not coverage:
        problems.append(Problem("subject", "No Coverage in the Bundle has this patient as "
                                "beneficiary.", where))
    payer, cover = _coverage(bundle, coverage, where, problems)
    performer = bundle.get(head.get("performingOrganization") or head.get("enteredBy"))
    diagnoses: list[str] = []
    lines = []
    for i, item in members:
        at = f"entry[{i}] ChargeItem"
        codes = [_code(r) for r in item.get("reason") or [] if _code(r)]
        for c in codes:
            if c not in diagnoses:
                diagnoses.append(c)
        charge = _money(item.get("priceOverride"), at, "priceOverride", problems)
        if charge is None:
            problems.append(Problem("priceOverride", "The line charge is required.", at))
        units = _money(item.get("quantity"), at, "quantity", problems)
        when = item.get("occurrenceDateTime") or (item.get("occurrencePeriod") or {}).get(
            "start")
        lines.append(LineInput(_code(item.get("code")),
                               (charge or Decimal(0)).quantize(Decimal("0.01")),
                               units if units is not None else Decimal(1), (),
                               _fhir_date(when, at, problems, "occurrenceDateTime"),
                               tuple(diagnoses.index(c) + 1 for c in codes)))
    data = ChargeInput(patient=PatientInput(last, first, born, sex, _address(patient)),
                       payer=payer, coverage=cover, billing_provider=_provider(performer),
                       lines=tuple(lines), diagnoses=tuple(diagnoses))
    return key, data, where


MISSHAPEN = ("An element here is not of the type FHIR R4 gives it (text where an object or "
             "a list belongs, or the reverse). Check the export; nothing was imported.")


def _fhir_claims(book: _Bundle, problems: list[Problem]) -> list[tuple[str, ChargeInput, str]]:
    """Claim and ChargeItem resources as charges. Reading them touches no database, so an
    element of the wrong type is reported for its resource instead of ending in a crash."""
    found = []
    for index, claim in book.of_type("Claim"):
        try:
            found.append(_fhir_claim(book, index, claim, problems))
        except (AttributeError, TypeError):
            problems.append(Problem("", MISSHAPEN, f"entry[{index}] Claim"))
    try:
        found += _charge_items(book, problems)
    except (AttributeError, TypeError):
        problems.append(Problem("", MISSHAPEN, "ChargeItem"))
    return found


def import_fhir(client: Organization, data: bytes,
                name: str = "upload.json", *, acting_user: Any) -> ImportResult:
    may_enter(acting_user, client.pk)
    try:
        bundle = untrusted.json_document(data.decode("utf-8-sig"), untrusted.Limits.of(settings))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return ImportResult(problems=[Problem("", f"Not JSON: {exc}", "file")])
    except untrusted.Refused as exc:
        return ImportResult(problems=[Problem(exc.path, exc.problem, "file")])
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        return ImportResult(problems=[Problem("resourceType", "Expected a FHIR Bundle.",
                                              "file")])
    book = _Bundle(bundle)
    problems: list[Problem] = []
    found = _fhir_claims(book, problems)
    if problems:
        return ImportResult(problems=problems)
    if not found:
        return ImportResult(problems=[Problem("entry", "The Bundle has no Claim or ChargeItem "
                                              "resources.", "file")])
    return save_keyed_drafts(client, ClaimOrigin.FHIR, found, acting_user=acting_user)


# --- 837 ---------------------------------------------------------------------------------

def import_837(client: Organization, data: bytes,
               name: str = "upload.837", *, acting_user: Any) -> ImportResult:
    """The client's 837 as drafts for us to scrub and send (nothing charged until then)."""
    may_enter(acting_user, client.pk)
    try:
        findings = list(validate(data, name=name, limit=settings.RCMDESK_MAX_FINDINGS))
        errors = [f for f in findings if has_errors([f])]
        subs = [] if errors else list(t837.submissions(data, name=name))
    except X12Error as exc:
        return ImportResult(problems=[_x12_problem(exc.position, exc.segment_id, exc.element,
                                                   exc.message)])
    if errors:
        return ImportResult(problems=[_x12_problem(f.position, f.segment_id, f.element,
                                                   f.message) for f in errors])
    if not subs:
        return ImportResult(problems=[Problem("ST01", "The file holds no 837.", "file")])
    pcns = [c.patient_control_number for s in subs for c in s.claims]
    blocked = Claim.objects.filter(client=client, patient_control_number__in=pcns).exclude(
        status=ClaimStatus.DRAFT, front_door__in=claims.EDITABLE_FRONT_DOORS)
    result = ImportResult(problems=[
        Problem("CLM01", f"Claim {pcn} already exists and is not a draft we may change.",
                "CLM") for pcn in blocked.values_list("patient_control_number", flat=True)])
    if result.problems:
        return result
    try:
        with transaction.atomic():
            for sub in subs:
                applied = claims.apply_837(client, sub, acting_user=acting_user, draft=True)
                result.created += applied.created
                result.updated += applied.updated
            record("charges.imported", client_id=client.pk, acting_user=acting_user,
                   object_type="claims.claim", object_id="",
                   detail={"origin": ClaimOrigin.X12, **result.as_summary()})
    except claims.NotADraft as exc:
        return ImportResult(problems=[Problem("CLM01", str(exc), "CLM")])
    return result


def _x12_problem(position: int, segment_id: str, element: int, message: str) -> Problem:
    where = f"segment {position}" + (f" ({segment_id})" if segment_id else "")
    field = f"{segment_id}{element:02d}" if segment_id and element else segment_id
    return Problem(field, message, where)
