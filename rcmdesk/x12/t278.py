"""Typed view of a 278 services review request or response (005010X217).

Each patient event (2000E) and service (2000F) level becomes a ``Review`` with its
decision (HCR), certification number (REF*BB or HCR02), dates and units (HSD/UM).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from rcmdesk.x12.parser import Loop, Source, Transaction, transactions
from rcmdesk.x12.values import DateRef, Name, composite, decimal, dtp


@dataclass(frozen=True, slots=True)
class Review:
    """One 2000E or 2000F level."""

    level: str
    request_category: str
    certification_type: str
    service_type: str
    facility: tuple[str, ...] = ()
    decision: str = ""
    certification_number: str = ""
    reason: str = ""
    dates: tuple[DateRef, ...] = ()
    units_qualifier: str = ""
    units: Decimal | None = None
    trace: str = ""
    rejections: tuple[str, ...] = ()
    trace_originator: str = ""  # TRN03, required with every TRN: "1" + EIN or "9" + own id


@dataclass(frozen=True, slots=True)
class ServicesReview:
    """A whole 278 transaction set."""

    control: str
    response: bool
    umo: Name | None
    requester: Name | None
    subscriber: Name | None
    reviews: tuple[Review, ...]


def review(loop: Loop, file: str) -> Review:
    """A 2000E/2000F loop as a Review."""
    um, hcr, hsd, trn = loop.first("UM"), loop.first("HCR"), loop.first("HSD"), loop.first("TRN")
    ref = loop.first("REF", "BB") or loop.first("REF", "NT")
    cert = hcr.get(2) if hcr is not None and hcr.get(2) else (ref.get(2) if ref else "")
    return Review(
        level=loop.id,
        request_category=um.get(1) if um else "",
        certification_type=um.get(2) if um else "",
        service_type=um.get(3) if um else "",
        facility=composite(um, 4) if um else (),
        decision=hcr.get(1) if hcr else "",
        certification_number=cert,
        reason=hcr.get(3) if hcr else "",
        dates=tuple(dtp(s) for s in loop.all("DTP")),
        units_qualifier=hsd.get(1) if hsd else "",
        units=decimal(hsd, 2, file) if hsd else None,
        trace=trn.get(2) if trn else "",
        rejections=tuple(a.get(3) for a in loop.all("AAA")),
        trace_originator=trn.get(3) if trn else "",
    )


def _name(root: Loop, loop_id: str) -> Name | None:
    for loop in root.walk():
        if loop.id == loop_id:
            return Name.of(loop.first("NM1"))
    return None


def services_review(tx: Transaction) -> ServicesReview:
    """The typed 278 of a parsed transaction."""
    tx.require_guide()
    root = tx.root
    bht = root.first("BHT")
    reviews = tuple(review(lp, tx.file) for lp in root.walk() if lp.id in ("2000E", "2000F"))
    return ServicesReview(
        tx.control,
        bht is not None and bht.get(2) == "11",
        _name(root, "2010A"),
        _name(root, "2010B"),
        _name(root, "2010C"),
        reviews,
    )


def services_reviews(source: Source, *, name: str | None = None) -> Iterator[ServicesReview]:
    """Every 278 in ``source``."""
    for tx in transactions(source, name=name):
        if tx.set_id == "278":
            yield services_review(tx)
