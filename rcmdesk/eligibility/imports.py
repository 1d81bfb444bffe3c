"""Importing visits from the client's scheduling system: CSV or FHIR R4 Appointment bundles.

Both run all-or-nothing: every row is checked first, and any error (named by row and column)
means nothing is written; a clean file is written in one transaction. A visit is keyed by
its external id (unique per client and source), so importing the same file again updates the
visits instead of adding new ones.

CSV (UTF-8, header row; column names as below, order free, extra columns ignored):

    external_id          required, the scheduler's appointment id
    scheduled_on         required, YYYY-MM-DD
    patient_last_name    required
    patient_first_name   required
    patient_birth_date   required, YYYY-MM-DD
    patient_sex          M, F or U (optional)
    payer_id             the payer's id (as on the 837 / 270); optional
    payer_name           optional, names a payer seen for the first time
    member_id            the patient's member id with that payer; optional
    provider_npi         10 digits, optional
    service_types        X12 service type codes (EB03/EQ01), separated by spaces, ";" or
                         "|"; default 30
    procedures           planned CPT/HCPCS codes, same separators; optional

FHIR (JSON): a Bundle whose entries include Appointment resources (a lone Appointment is
accepted too). For each Appointment:

- external id: ``identifier[0].value``, else ``id``; scheduled day: the date part of
  ``start``; ``status`` cancelled / noshow / entered-in-error cancels the visit.
- service types: ``serviceType[].coding[].code``; procedures: codings with the CPT
  (``http://www.ama-assn.org/go/cpt``) or HCPCS system in ``reasonCode`` or in the ``code`` of
  a ServiceRequest the Appointment's ``basedOn`` references.
- references: ``#id`` (contained in the Appointment), ``Type/id`` or a ``fullUrl`` (another
  entry in the bundle), or a logical ``identifier`` (matched on value, and system when given,
  against the identifiers of contained and bundled resources).
- patient: the ``participant[].actor`` referencing a Patient; family name, first given name,
  ``birthDate``, ``gender``.
- provider: a participant Practitioner with an NPI identifier
  (``http://hl7.org/fhir/sid/us-npi``), contained or in the bundle.
- coverage: a Coverage (contained or in the bundle) whose ``beneficiary`` is that patient:
  member id from ``subscriberId`` (else its first identifier); payer from ``payor[0]``: an
  Organization (contained, in the bundle, or a logical reference) — its first identifier's
  value is the payer id, its ``name`` the payer's name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction

from rcmdesk import untrusted
from rcmdesk.audit.services import record
from rcmdesk.eligibility.models import Visit, VisitSource, VisitStatus
from rcmdesk.eligibility.producer import sync_visits
from rcmdesk.eligibility.services import VisitInput, save_visit
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow

CSV_COLUMNS = ("external_id", "scheduled_on", "patient_last_name", "patient_first_name",
               "patient_birth_date", "patient_sex", "payer_id", "payer_name", "member_id",
               "provider_npi", "service_types", "procedures")
REQUIRED = ("external_id", "scheduled_on", "patient_last_name", "patient_first_name",
            "patient_birth_date")
CPT_SYSTEMS = frozenset({"http://www.ama-assn.org/go/cpt", "urn:oid:2.16.840.1.113883.6.12",
                         "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
                         "urn:oid:2.16.840.1.113883.6.285"})
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
CANCELLED = frozenset({"cancelled", "noshow", "entered-in-error"})
SERVICE_TYPE = re.compile(r"^[A-Z0-9]{1,2}$")
PROCEDURE = re.compile(r"^([0-9]{4}[0-9A-Z]|[A-V][0-9]{4})$")
SEX = {"M": "M", "F": "F", "U": "U", "MALE": "M", "FEMALE": "F", "UNKNOWN": "U",
       "OTHER": "U"}
MAX_ROWS = 20000
MISSHAPEN = ("an element here is not of the type FHIR R4 gives it (text where an object or a "
             "list belongs, or the reverse); check the export")


@dataclass(frozen=True)
class RowError:
    row: int | str  # CSV: line number (header is 1); FHIR: "entry 3 (Appointment/abc)"
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if isinstance(self.row, int) else self.row
        return f"{where}, {self.column}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    errors: list[RowError] = field(default_factory=list)
    visit_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "cancelled": self.cancelled,
                "errors": [{"row": e.row, "column": e.column, "message": e.message}
                           for e in self.errors], "visit_ids": self.visit_ids}


@dataclass
class _Row:
    where: int | str
    data: VisitInput
    cancelled: bool = False


def import_visits(client: Organization, data: bytes, name: str, *,
                  acting_user: Any) -> ImportResult:
    """CSV or FHIR JSON (chosen by the first non-blank character: ``{`` is JSON)."""
    require(acting_user, Action.WORK_ITEMS, client.pk, Workflow.ELIGIBILITY)
    text = _text(data)
    if text is None:
        return ImportResult(errors=[RowError(0, "file", "not UTF-8 text")])
    is_json = text.lstrip().startswith("{")
    rows, errors = (read_fhir(text) if is_json else read_csv(text))
    source = VisitSource.FHIR if is_json else VisitSource.CSV
    if errors:
        return ImportResult(errors=errors)
    return _write(client, rows, source, name, acting_user)


def _text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _write(client: Organization, rows: list[_Row], source: str, name: str,
           actor: Any) -> ImportResult:
    result = ImportResult()
    with transaction.atomic():
        for row in rows:
            visit, created = save_visit(client, row.data, source=source, acting_user=actor)
            if row.cancelled != (visit.status == VisitStatus.CANCELLED):
                # cancelled in the scheduler, or booked again after a cancellation
                status = VisitStatus.CANCELLED if row.cancelled else VisitStatus.SCHEDULED
                Visit.objects.filter(pk=visit.pk).update(status=status)
                result.cancelled += row.cancelled
            result.created += created
            result.updated += not created
            result.visit_ids.append(visit.pk)
        record("eligibility.visits_imported", client_id=client.pk, acting_user=actor,
               object_type="eligibility.visit",
               detail={"source": source, "name": name[:200], "created": result.created,
                       "updated": result.updated, "cancelled": result.cancelled})
        sync_visits(client, client.today(), visit_ids=result.visit_ids)
    return result


# --- CSV --------------------------------------------------------------------------------


def read_csv(text: str) -> tuple[list[_Row], list[RowError]]:
    try:
        return _read_csv(text)
    except untrusted.Refused as exc:
        return [], [RowError(exc.row or 0, exc.column, exc.problem)]


def _read_csv(text: str) -> tuple[list[_Row], list[RowError]]:
    header, records = untrusted.csv_table(text, untrusted.Limits.of(settings))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [RowError(1, c, "column missing from the header") for c in missing]
    rows: list[_Row] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, values in records:
        if line > MAX_ROWS + 1:
            errors.append(RowError(line, "file", f"more than {MAX_ROWS} rows"))
            break
        if not any(values.values()):
            continue
        row, problems = _csv_row(line, values)
        errors.extend(problems)
        if row is not None:
            if row.data.external_id in seen:
                errors.append(RowError(line, "external_id", f"repeats row "
                                                            f"{seen[row.data.external_id]}"))
            seen.setdefault(row.data.external_id, line)
            rows.append(row)
    return rows, errors


def _csv_row(line: int, v: dict[str, str]) -> tuple[_Row | None, list[RowError]]:
    errors = [RowError(line, c, "required") for c in REQUIRED if not v.get(c)]
    day = _day(v.get("scheduled_on", ""), line, "scheduled_on", errors)
    born = _day(v.get("patient_birth_date", ""), line, "patient_birth_date", errors)
    sex = _sex(v.get("patient_sex", ""), line, "patient_sex", errors)
    npi = _npi(v.get("provider_npi", ""), line, "provider_npi", errors)
    types = _codes(v.get("service_types", ""), SERVICE_TYPE, line, "service_types", errors)
    procedures = _codes(v.get("procedures", ""), PROCEDURE, line, "procedures", errors)
    if v.get("member_id") and not v.get("payer_id"):
        errors.append(RowError(line, "payer_id", "required when member_id is given"))
    for column, limit in (("external_id", 100), ("patient_last_name", 100),
                          ("patient_first_name", 100), ("payer_id", 80), ("member_id", 80)):
        if len(v.get(column, "")) > limit:
            errors.append(RowError(line, column, f"longer than {limit} characters"))
    if errors or day is None:
        return None, errors
    return _Row(line, VisitInput(
        scheduled_on=day, last_name=v["patient_last_name"], first_name=v["patient_first_name"],
        birth_date=born, sex=sex, payer_id=v.get("payer_id", ""),
        payer_name=v.get("payer_name", ""), member_id=v.get("member_id", ""),
        provider_npi=npi, service_types=types, procedures=procedures,
        external_id=v["external_id"])), []


def _day(value: str, row: int | str, column: str, errors: list[RowError]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        errors.append(RowError(row, column, f"{value!r} is not a date (YYYY-MM-DD)"))
        return None


def _sex(value: str, row: int | str, column: str, errors: list[RowError]) -> str:
    if not value:
        return ""
    sex = SEX.get(value.upper())
    if sex is None:
        errors.append(RowError(row, column, f"{value!r} is not M, F or U"))
        return ""
    return sex


def _npi(value: str, row: int | str, column: str, errors: list[RowError]) -> str:
    if value and not (len(value) == 10 and value.isdigit()):
        errors.append(RowError(row, column, f"{value!r} is not a 10-digit NPI"))
        return ""
    return value


def _codes(value: str, form: re.Pattern[str], row: int | str, column: str,
           errors: list[RowError]) -> list[str]:
    codes = [c.strip().upper() for c in re.split(r"[\s;|,]+", value) if c.strip()]
    bad = [c for c in codes if not form.match(c)]
    if bad:
        errors.append(RowError(row, column, f"not a valid code: {', '.join(bad)}"))
    return codes


# --- FHIR -------------------------------------------------------------------------------


class _Bundle:
    """Resources by the references an Appointment may use (``Type/id`` and ``fullUrl``)."""

    def __init__(self, resources: Iterable[tuple[str, dict[str, Any]]]) -> None:
        self.by_ref: dict[str, dict[str, Any]] = {}
        self.all: list[dict[str, Any]] = []
        for full_url, res in resources:
            self.all.append(res)
            kind, rid = res.get("resourceType", ""), res.get("id", "")
            if kind and rid:
                self.by_ref[f"{kind}/{rid}"] = res
            if full_url:
                self.by_ref[full_url] = res

    def resolve(self, ref: Any, contained: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
        """A literal reference (``#id``, ``Type/id``, ``fullUrl``) or a logical one (an
        ``identifier``, matched on value and, when given, system)."""
        if not isinstance(ref, dict):
            return None
        target = ref.get("reference", "")
        if isinstance(target, str) and target.startswith("#"):
            return contained.get(target[1:])
        if isinstance(target, str) and target:
            return self.by_ref.get(target) or self.by_ref.get(target.split("/_history")[0])
        ident = ref.get("identifier")
        if isinstance(ident, dict) and ident.get("value"):
            return self._by_identifier(ident, [*contained.values(), *self.all],
                                       ref.get("type", ""))
        return None

    @staticmethod
    def _by_identifier(ident: dict[str, Any], resources: list[dict[str, Any]],
                       kind: str) -> dict[str, Any] | None:
        for res in resources:
            if kind and res.get("resourceType") != kind:
                continue
            for own in res.get("identifier") or []:
                if not isinstance(own, dict) or own.get("value") != ident["value"]:
                    continue
                if not ident.get("system") or own.get("system") == ident.get("system"):
                    return res
        return None


def read_fhir(text: str) -> tuple[list[_Row], list[RowError]]:
    try:
        doc = untrusted.json_document(text, untrusted.Limits.of(settings))
    except json.JSONDecodeError as exc:
        return [], [RowError(exc.lineno, "json", f"not valid JSON: {exc.msg}")]
    except untrusted.Refused as exc:
        return [], [RowError("file", exc.path, exc.problem)]
    if not isinstance(doc, dict):
        return [], [RowError(0, "resourceType", "expected a Bundle or an Appointment")]
    if doc.get("resourceType") == "Appointment":
        entries: list[Any] = [{"resource": doc}]
    elif doc.get("resourceType") == "Bundle":
        entries = doc.get("entry") or []
    else:
        return [], [RowError(0, "resourceType", "expected a Bundle or an Appointment")]
    pairs = [(e.get("fullUrl", ""), e["resource"]) for e in entries
             if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
    bundle = _Bundle(pairs)
    rows: list[_Row] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for n, (_, res) in enumerate(pairs, start=1):
        if res.get("resourceType") != "Appointment":
            continue
        where = f"entry {n} (Appointment/{res.get('id', '?')})"
        try:
            row, problems = _appointment(where, res, bundle)
        except (AttributeError, TypeError):  # reading touches no database: say where
            row, problems = None, [RowError(where, "", MISSHAPEN)]
        errors.extend(problems)
        if row is not None:
            if row.data.external_id in seen:
                errors.append(RowError(where, "identifier", "repeats an earlier appointment"))
            seen.add(row.data.external_id)
            rows.append(row)
    if not rows and not errors:
        errors.append(RowError(0, "entry", "no Appointment in the file"))
    return rows, errors


def _appointment(where: str, res: dict[str, Any], bundle: _Bundle
                 ) -> tuple[_Row | None, list[RowError]]:
    errors: list[RowError] = []
    contained = {c.get("id", ""): c for c in res.get("contained") or []
                 if isinstance(c, dict)}
    ids = res.get("identifier") or []
    external = (ids[0].get("value", "") if ids and isinstance(ids[0], dict) else "") or \
        res.get("id", "")
    if not external:
        errors.append(RowError(where, "identifier", "no identifier or id"))
    day = _day(str(res.get("start", "")), where, "start", errors)
    if day is None and not any(e.column == "start" for e in errors):
        errors.append(RowError(where, "start", "required"))
    actors = [bundle.resolve(p.get("actor"), contained) for p in res.get("participant") or []
              if isinstance(p, dict)]
    patient = next((a for a in actors if a and a.get("resourceType") == "Patient"), None)
    if patient is None:
        errors.append(RowError(where, "participant", "no Patient participant found"))
        return None, errors
    names = patient.get("name") or [{}]
    family = names[0].get("family", "") if isinstance(names[0], dict) else ""
    given = (names[0].get("given") or [""])[0] if isinstance(names[0], dict) else ""
    if not family:
        errors.append(RowError(where, "Patient.name.family", "required"))
    if not given:
        errors.append(RowError(where, "Patient.name.given", "required"))
    born = _day(str(patient.get("birthDate", "")), where, "Patient.birthDate", errors)
    if born is None and not any(e.column == "Patient.birthDate" for e in errors):
        errors.append(RowError(where, "Patient.birthDate", "required"))
    sex = _sex(str(patient.get("gender", "")), where, "Patient.gender", errors)
    practitioner = next((a for a in actors if a and a.get("resourceType") == "Practitioner"),
                        None)
    npi = _npi(_identifier(practitioner, NPI_SYSTEM), where, "Practitioner.identifier",
               errors) if practitioner else ""
    payer_id, payer_name, member_id = _coverage(patient, contained, bundle)
    types = _codes(" ".join(_codings(res.get("serviceType"))), SERVICE_TYPE, where,
                   "serviceType", errors)
    procedures = _codes(" ".join(_procedures(res, contained, bundle)), PROCEDURE, where,
                        "reasonCode", errors)
    if errors or day is None:
        return None, errors
    return _Row(where, VisitInput(
        scheduled_on=day, last_name=family, first_name=given, birth_date=born, sex=sex,
        payer_id=payer_id, payer_name=payer_name, member_id=member_id, provider_npi=npi,
        service_types=types, procedures=procedures, external_id=str(external)[:100],
        provider_name=_practitioner_name(practitioner)),
        cancelled=res.get("status") in CANCELLED), []


def _identifier(res: dict[str, Any] | None, system: str = "") -> str:
    for ident in (res or {}).get("identifier") or []:
        if isinstance(ident, dict) and (not system or ident.get("system") == system):
            return str(ident.get("value", ""))
    return ""


def _codings(concepts: Any, systems: frozenset[str] | None = None) -> list[str]:
    out: list[str] = []
    for concept in concepts or []:
        for coding in (concept or {}).get("coding") or []:
            if isinstance(coding, dict) and coding.get("code") and (
                    systems is None or coding.get("system") in systems):
                out.append(str(coding["code"]))
    return out


def _procedures(res: dict[str, Any], contained: dict[str, dict[str, Any]],
                bundle: _Bundle) -> list[str]:
    codes = _codings(res.get("reasonCode"), CPT_SYSTEMS)
    for ref in res.get("basedOn") or []:
        request = bundle.resolve(ref, contained)
        if request is not None and request.get("resourceType") == "ServiceRequest":
            codes.extend(_codings([request.get("code")], CPT_SYSTEMS))
    return codes


def _coverage(patient: dict[str, Any], contained: dict[str, dict[str, Any]],
              bundle: _Bundle) -> tuple[str, str, str]:
    """(payer id, payer name, member id) of the first Coverage whose beneficiary is the
    patient."""
    candidates = list(contained.values()) + bundle.all
    for res in candidates:
        if res.get("resourceType") != "Coverage":
            continue
        if bundle.resolve(res.get("beneficiary"), contained) is not patient:
            continue
        member = str(res.get("subscriberId", "")) or _identifier(res)
        payors = res.get("payor") or [{}]
        payor_ref = payors[0] if isinstance(payors[0], dict) else {}
        org = bundle.resolve(payor_ref, contained)
        if org is not None:
            return _identifier(org), str(org.get("name", "")), member
        logical = payor_ref.get("identifier") or {}
        return str(logical.get("value", "")), str(payor_ref.get("display", "")), member
    return "", "", ""


def _practitioner_name(res: dict[str, Any] | None) -> str:
    names = (res or {}).get("name") or [{}]
    first = names[0] if isinstance(names[0], dict) else {}
    return " ".join([*(first.get("given") or []), first.get("family", "")]).strip()
