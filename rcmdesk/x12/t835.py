"""Typed view of an 835 remittance (005010X221A1).

``remittance()`` gives the whole payment; ``iter_claims()`` streams claims with the
2100 loops detached from the tree as they close, so memory stays flat on large ERAs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from rcmdesk.x12.parser import Loop, Source, Transaction, stream, transactions
from rcmdesk.x12.reader import Segment
from rcmdesk.x12.values import ZERO, DateRef, Name, composite, decimal, dtm, money


@dataclass(frozen=True, slots=True)
class Party:
    """N1 payer or payee with its identifier."""

    entity: str
    name: str
    id_qualifier: str = ""
    id: str = ""


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
        group = cas.get(1)
        for start in range(2, 20, 3):
            reason = cas.get(start)
            if not reason:
                continue
            out.append(
                Adjustment(
                    group,
                    reason,
                    money(cas, start + 1, file),
                    decimal(cas, start + 2, file),
                )
            )
    return tuple(out)


def _amounts(segments: list[Segment], file: str) -> tuple[tuple[str, Decimal], ...]:
    return tuple((s.get(1), money(s, 2, file)) for s in segments)


def _by_id(loop: Loop) -> dict[str, list[Segment]]:
    """The loop's own segments grouped by id, in one pass (cheaper than repeated scans)."""
    groups: dict[str, list[Segment]] = {}
    for item in loop.items:
        if type(item) is Segment:
            key = item.elements[0]
            found = groups.get(key)
            if found is None:
                groups[key] = [item]
            else:
                found.append(item)
    return groups


def _ref(segments: list[Segment], qualifier: str) -> str:
    for seg in segments:
        if seg.get(1) == qualifier:
            return seg.get(2)
    return ""


def _name(segments: list[Segment], entity: str) -> Name | None:
    for seg in segments:
        if seg.get(1) == entity:
            return Name.of(seg)
    return None


def service_line(loop: Loop, file: str) -> ServiceLine:
    """Build a ServiceLine from a 2110 loop."""
    svc = loop.items[0]
    assert isinstance(svc, Segment)
    groups = _by_id(loop)
    empty: list[Segment] = []
    return ServiceLine(
        procedure=composite(svc, 1),
        charge=money(svc, 2, file),
        paid=money(svc, 3, file),
        revenue_code=svc.get(4),
        units=decimal(svc, 5, file),
        original_procedure=composite(svc, 6),
        original_units=decimal(svc, 7, file),
        dates=tuple(dtm(s) for s in groups.get("DTM", empty)),
        adjustments=adjustments(groups.get("CAS", empty), file),
        amounts=_amounts(groups.get("AMT", empty), file),
        remarks=tuple((s.get(1), s.get(2)) for s in groups.get("LQ", empty)),
        control_number=_ref(groups.get("REF", empty), "6R"),
    )


def claim(loop: Loop, file: str = "<input>") -> Claim:
    """Build a Claim from a 2100 loop."""
    clp = loop.items[0]
    assert isinstance(clp, Segment)
    groups = _by_id(loop)
    empty: list[Segment] = []
    names = groups.get("NM1", empty)
    return Claim(
        patient_control_number=clp.get(1),
        status=clp.get(2),
        charge=money(clp, 3, file),
        paid=money(clp, 4, file),
        patient_responsibility=decimal(clp, 5, file),
        filing_indicator=clp.get(6),
        payer_claim_control_number=clp.get(7),
        facility_type=clp.get(8),
        frequency=clp.get(9),
        patient=_name(names, "QC"),
        insured=_name(names, "IL"),
        crossover=_name(names, "TT"),
        adjustments=adjustments(groups.get("CAS", empty), file),
        dates=tuple(dtm(s) for s in groups.get("DTM", empty)),
        amounts=_amounts(groups.get("AMT", empty), file),
        lines=tuple(service_line(sub, file) for sub in loop.items if type(sub) is Loop),
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
    return Party(n1.get(1), n1.get(2), n1.get(3), n1.get(4))


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
