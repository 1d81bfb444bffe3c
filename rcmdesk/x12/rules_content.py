"""SNIP 3-5 checks that need no outside data: balancing, NPI check digits, dates, CPT form.

Balancing catches the errors payers reject whole files for: an 835 whose BPR02 does
not equal claim payments less provider adjustments, an 837 claim whose CLM02 is not
the sum of its line charges.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from rcmdesk.x12.errors import X12Error
from rcmdesk.x12.findings import Finding
from rcmdesk.x12.parser import Loop, Transaction
from rcmdesk.x12.reader import Segment
from rcmdesk.x12.rules_elements import finding, valid_date
from rcmdesk.x12.values import money

_PROCEDURE = re.compile(r"^(\d{5}|\d{4}[FTU]|[A-V]\d{4})$")
_PROCEDURE_QUALIFIERS = frozenset({"HC"})


def npi_valid(npi: str) -> bool:
    """Luhn check digit over the NPI prefixed with the 80840 card issuer id."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    total = 24  # the 80840 prefix contributes a constant 24 to the Luhn sum
    for index, char in enumerate(reversed(npi[:9])):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


def _amount(file: str, seg: Segment, index: int) -> Decimal | None:
    try:
        return money(seg, index, file)
    except X12Error:
        return None  # already reported as a malformed number


def claim_paid(file: str, loop: Loop) -> Decimal:
    """CLP04 of a 2100 loop (zero when malformed: that is reported elsewhere)."""
    clp = loop.items[0]
    return (_amount(file, clp, 4) or Decimal(0)) if isinstance(clp, Segment) else Decimal(0)


def check_835_balance(tx: Transaction, streamed_paid: Decimal = Decimal(0)) -> Iterator[Finding]:
    """BPR02 = sum(CLP04) - sum(PLB amounts); ``streamed_paid`` covers detached 2100s."""
    root, file = tx.root, tx.file
    bpr = root.first("BPR")
    if bpr is None:
        return
    paid = streamed_paid
    for loop in root.walk():
        if loop.id == "2100":
            paid += claim_paid(file, loop)
    adjustments = Decimal(0)
    for plb in root.all("PLB"):
        for index in range(4, 15, 2):
            adjustments += _amount(file, plb, index) or 0
    payment = _amount(file, bpr, 2)
    if payment is not None and payment != paid - adjustments:
        yield finding(
            file,
            bpr,
            2,
            "snip3.835-balance",
            f"BPR02 {payment} does not equal claim payments {paid} "
            f"less provider adjustments {adjustments}",
        )


def check_837_lines(tx: Transaction) -> Iterator[Finding]:
    """CLM02 = sum of SV102/SV203 line charges, for every 2300 still in the tree."""
    for loop in tx.root.walk():
        if loop.id == "2300":
            yield from check_claim_lines(tx.file, loop)


def check_claim_lines(file: str, loop: Loop) -> Iterator[Finding]:
    """CLM02 = sum of SV102/SV203 line charges for one 2300 loop."""
    clm = loop.items[0]
    if not isinstance(clm, Segment):
        return
    total = Decimal(0)
    lines = loop.children("2400")
    for line in lines:
        sv = line.first("SV1") or line.first("SV2")
        if sv is not None:
            total += _amount(file, sv, 2 if sv.id == "SV1" else 3) or 0
    charge = _amount(file, clm, 2)
    if charge is not None and lines and charge != total:
        yield finding(
            file,
            clm,
            2,
            "snip3.837-line-sum",
            f"CLM02 {charge} does not equal the sum of line charges {total}",
        )


# The only segment ids check_segment looks at: callers skip the call for all others.
CHECKED_SEGMENTS = frozenset({"NM1", "N1", "DTP", "SV1", "SVC", "SV2"})


def check_segment(file: str, seg: Segment) -> Iterator[Finding]:
    """NPI check digits, DTP date formats and procedure code form."""
    sid = seg.id
    if sid == "NM1" and seg.get(8) == "XX" and not npi_valid(seg.get(9)):
        yield finding(file, seg, 9, "snip4.npi", f"NPI {seg.get(9)!r} fails the check digit")
    elif sid == "N1" and seg.get(3) == "XX" and not npi_valid(seg.get(4)):
        yield finding(file, seg, 4, "snip4.npi", f"NPI {seg.get(4)!r} fails the check digit")
    elif sid == "DTP":
        yield from _dtp(file, seg)
    elif sid in ("SV1", "SVC", "SV2"):
        yield from _procedure(file, seg, 2 if sid == "SV2" else 1)


def _dtp(file: str, seg: Segment) -> Iterator[Finding]:
    fmt, value = seg.get(2), seg.get(3)
    if fmt == "D8" and not valid_date(value):
        yield finding(file, seg, 3, "snip4.date", f"{value!r} is not a valid CCYYMMDD date")
    elif fmt == "RD8":
        start, _, end = value.partition("-")
        if not (valid_date(start) and valid_date(end)) or start > end:
            yield finding(
                file, seg, 3, "snip4.date", f"{value!r} is not a valid CCYYMMDD-CCYYMMDD range"
            )


def _procedure(file: str, seg: Segment, index: int) -> Iterator[Finding]:
    parts = seg.components(index)
    if len(parts) >= 2 and parts[0] in _PROCEDURE_QUALIFIERS and not _PROCEDURE.match(parts[1]):
        yield finding(
            file,
            seg,
            index,
            "snip5.procedure-form",
            f"{parts[1]!r} is not a CPT/HCPCS code form",
            warn=True,
        )


def check_transaction(tx: Transaction, streamed_paid: Decimal = Decimal(0)) -> Iterator[Finding]:
    """Set-level balancing rules."""
    if tx.set_id == "835":
        yield from check_835_balance(tx, streamed_paid)
    elif tx.set_id == "837":
        yield from check_837_lines(tx)


def walk_segments(loop: Loop) -> Iterator[Segment]:
    """Every segment under ``loop`` in file order."""
    for item in loop.items:
        if isinstance(item, Segment):
            yield item
        else:
            yield from walk_segments(item)
