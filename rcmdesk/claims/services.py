"""Mirroring the client's 837s: claims are created or updated by (client, PCN).

The client's billing system stays the system of record; a replacement claim (frequency 7)
arriving later simply updates our mirror, and its charges reach the ledger once per
version (a digest of what was billed), never once per file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import (
    Model,
)
from django.utils import timezone

from rcmdesk.audit.services import PendingEvent, record, record_many
from rcmdesk.claims.models import (
    Claim,
    ClaimLine,
    ClaimOrigin,
    ClaimStatus,
    Coverage,
    FrontDoor,
    Patient,
    Payer,
    Provider,
)
from rcmdesk.claims.signals import claims_built
from rcmdesk.db import bulk
from rcmdesk.db.bulk import as_stored
from rcmdesk.remits import ledger
from rcmdesk.remits.models import (
    Account,
    ChargeKey,
    ExceptionStatus,
    JournalEntry,
    JournalKind,
    LedgerEntry,
    PostingException,
    RemitClaim,
)
from rcmdesk.tenancy.models import Organization
from rcmdesk.x12 import t837
from rcmdesk.x12.values import Address, DateRef, Name

SERVICE_DATE_QUALIFIERS = ("472", "434")
CREDIT_BALANCE = "credit_balance"  # PostingException.reason


@dataclass
class ApplyResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    charged: list[str] = field(default_factory=list)
    # the credit balances found, recorded together at the end of the set (``record_many``)
    events: list[PendingEvent] = field(default_factory=list, repr=False)
    claim_ids: list[int] = field(default_factory=list, repr=False)  # every claim written

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


class NotADraft(Exception):
    """A draft import names a claim that already left the draft stage (or is mirrored)."""

    def __init__(self, pcn: str) -> None:
        self.pcn = pcn
        super().__init__(f"Claim {pcn} is not a draft we may still change.")


def apply_837(client: Organization, submission: t837.ClaimSubmission, *, file: Any = None,
              acting_user: Any = None, draft: bool = False) -> ApplyResult:
    """Create or update every claim of one 837 set; the caller owns the transaction.

    Claims go in chunks (a few queries and one ledger flush each, not a dozen queries per
    claim); a PCN sent twice in one set starts a new chunk, so its second copy updates the
    first exactly as a later file would.

    ``draft``: the client's 837 is charges for us to scrub and send, not a mirror of what it
    sent. Claims become DRAFT (origin x12, front door cleared) and nothing reaches the ledger
    until submission; a PCN that already names a claim past the draft stage raises
    ``NotADraft`` (the caller's transaction then writes nothing).
    """
    result = ApplyResult()
    refs = _Refs(client)
    with transaction.atomic():
        for chunk in _chunks(submission.claims):
            _apply_chunk(refs, submission.kind, chunk, result, acting_user, draft)
        # Apps above claims derive rows from the lines (contracts: expected amounts), once
        # for the whole set (one contract book, not one per chunk), inside the transaction.
        claims_built.send(Claim, client_id=client.pk, claim_ids=result.claim_ids)
        # The set's per-claim events go last, in one batch: the audit trail is written once,
        # at the end of the transaction, not claim by claim from its first chunk on.
        record_many(result.events, acting_user=acting_user)
        record("claims.837_applied", client_id=client.pk, acting_user=acting_user,
               object_type="claims.claim", object_id=submission.control,
               detail={**result.as_summary(), "file": getattr(file, "pk", None),
                       **({"draft": True} if draft else {})})
    return result


CHUNK = 500


def _chunks(claims: tuple[t837.Claim, ...]) -> Iterator[list[t837.Claim]]:
    """Runs of at most CHUNK claims, none holding the same PCN twice."""
    chunk: list[t837.Claim] = []
    pcns: set[str] = set()
    for source in claims:
        if len(chunk) >= CHUNK or source.patient_control_number in pcns:
            yield chunk
            chunk, pcns = [], set()
        chunk.append(source)
        pcns.add(source.patient_control_number)
    if chunk:
        yield chunk


@dataclass
class _Refs:
    """Payers, providers, patients and coverages of one 837 set, each looked up once."""

    client: Organization
    payers: dict[str, Payer] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    patients: dict[PatientKey, Patient] = field(default_factory=dict)
    coverages: dict[tuple[int, int, str], Coverage] = field(default_factory=dict)


type PatientKey = tuple[str, str, date | None]


@dataclass
class _Mirrored:
    """One claim of the chunk: its row, its lines as they now stand, and how it got there."""

    source: t837.Claim
    claim: Claim
    lines: list[ClaimLine]
    created: bool


def _apply_chunk(refs: _Refs, kind: str, chunk: list[t837.Claim], result: ApplyResult,
                 actor: Any, draft: bool = False) -> None:
    _load_payers(refs, chunk)
    _load_providers(refs, chunk)
    _load_patients(refs, chunk)
    _load_coverages(refs, chunk)
    mirrored = _upsert_claims(refs, kind, chunk, draft)
    charged = set() if draft else _charge(refs.client, mirrored, actor, result.events)
    result.claim_ids += [m.claim.pk for m in mirrored]
    for m in mirrored:
        pcn = m.claim.patient_control_number
        (result.created if m.created else result.updated).append(pcn)
        if m.claim.pk in charged:
            result.charged.append(pcn)


def _payer_key(source: t837.Claim) -> tuple[str, str]:
    """The payer id (NM1*PR id, else its name) and the name a new payer gets."""
    name = source.subscriber.payer or Name()
    payer_id = name.id or name.last or "UNKNOWN"
    return payer_id, name.last or payer_id


def _load_payers(refs: _Refs, chunk: list[t837.Claim]) -> None:
    wanted = dict(_payer_key(s) for s in reversed(chunk))  # the first claim names a new payer
    missing = [k for k in wanted if k not in refs.payers]
    if not missing:
        return
    for payer in Payer.objects.filter(client=refs.client, payer_id__in=missing):
        refs.payers[payer.payer_id] = payer
    new = [Payer(client=refs.client, payer_id=k, name=wanted[k])
           for k in missing if k not in refs.payers]
    for payer in _insert(Payer, new):
        refs.payers[payer.payer_id] = payer


def _npi(source: t837.Claim) -> str:
    return (source.billing_provider.name.id or "")[:10]


def _load_providers(refs: _Refs, chunk: list[t837.Claim]) -> None:
    wanted = {_npi(s): s.billing_provider for s in reversed(chunk) if _npi(s)}
    missing = [k for k in wanted if k not in refs.providers]
    if not missing:
        return
    for provider in Provider.objects.filter(client=refs.client, npi__in=missing):
        refs.providers[provider.npi] = provider
    new = [_new_provider(refs.client, k, wanted[k]) for k in missing if k not in refs.providers]
    for provider in _insert(Provider, new):
        refs.providers[provider.npi] = provider


def _new_provider(client: Organization, npi: str, source: t837.Provider) -> Provider:
    return Provider(client=client, npi=npi, name=source.name.last, taxonomy=source.taxonomy,
                    tax_id_qualifier=source.tax_id_qualifier, tax_id=source.tax_id,
                    entity_type=source.name.entity_type or "2", **address_fields(source.address))


def address_fields(where: Address | None) -> dict[str, str]:
    """N3/N4 as the Address columns of our rows (blank when the file had none)."""
    if where is None:
        return {}
    return {"address_line1": where.line1, "address_line2": where.line2, "city": where.city,
            "state": where.state, "postal_code": where.postal_code}


def _patient_or_subscriber(source: t837.Claim) -> t837.Patient | t837.Subscriber:
    return source.patient or source.subscriber


def _patient_key(source: t837.Claim) -> PatientKey:
    named = _patient_or_subscriber(source)
    return named.name.last, named.name.first, parse_date(named.birth_date)


def _load_patients(refs: _Refs, chunk: list[t837.Claim]) -> None:
    """Same name and birth date is the same patient: the oldest such row, else a new one."""
    wanted = {_patient_key(s): _patient_or_subscriber(s) for s in reversed(chunk)}
    missing = [k for k in wanted if k not in refs.patients]
    if not missing:
        return
    found = Patient.objects.filter(
        client=refs.client, last_name__in={k[0] for k in missing},
        first_name__in={k[1] for k in missing}).order_by("-pk")
    for patient in found:  # newest first, so the oldest of a key is the one kept
        key = (patient.last_name, patient.first_name, patient.birth_date)
        if key in wanted:
            refs.patients[key] = patient
    new = []
    for key in missing:
        if key in refs.patients:
            continue
        person = wanted[key]
        new.append(_new(Patient, client_id=refs.client.pk, last_name=key[0],
                        first_name=key[1], middle_name=person.name.middle,
                        suffix=person.name.suffix, birth_date=key[2], sex=person.gender[:1],
                        **address_fields(person.address)))
    for patient in _insert(Patient, new):
        refs.patients[(patient.last_name, patient.first_name, patient.birth_date)] = patient


def _coverage_key(refs: _Refs, source: t837.Claim) -> tuple[int, int, str]:
    patient = refs.patients[_patient_key(source)]
    payer = refs.payers[_payer_key(source)[0]]
    return patient.pk, payer.pk, source.subscriber.name.id or "-"


def _load_coverages(refs: _Refs, chunk: list[t837.Claim]) -> None:
    wanted = {_coverage_key(refs, s): s for s in reversed(chunk)}
    missing = [k for k in wanted if k not in refs.coverages]
    if not missing:
        return
    found = Coverage.objects.filter(
        client=refs.client, patient_id__in={k[0] for k in missing},
        payer_id__in={k[1] for k in missing}, member_id__in={k[2] for k in missing})
    for coverage in found:
        refs.coverages[(coverage.patient_id, coverage.payer_id, coverage.member_id)] = coverage
    new = [_new_coverage(refs.client, k, wanted[k]) for k in missing if k not in refs.coverages]
    for coverage in _insert(Coverage, new):
        refs.coverages[(coverage.patient_id, coverage.payer_id, coverage.member_id)] = coverage


def _new_coverage(client: Organization, key: tuple[int, int, str],
                  source: t837.Claim) -> Coverage:
    sub = source.subscriber
    relationship = source.patient.relationship if source.patient else (sub.relationship or "18")
    other = relationship != "18"
    return _new(
        Coverage, client_id=client.pk, patient_id=key[0], payer_id=key[1], member_id=key[2],
        priority=sub.responsibility[:1] or "P", group_number=sub.group_number[:50],
        filing_indicator=sub.filing_indicator[:2], relationship=relationship[:2] or "18",
        subscriber_last_name=sub.name.last[:100] if other else "",
        subscriber_first_name=sub.name.first[:100] if other else "",
        subscriber_birth_date=parse_date(sub.birth_date) if other else None,
        subscriber_sex=sub.gender[:1] if other else "")


CLAIM_FIELDS = ["patient", "payer", "coverage", "kind", "billing_provider", "frequency",
                "facility_code", "service_from", "service_to", "total_charge", "diagnoses",
                "prior_authorization", "version", "updated_at"]
DRAFT_FIELDS = [*CLAIM_FIELDS, "status", "origin", "front_door"]
# a draft may be replaced while nothing has left: not scrubbed, held, or ready
EDITABLE_FRONT_DOORS = (FrontDoor.NONE, FrontDoor.HELD, FrontDoor.READY)
LINE_FIELDS = ["control_number", "procedure_qualifier", "procedure", "modifiers",
               "revenue_code", "charge", "units", "service_date", "diagnosis_pointers",
               "place_of_service"]


def _claim_fields(refs: _Refs, kind: str, source: t837.Claim) -> dict[str, Any]:
    starts, ends = date_span(source.dates + tuple(d for ln in source.lines for d in ln.dates))
    npi = _npi(source)
    return {
        "patient_id": refs.patients[_patient_key(source)].pk,
        "payer_id": refs.payers[_payer_key(source)[0]].pk,
        "coverage_id": refs.coverages[_coverage_key(refs, source)].pk, "kind": kind,
        "billing_provider_id": refs.providers[npi].pk if npi else None,
        "frequency": source.frequency or "1", "facility_code": source.facility_code,
        "service_from": starts, "service_to": ends, "total_charge": source.charge,
        "diagnoses": [[d.qualifier, d.code] for d in source.diagnoses],
        "prior_authorization": source.prior_authorization[:50],
    }


def _draft_fields(draft: bool) -> dict[str, Any]:
    if not draft:
        return {}
    return {"status": ClaimStatus.DRAFT, "origin": ClaimOrigin.X12,
            "front_door": FrontDoor.NONE}


def _upsert_claims(refs: _Refs, kind: str, chunk: list[t837.Claim],
                   draft: bool = False) -> list[_Mirrored]:
    """Every claim of the chunk written (new ones inserted, known ones updated), in order."""
    client = refs.client
    existing = {c.patient_control_number: c for c in Claim.objects.select_for_update().filter(
        client=client, patient_control_number__in=[s.patient_control_number for s in chunk])}
    now = timezone.now()
    mirrored, new, changed = [], [], []
    for source in chunk:
        fields = {**_claim_fields(refs, kind, source), **_draft_fields(draft)}
        claim = existing.get(source.patient_control_number)
        if claim is None:
            claim = as_stored(_new(Claim, client_id=client.pk,
                                   patient_control_number=source.patient_control_number,
                                   **fields))
            Claim.client.field.set_cached_value(claim, client)
            new.append(claim)
            mirrored.append(_Mirrored(source, claim, [], created=True))
            continue
        if draft and (claim.status != ClaimStatus.DRAFT
                      or claim.front_door not in EDITABLE_FRONT_DOORS):
            raise NotADraft(claim.patient_control_number)
        if not draft and claim.status == ClaimStatus.DRAFT:
            # The client's own system billed a claim we held as a draft: it is AR now, and
            # its charge (posted below) must not sit on a claim that still says "draft".
            fields["status"] = ClaimStatus.SUBMITTED
        for name, value in fields.items():
            setattr(claim, name, value)
        claim.version += 1
        claim.updated_at = now
        changed.append(as_stored(claim))
        mirrored.append(_Mirrored(source, claim, [], created=False))
    _insert(Claim, new)
    _update_rows(Claim, changed, DRAFT_FIELDS if draft else [*CLAIM_FIELDS, "status"])
    _write_lines(mirrored)
    return mirrored


def _line_fields(position: int, source: t837.ServiceLine) -> tuple[int, dict[str, Any]]:
    number = int(source.number) if source.number.isdigit() else position
    proc = source.procedure
    return number, {
        "control_number": source.control_number,
        "procedure_qualifier": proc[0] if proc else "",
        "procedure": proc[1] if len(proc) > 1 else "",
        "modifiers": list(proc[2:6]), "revenue_code": source.revenue_code,
        "charge": source.charge, "units": source.units,
        "service_date": date_span(source.dates)[0],
        "diagnosis_pointers": [int(p) for p in source.diagnosis_pointers if p.isdigit()],
        "place_of_service": source.place_of_service[:2]}


CENT, UNIT_PLACES = Decimal("0.01"), Decimal("0.001")  # ClaimLine.charge and .units, stored


def _sent_lines(claim: Claim, lines: tuple[t837.ServiceLine, ...]) -> dict[int, ClaimLine]:
    """The lines as sent, by number (a repeated number keeps the last), decimals as stored."""
    by_number: dict[int, ClaimLine] = {}
    for position, source in enumerate(lines, start=1):
        number, values = _line_fields(position, source)
        values["charge"] = values["charge"].quantize(CENT)
        if values["units"] is not None:
            values["units"] = values["units"].quantize(UNIT_PLACES)
        by_number[number] = _new(ClaimLine, claim_id=claim.pk, line_number=number, **values)
    return by_number


def _write_lines(mirrored: list[_Mirrored]) -> None:
    """Lines by number; lines a replacement drops are deleted unless the ledger names them.

    Each claim's ``lines`` end as its rows now stand, ordered by number.
    """
    known: dict[int, dict[int, ClaimLine]] = {}
    for line in ClaimLine.objects.filter(
            claim_id__in=[m.claim.pk for m in mirrored if not m.created]):
        known.setdefault(line.claim_id, {})[line.line_number] = line
    new: list[ClaimLine] = []
    changed: list[ClaimLine] = []
    dropped: list[ClaimLine] = []
    for m in mirrored:
        stored = known.get(m.claim.pk, {})
        lines = []
        for number, line in _sent_lines(m.claim, m.source.lines).items():
            row = stored.pop(number, None)
            if row is None:
                new.append(line)
            elif any(getattr(row, f) != getattr(line, f) for f in LINE_FIELDS):
                for f in LINE_FIELDS:
                    setattr(row, f, getattr(line, f))
                changed.append(row)
            lines.append(line if row is None else row)
        dropped += stored.values()
        m.lines = lines
    _insert(ClaimLine, new)
    _update_rows(ClaimLine, changed, LINE_FIELDS)
    if dropped:
        kept = _drop_lines(dropped)
        for m in mirrored:
            m.lines += [ln for ln in kept if ln.claim_id == m.claim.pk]
    for m in mirrored:
        m.lines.sort(key=lambda ln: ln.line_number)


def _drop_lines(dropped: list[ClaimLine]) -> list[ClaimLine]:
    """Delete lines no longer sent; those the ledger or a remit names stay (returned)."""
    free = set(ClaimLine.objects.filter(
        pk__in=[ln.pk for ln in dropped], ledger_entries__isnull=True,
        remit_lines__isnull=True).values_list("pk", flat=True))
    ClaimLine.objects.filter(pk__in=free).delete()
    return [ln for ln in dropped if ln.pk not in free]


def _new[M: Model](model: type[M], **values: Any) -> M:
    """A new row by attribute name (``claim_id``, not ``claim``), built positionally.

    An 837 makes a claim line, claim, patient and coverage per claim: Django's keyword
    constructor (related-object descriptors, kwargs popped field by field) costs two to
    three times the positional one. Fields not given get their defaults, as keywords would.
    """
    fields, names = _attnames(model)
    if not names.issuperset(values):
        raise TypeError(f"{model.__name__} has no field {sorted(set(values) - names)}")
    return model(*[values[a] if a in values else f.get_default() for a, f in fields])


_ATTNAMES: dict[type[Model], tuple[list[tuple[str, Any]], frozenset[str]]] = {}


def _attnames(model: type[Model]) -> tuple[list[tuple[str, Any]], frozenset[str]]:
    """A model's concrete fields by attribute name, in column order, and those names."""
    if model not in _ATTNAMES:
        fields = [(f.attname, f) for f in model._meta.concrete_fields]
        _ATTNAMES[model] = fields, frozenset(a for a, _f in fields)
    return _ATTNAMES[model]


def _insert[M: Model](model: type[M], objs: list[M]) -> list[M]:
    """New rows of the chunk, their keys set (coverages and claims refer to them)."""
    return bulk.insert_objects(model, objs, returning_ids=True)


def _update_rows(model: type[Model], objs: list[Any], names: list[str]) -> None:
    """The named fields of rows the caller holds locked, written as they stand in memory."""
    bulk.update(model, names, [[*row, obj.pk] for obj, row in
                               zip(objs, bulk.object_rows(model, objs, names), strict=True)])


def charge_digest(claim: Claim, lines: list[ClaimLine] | None = None) -> str:
    """What was billed, as a digest: the same claim sent twice is charged once."""
    parts = [claim.patient_control_number, str(claim.total_charge)]
    parts += [f"{ln.line_number}:{ln.procedure}:{ln.revenue_code}:{ln.charge}"
              for ln in (claim.lines.order_by("line_number") if lines is None else lines)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _charge(client: Organization, mirrored: list[_Mirrored], actor: Any,
            events: list[PendingEvent]) -> set[int]:
    """``post_charges`` for a whole mirrored chunk, in one ledger flush; the charged claim ids.

    The chunk's claims were just written from the file, so their balances in memory are
    current and the ledger batch writes them as they stand. Credit balances' audit events
    are added to ``events`` for the caller to record.
    """
    return _charge_versions([_Version(m.claim, m.lines, m.created) for m in mirrored], actor,
                            events, relative=False)


@dataclass
class _Version:
    """A claim as it now stands, its lines in line-number order, and whether it is new."""

    claim: Claim
    lines: list[ClaimLine]
    new: bool = False


def _charge_versions(versions: list[_Version], actor: Any, events: list[PendingEvent], *,
                     relative: bool) -> set[int]:
    """Charge each version once, in one ledger flush; returns the charged claim ids.

    New claims have no key and no earlier charge; a known claim is charged again only when
    its digest is new, its previous charge reversed first, as ``post_charges`` does.
    ``relative``: balances move by ``balance + amount`` in SQL (as ``ledger.post`` does), for
    claims the caller loaded earlier and does not hold locked. The audit events of the
    credit balances found are added to ``events`` (the caller records them in one batch).
    """
    digests = {v.claim.pk: charge_digest(v.claim, v.lines) for v in versions}
    known = set(ChargeKey.objects.filter(
        claim_id__in=[v.claim.pk for v in versions if not v.new],
        digest__in={digests[v.claim.pk] for v in versions if not v.new},
    ).values_list("claim_id", "digest"))
    due = [v for v in versions if (v.claim.pk, digests[v.claim.pk]) not in known]
    if not due:
        return set()
    bulk.insert(ChargeKey, ("client_id", "claim_id", "digest"),
                     [(v.claim.client_id, v.claim.pk, digests[v.claim.pk]) for v in due])
    previous = _charges_in_effect([v.claim for v in due if not v.new])
    batch = ledger.Batch(relative=relative)
    who = ledger.actor_id(actor)
    for v in due:
        if v.claim.pk in previous:
            _reverse_charge(batch, v.claim, previous[v.claim.pk], who)
        _add_charge(batch, v.claim, v.lines, who)
    batch.flush()
    events += _flag_credit_balances(_below_zero(due, relative))
    return {v.claim.pk for v in due}


def _below_zero(due: list[_Version], relative: bool) -> list[Claim]:
    """The charged claims whose insurance AR is now negative (credit balance suspects).

    A relative batch moved the balances in SQL only: they are read back onto the caller's
    claims, as ``post_charges`` leaves its claim. Otherwise the claims in memory are current
    (locked when loaded, moved by the batch, which wrote them as they stand): no query.
    """
    claims = {v.claim.pk: v.claim for v in due}
    if relative:
        for pk, insurance, patient in Claim.objects.filter(pk__in=claims).values_list(
                "pk", "insurance_balance", "patient_balance"):
            claims[pk].insurance_balance, claims[pk].patient_balance = insurance, patient
    return [c for c in claims.values() if c.insurance_balance < 0]


def post_charges_many(claims: Sequence[Claim], *, acting_user: Any = None) -> set[int]:
    """``post_charges`` for many claims at once: what submission sends, CHUNK at a time.

    The same once-per-version keys, reversal of the charge in effect and credit-balance
    flagging as one by one, but a fixed number of queries per chunk instead of a dozen per
    claim. Balances move relatively (no lock needed) and are read back onto ``claims``.
    Returns the ids of the claims charged (a version already charged is skipped).
    """
    unique = list({c.pk: c for c in claims}.values())
    charged: set[int] = set()
    events: list[PendingEvent] = []
    with transaction.atomic():
        clients = Organization.objects.in_bulk({c.client_id for c in unique})
        for claim in unique:
            if not Claim.client.is_cached(claim):
                claim.client = clients[claim.client_id]
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start:start + CHUNK]
            lines = _lines_by_claim(chunk)
            charged |= _charge_versions([_Version(c, lines.get(c.pk, [])) for c in chunk],
                                        acting_user, events, relative=True)
        record_many(events, acting_user=acting_user)
    return charged


def _lines_by_claim(claims: list[Claim]) -> dict[int, list[ClaimLine]]:
    """Every line of these claims in one query, in line-number order (as the digest reads)."""
    found: dict[int, list[ClaimLine]] = {}
    for line in ClaimLine.objects.filter(claim_id__in=[c.pk for c in claims]).order_by(
            "claim_id", "line_number"):
        found.setdefault(line.claim_id, []).append(line)
    return found


def _charges_in_effect(claims: list[Claim]) -> dict[int, tuple[int, list[ledger.Entry]]]:
    """``_charge_in_effect`` for many claims: claim id to (journal id, its entries as
    (account, amount, claim line id, reason), in the order they were written)."""
    if not claims:
        return {}
    latest: dict[int, tuple[int, str]] = {}
    for pk, claim_id, kind in JournalEntry.objects.filter(
            claim_id__in=[c.pk for c in claims],
            kind__in=[JournalKind.CHARGE, JournalKind.CHARGE_REVERSAL],
    ).order_by("pk").values_list("pk", "claim_id", "kind"):
        latest[claim_id] = (pk, kind)
    journals = {pk: claim_id for claim_id, (pk, kind) in latest.items()
                if kind == JournalKind.CHARGE}
    found: dict[int, tuple[int, list[ledger.Entry]]] = {
        claim_id: (pk, []) for pk, claim_id in journals.items()}
    for journal_id, account, amount, line_id, reason in LedgerEntry.objects.filter(
            journal_id__in=journals).order_by("pk").values_list(
            "journal_id", "account", "amount", "claim_line_id", "reason"):
        found[journals[journal_id]][1].append((account, amount, line_id, reason))
    return found


def _reverse_charge(batch: ledger.Batch, claim: Claim, previous: tuple[int, list[ledger.Entry]],
                    actor: int | None) -> None:
    """The charge in effect, entry for entry with the opposite sign (lines and reasons kept)."""
    journal_id, entries = previous
    batch.add(claim.client_id, JournalKind.CHARGE_REVERSAL,
              [(account, -amount, line_id, reason) for account, amount, line_id, reason
               in entries], claim=claim, remittance=None,
              memo=f"charge #{journal_id} replaced by version {claim.version}", actor=actor)


def _charge_lines(claim: Claim, lines: list[ClaimLine]) -> list[ledger.Entry]:
    """Insurance AR per line (the rest on the claim) against revenue."""
    entries: list[ledger.Entry] = [(Account.INSURANCE_AR, ln.charge, ln.pk, "") for ln in lines]
    remainder = claim.total_charge - sum((ln.charge for ln in lines), Decimal(0))
    entries.append((Account.INSURANCE_AR, remainder, None, ""))
    entries.append((Account.REVENUE, -claim.total_charge, None, ""))
    return entries


def _add_charge(batch: ledger.Batch, claim: Claim, lines: list[ClaimLine],
                actor: int | None) -> None:
    """``_post_charge`` into a batch, as plain entries (no model instance per entry)."""
    batch.add(claim.client_id, JournalKind.CHARGE, _charge_lines(claim, lines), claim=claim,
              remittance=None, memo=f"charges, version {claim.version}", actor=actor)


def _post_charge(claim: Claim, lines: list[ClaimLine], actor: Any) -> None:
    """Insurance AR per line (the rest on the claim) against revenue, one journal."""
    by_pk = {ln.pk: ln for ln in lines}
    ledger.post(claim.client, JournalKind.CHARGE, [
        ledger.Line(account, amount, claim_line=by_pk.get(line_id) if line_id else None)
        for account, amount, line_id, _reason in _charge_lines(claim, lines)],
        claim=claim, memo=f"charges, version {claim.version}", acting_user=actor)


def post_charges(claim: Claim, *, acting_user: Any = None) -> bool:
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
                acting_user=acting_user)
        _post_charge(claim, list(claim.lines.all()), acting_user)
        claim.refresh_from_db(fields=["insurance_balance", "patient_balance"])
        record_many(_flag_credit_balances([claim] if claim.insurance_balance < 0 else []),
                    acting_user=acting_user)
    return True


def _charge_in_effect(claim: Claim) -> JournalEntry | None:
    """The latest charge journal, unless a charge reversal came after it (a zero version)."""
    latest = (claim.journal_entries
              .filter(kind__in=[JournalKind.CHARGE, JournalKind.CHARGE_REVERSAL])
              .order_by("-pk").first())
    return latest if latest is not None and latest.kind == JournalKind.CHARGE else None


def _flag_credit_balances(claims: list[Claim]) -> list[PendingEvent]:
    """Insurance AR below zero: the payer settled more than this version charges.

    Each claim (its balances current) gets a ``credit_balance`` posting exception on its
    latest remit claim, unless one is open already or no remit names it, and an audit
    event, returned for the caller to record with the others of its batch. A few queries
    for the lot, however many claims.
    """
    if not claims:
        return []
    latest: dict[int, tuple[int, int]] = {}  # claim id: (remit claim id, remittance id)
    for pk, claim_id, remittance_id in RemitClaim.objects.filter(
            claim_id__in=[c.pk for c in claims]).order_by("pk").values_list(
            "pk", "claim_id", "remittance_id"):
        latest[claim_id] = (pk, remittance_id)
    flagged = set(PostingException.objects.filter(
        remit_claim__claim_id__in=latest, reason=CREDIT_BALANCE,
        status=ExceptionStatus.OPEN).values_list("remit_claim__claim_id", flat=True))
    bulk.insert_objects(PostingException, [
        PostingException(client_id=c.client_id, remittance_id=latest[c.pk][1],
                         remit_claim_id=latest[c.pk][0], reason=CREDIT_BALANCE,
                         detail=_credit_detail(c))
        for c in claims if c.pk in latest and c.pk not in flagged])
    return [PendingEvent("claims.credit_balance", c.client_id, object_type="claims.claim",
                         object_id=str(c.pk),
                         detail={"insurance_balance": str(c.insurance_balance),
                                 "version": c.version}) for c in claims]


def _credit_detail(claim: Claim) -> str:
    return (f"version {claim.version} charges {claim.total_charge} but more was already paid"
            f" or adjusted: insurance AR is {claim.insurance_balance} on claim "
            f"{claim.patient_control_number}")
