"""Typed view of an 835 remittance (005010X221A1).

``remittance()`` gives the whole payment; ``iter_claims()`` streams claims with the
2100 loops detached from the tree as they close, so memory stays flat on large ERAs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from rcmdesk.x12.parser import Loop, Source, Transaction, stream, transactions
from rcmdesk.x12.reader import Segment
from rcmdesk.x12.values import (
    ZERO,
    Address,
    DateRef,
    Name,
    composite,
    decimal,
    dtm,
    money,
    padded,
)


@dataclass(frozen=True, slots=True)
class Party:
    """N1 payer or payee with its identifier, address and PER contacts (raw elements)."""

    entity: str
    name: str
    id_qualifier: str = ""
    id: str = ""
    address: Address | None = None
    contacts: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: group code, CARC reason code, amount, quantity."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """A 2110 service payment (SVC and its dates, adjustments, amounts, remarks)."""

    procedure: tuple[str, ...]
    charge: Decimal
    paid: Decimal
    revenue_code: str = ""
    units: Decimal | None = None
    original_procedure: tuple[str, ...] = ()
    original_units: Decimal | None = None
    dates: tuple[DateRef, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    amounts: tuple[tuple[str, Decimal], ...] = ()
    remarks: tuple[tuple[str, str], ...] = ()
    control_number: str = ""


@dataclass(frozen=True, slots=True)
class Claim:
    """A 2100 claim payment."""

    patient_control_number: str
    status: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    filing_indicator: str
    payer_claim_control_number: str
    facility_type: str = ""
    frequency: str = ""
    patient: Name | None = None
    insured: Name | None = None
    crossover: Name | None = None
    adjustments: tuple[Adjustment, ...] = ()
    dates: tuple[DateRef, ...] = ()
    amounts: tuple[tuple[str, Decimal], ...] = ()
    lines: tuple[ServiceLine, ...] = ()


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One PLB adjustment pair: reason and reference (PLB03-1/-2 etc.) and amount."""

    provider_id: str
    fiscal_date: str
    reason: str
    reference: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Payment:
    """BPR financial information."""

    handling: str
    amount: Decimal
    credit_debit: str
    method: str
    format: str = ""
    date: str = ""


@dataclass(frozen=True, slots=True)
class Remittance:
    """A whole 835 transaction set."""

    control: str
    payment: Payment
    trace: str
    trace_originator: str
    payer: Party | None
    payee: Party | None
    claims: tuple[Claim, ...]
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()


def adjustments(segments: list[Segment], file: str) -> tuple[Adjustment, ...]:
    """Expand CAS segments (up to six reason/amount/quantity triplets each)."""
    out: list[Adjustment] = []
    for cas in segments:
        elements = padded(cas, 19)
        group = elements[1]
        for start in range(2, min(len(cas.elements), 20), 3):
            reason = elements[start]
            if reason:
                amount = money(cas, start + 1, file)
                out.append(Adjustment(group, reason, amount, decimal(cas, start + 2, file)))
    return tuple(out)


def _name(segments: list[Segment], entity: str) -> Name | None:
    for seg in segments:
        if seg.get(1) == entity:
            return Name.of(seg)
    return None


@dataclass(slots=True)
class _Parts:
    """What one pass over a 2100/2110 loop collects, so each segment is looked at once."""

    dates: list[DateRef] = field(default_factory=list)
    cas: list[Segment] = field(default_factory=list)
    amounts: list[tuple[str, Decimal]] = field(default_factory=list)
    remarks: list[tuple[str, str]] = field(default_factory=list)
    names: list[Segment] = field(default_factory=list)
    control_number: str = ""


def _collect(items: list[Segment | Loop], file: str) -> _Parts:
    parts = _Parts()
    for seg in items:
        if type(seg) is not Segment:
            continue
        e = seg.elements
        sid = e[0]
        if sid == "CAS":
            parts.cas.append(seg)
        elif sid == "DTM":
            parts.dates.append(dtm(seg))
        elif sid == "AMT":
            parts.amounts.append((e[1] if len(e) > 1 else "", money(seg, 2, file)))
        elif sid == "NM1":
            parts.names.append(seg)
        elif sid == "LQ":
            parts.remarks.append((e[1] if len(e) > 1 else "", e[2] if len(e) > 2 else ""))
        elif sid == "REF" and len(e) > 2 and e[1] == "6R":
            parts.control_number = e[2]
    return parts


def service_line(loop: Loop, file: str) -> ServiceLine:
    """Build a ServiceLine from a 2110 loop."""
    svc = loop.items[0]
    assert isinstance(svc, Segment)
    e = padded(svc, 7)
    parts = _collect(loop.items, file)
    return ServiceLine(
        composite(svc, 1),
        money(svc, 2, file),
        money(svc, 3, file),
        e[4],
        decimal(svc, 5, file) if e[5] else None,
        composite(svc, 6) if e[6] else (),
        decimal(svc, 7, file) if e[7] else None,
        tuple(parts.dates),
        adjustments(parts.cas, file),
        tuple(parts.amounts),
        tuple(parts.remarks),
        parts.control_number,
    )


def claim(loop: Loop, file: str = "<input>") -> Claim:
    """Build a Claim from a 2100 loop."""
    clp = loop.items[0]
    assert isinstance(clp, Segment)
    e = padded(clp, 9)
    parts = _collect(loop.items, file)
    names = parts.names
    return Claim(
        e[1],
        e[2],
        money(clp, 3, file),
        money(clp, 4, file),
        decimal(clp, 5, file) if e[5] else None,
        e[6],
        e[7],
        e[8],
        e[9],
        _name(names, "QC"),
        _name(names, "IL"),
        _name(names, "TT"),
        adjustments(parts.cas, file),
        tuple(parts.dates),
        tuple(parts.amounts),
        tuple([service_line(sub, file) for sub in loop.items if type(sub) is Loop]),
    )


def provider_adjustments(segments: list[Segment], file: str) -> tuple[ProviderAdjustment, ...]:
    """Expand PLB segments (up to six reason/amount pairs each)."""
    out: list[ProviderAdjustment] = []
    for plb in segments:
        for start in range(3, 15, 2):
            if not plb.get(start):
                continue
            parts = composite(plb, start)
            reason = parts[0] if parts else ""
            reference = parts[1] if len(parts) > 1 else ""
            out.append(
                ProviderAdjustment(
                    plb.get(1), plb.get(2), reason, reference, money(plb, start + 1, file)
                )
            )
    return tuple(out)


def _party(loop: Loop | None) -> Party | None:
    if loop is None:
        return None
    n1 = loop.items[0]
    assert isinstance(n1, Segment)
    contacts = tuple(tuple(per.elements[1:]) for per in loop.all("PER"))
    return Party(n1.get(1), n1.get(2), n1.get(3), n1.get(4), Address.of(loop), contacts)


def _payment(root: Loop, file: str) -> Payment:
    bpr = root.first("BPR")
    if bpr is None:
        return Payment("", ZERO, "", "")
    return Payment(bpr.get(1), money(bpr, 2, file), bpr.get(3), bpr.get(4), bpr.get(5), bpr.get(16))


def remittance(tx: Transaction, claims: tuple[Claim, ...] | None = None) -> Remittance:
    """The typed 835; ``claims`` overrides the claim list (used when streaming)."""
    root, file = tx.root, tx.file
    trn = root.first("TRN")
    payer = next(iter(root.children("1000A")), None)
    payee = next(iter(root.children("1000B")), None)
    if claims is None:
        claims = tuple(claim(c, file) for lx in root.children("2000") for c in lx.children("2100"))
    return Remittance(
        control=tx.control,
        payment=_payment(root, file),
        trace=trn.get(2) if trn is not None else "",
        trace_originator=trn.get(3) if trn is not None else "",
        payer=_party(payer),
        payee=_party(payee),
        claims=claims,
        provider_adjustments=provider_adjustments(root.all("PLB"), file),
    )


def remittances(source: Source, *, name: str | None = None) -> Iterator[Remittance]:
    """Every 835 in ``source`` as a Remittance (other sets are skipped)."""
    for tx in transactions(source, name=name):
        if tx.set_id == "835":
            yield remittance(tx)


def iter_claims(source: Source, *, name: str | None = None) -> Iterator[Claim]:
    """Stream the claims of every 835 in ``source`` without keeping 2100 loops."""
    for tx, loop in stream(source, name=name, detach={"835": frozenset({"2100"})}):
        if loop is not None and tx.set_id == "835":
            yield claim(loop, tx.file)
