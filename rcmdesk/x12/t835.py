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
from rcmdesk.x12.values import (
    ZERO,
    Address,
    DateRef,
    Name,
    builder,
    composite,
    dtm,
    money,
    number,
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
class BankAccount:
    """One side of an electronic payment: bank (DFI) id and account, with qualifiers.

    BPR06-BPR09 are the payer's (originating) side, BPR12-BPR15 the payee's (receiving)
    side; the guide requires both when BPR04 is ACH, BOP or FWT and forbids them else.
    """

    dfi_qualifier: str  # 01 ABA routing number, 04 Canadian bank branch and institution
    dfi: str
    account_qualifier: str  # DA demand deposit (payer or payee), SG savings (payee only)
    account: str


@dataclass(frozen=True, slots=True)
class Payment:
    """BPR financial information."""

    handling: str
    amount: Decimal
    credit_debit: str
    method: str
    format: str = ""
    date: str = ""
    payer_bank: BankAccount | None = None  # BPR06-BPR09
    payer_identifier: str = ""  # BPR10: "1" + the payer's EIN, as in TRN03
    payer_supplemental: str = ""  # BPR11
    payee_bank: BankAccount | None = None  # BPR12-BPR15

    def bpr06_to_15(self) -> list[str]:
        """BPR06-BPR15 as written: empty where the payment has no such detail."""
        return [*_bank(self.payer_bank), self.payer_identifier, self.payer_supplemental,
                *_bank(self.payee_bank)]


def _bank(account: BankAccount | None) -> list[str]:
    if account is None:
        return ["", "", "", ""]
    return [account.dfi_qualifier, account.dfi, account.account_qualifier, account.account]


def _bank_of(bpr: Segment, first: int) -> BankAccount | None:
    parts = [bpr.get(index) for index in range(first, first + 4)]
    return BankAccount(*parts) if any(parts) else None


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


_new_adjustment = builder(Adjustment)
_new_date = builder(DateRef)
_new_line = builder(ServiceLine)
_new_claim = builder(Claim)
_CLAIM_NAMES = frozenset({"QC", "IL", "TT"})  # patient, insured, crossover carrier


def _expand_cas(cas: Segment, out: list[Adjustment], file: str) -> None:
    """Append the (up to six) reason/amount/quantity triplets of one CAS to ``out``."""
    e = cas.elements
    n = len(e)
    group = e[1] if n > 1 else ""
    for start in range(2, min(n, 20), 3):
        reason = e[start]
        if reason:
            raw = e[start + 1] if start + 1 < n else ""
            quantity = e[start + 2] if start + 2 < n else ""
            out.append(
                _new_adjustment(
                    group,
                    reason,
                    number(raw, cas, start + 1, file) if raw else ZERO,
                    number(quantity, cas, start + 2, file) if quantity else None,
                )
            )


def _amount(amt: Segment, file: str) -> tuple[str, Decimal]:
    """AMT*qualifier*amount."""
    e = amt.elements
    raw = e[2] if len(e) > 2 else ""
    return (e[1] if len(e) > 1 else "", number(raw, amt, 2, file) if raw else ZERO)


def adjustments(segments: list[Segment], file: str) -> tuple[Adjustment, ...]:
    """Expand CAS segments (up to six reason/amount/quantity triplets each)."""
    out: list[Adjustment] = []
    for cas in segments:
        _expand_cas(cas, out, file)
    return tuple(out)


def service_line(loop: Loop, file: str) -> ServiceLine:
    """Build a ServiceLine from a 2110 loop, looking at each segment once."""
    items = loop.items
    svc = items[0]
    assert isinstance(svc, Segment)
    dates: list[DateRef] = []
    cas: list[Adjustment] = []
    amounts: list[tuple[str, Decimal]] = []
    remarks: list[tuple[str, str]] = []
    control = ""
    for seg in items:
        if type(seg) is not Segment:
            continue
        e = seg.elements
        sid = e[0]
        # DTM and AMT are read inline (see dtm() and _amount()): a call each costs more
        # than the work on the usual three-element segment.
        if sid == "DTM":
            dates.append(_new_date(e[1], e[2], "") if len(e) > 2 else dtm(seg))
        elif sid == "CAS":
            _expand_cas(seg, cas, file)
        elif sid == "AMT":
            if len(e) > 2 and e[2]:
                amounts.append((e[1], number(e[2], seg, 2, file)))
            else:
                amounts.append(_amount(seg, file))
        elif sid == "REF":
            if len(e) > 2 and e[1] == "6R":
                control = e[2]
        elif sid == "LQ":
            remarks.append((e[1] if len(e) > 1 else "", e[2] if len(e) > 2 else ""))
    e = padded(svc, 7)
    charge, paid, units, original_units = e[2], e[3], e[5], e[7]
    return _new_line(
        composite(svc, 1),
        number(charge, svc, 2, file) if charge else ZERO,
        number(paid, svc, 3, file) if paid else ZERO,
        e[4],
        number(units, svc, 5, file) if units else None,
        composite(svc, 6) if e[6] else (),
        number(original_units, svc, 7, file) if original_units else None,
        tuple(dates),
        tuple(cas),
        tuple(amounts),
        tuple(remarks),
        control,
    )


def claim(loop: Loop, file: str = "<input>") -> Claim:
    """Build a Claim from a 2100 loop, looking at each segment once."""
    items = loop.items
    clp = items[0]
    assert isinstance(clp, Segment)
    names: dict[str, Name | None] = {}
    cas: list[Adjustment] = []
    dates: list[DateRef] = []
    amounts: list[tuple[str, Decimal]] = []
    lines: list[ServiceLine] = []
    for item in items:
        if type(item) is not Segment:
            assert isinstance(item, Loop)
            lines.append(service_line(item, file))
            continue
        e = item.elements
        sid = e[0]
        if sid == "DTM":
            dates.append(_new_date(e[1], e[2], "") if len(e) > 2 else dtm(item))
        elif sid == "NM1":
            entity = e[1] if len(e) > 1 else ""
            if entity in _CLAIM_NAMES and entity not in names:
                names[entity] = Name.of(item)
        elif sid == "CAS":
            _expand_cas(item, cas, file)
        elif sid == "AMT":
            if len(e) > 2 and e[2]:
                amounts.append((e[1], number(e[2], item, 2, file)))
            else:
                amounts.append(_amount(item, file))
    e = padded(clp, 9)
    charge, paid, responsibility = e[3], e[4], e[5]
    return _new_claim(
        e[1],
        e[2],
        number(charge, clp, 3, file) if charge else ZERO,
        number(paid, clp, 4, file) if paid else ZERO,
        number(responsibility, clp, 5, file) if responsibility else None,
        e[6],
        e[7],
        e[8],
        e[9],
        names.get("QC"),
        names.get("IL"),
        names.get("TT"),
        tuple(cas),
        tuple(dates),
        tuple(amounts),
        tuple(lines),
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
    return Payment(bpr.get(1), money(bpr, 2, file), bpr.get(3), bpr.get(4), bpr.get(5),
                   bpr.get(16), _bank_of(bpr, 6), bpr.get(10), bpr.get(11), _bank_of(bpr, 12))


def remittance(tx: Transaction, claims: tuple[Claim, ...] | None = None) -> Remittance:
    """The typed 835; ``claims`` overrides the claim list (used when streaming)."""
    tx.require_guide()
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
        if tx.set_id != "835":
            continue
        if loop is None:
            tx.require_guide()
        else:
            yield claim(loop, tx.file)
