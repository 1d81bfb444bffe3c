"""Typed view of a 999 implementation acknowledgment (005010X231A1).

One ``SetResponse`` per AK2 with its IK5 disposition and the IK3/IK4 error locations,
which are what a biller needs to find the rejected segment in the original file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rcmdesk.x12.envelope import Envelopes
from rcmdesk.x12.parser import Loop, Source, Transaction, open_source, transactions
from rcmdesk.x12.reader import Segment, SegmentReader
from rcmdesk.x12.values import composite


@dataclass(frozen=True, slots=True)
class ElementError:
    """IK4: element position (with component), data element number, error code, value."""

    position: tuple[str, ...]
    reference: str
    code: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class SegmentError:
    """IK3: segment id, its position in the set, loop id, error code, plus IK4s."""

    segment_id: str
    position: str
    loop: str
    code: str
    elements: tuple[ElementError, ...] = ()


@dataclass(frozen=True, slots=True)
class SetResponse:
    """AK2 + IK5: which set and whether it was accepted (A/E/M/P/R/W/X)."""

    set_id: str
    control: str
    version: str
    status: str
    codes: tuple[str, ...] = ()
    errors: tuple[SegmentError, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.status in ("A", "E")


@dataclass(frozen=True, slots=True)
class Acknowledgment:
    """A whole 999: AK1 group, set responses and the AK9 group disposition."""

    control: str
    functional_id: str
    group_control: str
    version: str
    sets: tuple[SetResponse, ...]
    group_status: str
    included: str
    received: str
    accepted_count: str


def _segment_error(loop: Loop) -> SegmentError:
    ik3 = loop.items[0]
    get = ik3.get if not isinstance(ik3, Loop) else (lambda _i: "")
    elements = tuple(
        ElementError(composite(ik4, 1), ik4.get(2), ik4.get(3), ik4.get(4))
        for sub in loop.loops
        for ik4 in sub.all("IK4")
    ) + tuple(
        ElementError(composite(ik4, 1), ik4.get(2), ik4.get(3), ik4.get(4))
        for ik4 in loop.all("IK4")
    )
    return SegmentError(get(1), get(2), get(3), get(4), elements)


def set_response(loop: Loop) -> SetResponse:
    """A 2000 (AK2) loop as a SetResponse."""
    ak2 = loop.first("AK2")
    ik5 = loop.first("IK5")
    codes = tuple(c for c in (ik5.elements[2:7] if ik5 else []) if c)
    return SetResponse(
        ak2.get(1) if ak2 else "",
        ak2.get(2) if ak2 else "",
        ak2.get(3) if ak2 else "",
        ik5.get(1) if ik5 else "",
        codes,
        tuple(_segment_error(sub) for sub in loop.children("2100")),
    )


def acknowledgment(tx: Transaction) -> Acknowledgment:
    """The typed 999 of a parsed transaction."""
    tx.require_guide()
    root = tx.root
    ak1, ak9 = root.first("AK1"), root.first("AK9")
    g1 = ak1.get if ak1 else (lambda _i: "")
    g9 = ak9.get if ak9 else (lambda _i: "")
    return Acknowledgment(
        tx.control,
        g1(1),
        g1(2),
        g1(3),
        tuple(set_response(lp) for lp in root.children("2000")),
        g9(1),
        g9(2),
        g9(3),
        g9(4),
    )


@dataclass(frozen=True, slots=True)
class InterchangeAck:
    """A TA1: which interchange (ISA13/date/time) and whether it was accepted."""

    control: str
    date: str
    time: str
    status: str
    note: str

    @property
    def accepted(self) -> bool:
        return self.status == "A"


def interchange_acks(source: Source, *, name: str | None = None) -> list[InterchangeAck]:
    """Every TA1 in ``source`` (they live outside functional groups)."""
    stream, display, owned = open_source(source, name)
    try:
        envelopes = Envelopes(SegmentReader(stream, display), display)
        for _tx in envelopes.transactions():
            pass
    finally:
        if owned:
            stream.close()
    return _acks(envelopes)


def sets_and_interchange_acks(source: Source, *, name: str | None = None
                              ) -> tuple[list[Transaction], list[InterchangeAck]]:
    """Every transaction set (as ``parse`` gives them) and every TA1, in one pass.

    Intake needs both: a file may hold nothing but TA1s, which no set applier ever sees,
    and reading a large 835 twice to look for them would double its cost.
    """
    stream, display, owned = open_source(source, name)
    try:
        envelopes = Envelopes(SegmentReader(stream, display), display)
        sets = list(transactions(stream, name=display, envelopes=envelopes))
    finally:
        if owned:
            stream.close()
    return sets, _acks(envelopes)


def _acks(envelopes: Envelopes) -> list[InterchangeAck]:
    return [interchange_ack(ta1) for _isa, ta1 in envelopes.ta1]


def interchange_ack(ta1: Segment) -> InterchangeAck:
    """One TA1 segment, typed."""
    return InterchangeAck(ta1.get(1), ta1.get(2), ta1.get(3), ta1.get(4), ta1.get(5))


def acknowledgments(source: Source, *, name: str | None = None) -> Iterator[Acknowledgment]:
    """Every 999 in ``source``."""
    for tx in transactions(source, name=name):
        if tx.set_id == "999":
            yield acknowledgment(tx)
