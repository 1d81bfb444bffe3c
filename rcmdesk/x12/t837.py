"""Typed view of 837P (005010X222A1) and 837I (005010X223A2) claims.

The HL hierarchy (billing provider > subscriber > patient > claim) is flattened: every
``Claim`` carries its billing provider, subscriber and patient, which is how billers
look at claims and what the writer regroups into HL loops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from rcmdesk.x12.parser import Loop, Source, Transaction, stream, transactions
from rcmdesk.x12.reader import Segment
from rcmdesk.x12.schemas import family
from rcmdesk.x12.values import (
    Address,
    DateRef,
    Name,
    builder,
    composite,
    decimal,
    dtp,
    money,
    padded,
)


@dataclass(frozen=True, slots=True)
class Provider:
    """Billing provider (2010AA): name/NPI, address and tax id (REF*EI or SY)."""

    name: Name
    address: Address | None = None
    tax_id_qualifier: str = ""
    tax_id: str = ""
    taxonomy: str = ""


@dataclass(frozen=True, slots=True)
class Subscriber:
    """2000B/2010BA/2010BB: who is insured and with which payer."""

    responsibility: str
    relationship: str
    group_number: str
    filing_indicator: str
    name: Name
    payer: Name | None = None
    address: Address | None = None
    birth_date: str = ""
    gender: str = ""


@dataclass(frozen=True, slots=True)
class Patient:
    """2000C/2010CA: the patient when not the subscriber."""

    relationship: str
    name: Name
    address: Address | None = None
    birth_date: str = ""
    gender: str = ""


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """One HI composite: code list qualifier (ABK, ABF, BK, ...) and code."""

    qualifier: str
    code: str


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """A 2400 line: SV1 (professional) or SV2 (institutional) with date and control no."""

    number: str
    procedure: tuple[str, ...]
    charge: Decimal
    unit_basis: str
    units: Decimal | None
    revenue_code: str = ""
    diagnosis_pointers: tuple[str, ...] = ()
    dates: tuple[DateRef, ...] = ()
    control_number: str = ""
    place_of_service: str = ""  # SV105 (837P), when not the claim's facility code


@dataclass(frozen=True, slots=True)
class Claim:
    """A 2300 claim with its provider/subscriber/patient context."""

    patient_control_number: str
    charge: Decimal
    facility_code: str
    facility_qualifier: str
    frequency: str
    billing_provider: Provider
    subscriber: Subscriber
    patient: Patient | None
    diagnoses: tuple[Diagnosis, ...] = ()
    dates: tuple[DateRef, ...] = ()
    lines: tuple[ServiceLine, ...] = ()
    # CL1, 837I only: admission type, admission source, patient status
    admission_type: str = ""
    admission_source: str = ""
    patient_status: str = ""
    prior_authorization: str = ""  # REF*G1


@dataclass(frozen=True, slots=True)
class ClaimSubmission:
    """A whole 837 transaction set; ``kind`` is "P" or "I"."""

    kind: str
    control: str
    reference: str
    submitter: Name | None
    receiver: Name | None
    claims: tuple[Claim, ...]
    contact_name: str = ""
    contact_phone: str = ""


_new_provider = builder(Provider)
_new_subscriber = builder(Subscriber)
_new_patient = builder(Patient)


def _first_loop(loop: Loop, loop_id: str) -> Loop | None:
    for item in loop.items:
        if type(item) is Loop and item.id == loop_id:
            return item
    return None


def provider(loop: Loop) -> Provider:
    """Billing provider from a 2000A loop."""
    name_loop = _first_loop(loop, "2010AA")
    if name_loop is None:
        return _new_provider(Name())
    ref = name_loop.first("REF", "EI") or name_loop.first("REF", "SY")
    prv = loop.first("PRV")
    return _new_provider(
        Name.of(name_loop.first("NM1")) or Name(),
        Address.of(name_loop),
        ref.get(1) if ref else "",
        ref.get(2) if ref else "",
        prv.get(3) if prv else "",
    )


def _firsts(loop: Loop | None) -> dict[str, Segment]:
    """The first segment of each id directly in ``loop``, in one pass."""
    found: dict[str, Segment] = {}
    if loop is not None:
        for item in loop.items:
            if type(item) is Segment:
                found.setdefault(item.elements[0], item)
    return found


def _name_address_birth_gender(loop: Loop | None) -> tuple[Name, Address | None, str, str]:
    """Name, address, birth date and gender of a 2010BA/2010CA loop."""
    if loop is None:
        return Name(), None, "", ""
    firsts = _firsts(loop)
    dmg = firsts.get("DMG")
    return (
        Name.of(firsts.get("NM1")) or Name(),
        Address.lines(firsts.get("N3"), firsts.get("N4")),
        dmg.get(2) if dmg is not None else "",
        dmg.get(3) if dmg is not None else "",
    )


def subscriber(loop: Loop) -> Subscriber:
    """Subscriber and payer from a 2000B loop."""
    sbr = _firsts(loop).get("SBR") or loop.items[0]
    assert isinstance(sbr, Segment)
    payer_loop = _first_loop(loop, "2010BB")
    name, address, birth, gender = _name_address_birth_gender(_first_loop(loop, "2010BA"))
    return _new_subscriber(
        sbr.get(1),
        sbr.get(2),
        sbr.get(3),
        sbr.get(9),
        name,
        Name.of(payer_loop.first("NM1")) if payer_loop else None,
        address,
        birth,
        gender,
    )


def patient(loop: Loop) -> Patient:
    """Patient from a 2000C loop."""
    pat = loop.first("PAT")
    name, address, birth, gender = _name_address_birth_gender(_first_loop(loop, "2010CA"))
    return _new_patient(pat.get(1) if pat else "", name, address, birth, gender)


def diagnoses(loop: Loop) -> tuple[Diagnosis, ...]:
    """Every HI composite of the claim, in order."""
    out: list[Diagnosis] = []
    for hi in loop.all("HI"):
        _diagnoses(hi, out)
    return tuple(out)


_new_line = builder(ServiceLine)
_new_claim = builder(Claim)
_new_diagnosis = builder(Diagnosis)
_new_date = builder(DateRef)


def service_line(loop: Loop, file: str) -> ServiceLine:
    """A 2400 loop as a ServiceLine (SV1 for 837P, SV2 for 837I), in one pass."""
    lx = loop.items[0]
    assert isinstance(lx, Segment)
    service: Segment | None = None
    dates: list[DateRef] = []
    control = ""
    for seg in loop.items:
        if type(seg) is not Segment:
            continue
        e = seg.elements
        sid = e[0]
        if sid == "DTP":  # dtp() inlined for the usual four-element segment
            dates.append(_new_date(e[1], e[3], e[2]) if len(e) > 3 else dtp(seg))
        elif sid == "REF":
            if len(e) > 2 and e[1] == "6R":
                control = e[2]
        elif (sid == "SV1" or sid == "SV2") and service is None:
            service = seg
    number = lx.get(1)
    if service is not None and service.elements[0] == "SV2":
        e = padded(service, 5)
        return _new_line(
            number,
            composite(service, 2),
            money(service, 3, file),
            e[4],
            decimal(service, 5, file),
            e[1],
            (),
            tuple(dates),
            control,
        )
    sv1 = service or lx
    e = padded(sv1, 7)
    return _new_line(
        number,
        composite(sv1, 1),
        money(sv1, 2, file),
        e[3],
        decimal(sv1, 4, file),
        "",
        composite(sv1, 7) if e[7] else (),
        tuple(dates),
        control,
        e[5],
    )


def _diagnoses(hi: Segment, out: list[Diagnosis]) -> None:
    """Append the HI composites that have a code (a component after the qualifier)."""
    component = hi.delimiters.component
    for raw in hi.elements[1:]:
        if component in raw:
            parts = raw.split(component)
            if parts[1] or any(parts[2:]):
                out.append(_new_diagnosis(parts[0], parts[1]))


def claim(loop: Loop, billing: Provider, sub: Subscriber, pat: Patient | None, file: str) -> Claim:
    """A 2300 loop as a Claim, looking at each segment once."""
    items = loop.items
    clm = items[0]
    assert isinstance(clm, Segment)
    found: list[Diagnosis] = []
    dates: list[DateRef] = []
    lines: list[ServiceLine] = []
    cl1: Segment | None = None
    prior_authorization = ""
    for item in items:
        if type(item) is not Segment:
            assert isinstance(item, Loop)
            if item.id == "2400":
                lines.append(service_line(item, file))
            continue
        sid = item.elements[0]
        if sid == "DTP":
            dates.append(dtp(item))
        elif sid == "HI":
            _diagnoses(item, found)
        elif sid == "CL1":
            cl1 = item
        elif sid == "REF" and not prior_authorization:
            e = item.elements
            if len(e) > 2 and e[1] == "G1":
                prior_authorization = e[2]
    facility = composite(clm, 5)
    n = len(facility)
    return _new_claim(
        clm.get(1),
        money(clm, 2, file),
        facility[0] if n else "",
        facility[1] if n > 1 else "",
        facility[2] if n > 2 else "",
        billing,
        sub,
        pat,
        tuple(found),
        tuple(dates),
        tuple(lines),
        *((cl1.get(1), cl1.get(2), cl1.get(3)) if cl1 is not None else ("", "", "")),
        prior_authorization,
    )


def _claims(root: Loop, file: str) -> Iterator[Claim]:
    for level_a in root.children("2000A"):
        billing = provider(level_a)
        for level_b in level_a.children("2000B"):
            sub = subscriber(level_b)
            for clm in level_b.children("2300"):
                yield claim(clm, billing, sub, None, file)
            for level_c in level_b.children("2000C"):
                pat = patient(level_c)
                for clm in level_c.children("2300"):
                    yield claim(clm, billing, sub, pat, file)


class _Context:
    """Typed provider/subscriber/patient of the loops the current claim hangs from.

    Streaming claims one by one, consecutive claims usually share these parents, so
    the typed parents are built once per parent loop instead of once per claim.
    """

    def __init__(self) -> None:
        self._cache: dict[str, tuple[Loop, object]] = {}

    def _get[T](self, key: str, loop: Loop, build: Callable[[Loop], T]) -> T:
        hit = self._cache.get(key)
        if hit is not None and hit[0] is loop:
            return hit[1]  # type: ignore[return-value]
        value = build(loop)
        self._cache[key] = (loop, value)
        return value

    def claim(self, loop: Loop, file: str) -> Claim | None:
        level = loop.parent
        pat: Patient | None = None
        if level is not None and level.id == "2000C":
            pat = self._get("patient", level, patient)
            level = level.parent
        if level is None or level.id != "2000B" or level.parent is None:
            return None
        sub = self._get("subscriber", level, subscriber)
        billing = self._get("provider", level.parent, provider)
        return claim(loop, billing, sub, pat, file)


def iter_claims(source: Source, *, name: str | None = None) -> Iterator[Claim]:
    """Stream the claims of every 837 in ``source``; 2300 loops are not kept."""
    context = _Context()
    for tx, loop in stream(source, name=name, detach={"837": frozenset({"2300", "2000B"})}):
        if loop is None:
            if tx.set_id == "837":
                tx.require_guide()
        else:
            built = context.claim(loop, tx.file)
            if built is not None:
                yield built


def submission(tx: Transaction) -> ClaimSubmission:
    """The typed 837 of a parsed transaction."""
    tx.require_guide()
    root = tx.root
    bht = root.first("BHT")
    submitter = _first_loop(root, "1000A")
    receiver = _first_loop(root, "1000B")
    per = submitter.first("PER") if submitter else None
    return ClaimSubmission(
        kind="I" if family(tx.version) == "X223" else "P",
        control=tx.control,
        reference=bht.get(3) if bht is not None else "",
        submitter=Name.of(submitter.first("NM1")) if submitter else None,
        receiver=Name.of(receiver.first("NM1")) if receiver else None,
        claims=tuple(_claims(root, tx.file)),
        contact_name=per.get(2) if per else "",
        contact_phone=per.get(4) if per else "",
    )


def submissions(source: Source, *, name: str | None = None) -> Iterator[ClaimSubmission]:
    """Every 837 in ``source``."""
    for tx in transactions(source, name=name):
        if tx.set_id == "837":
            yield submission(tx)
