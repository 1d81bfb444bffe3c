"""Typed view of a 270 eligibility inquiry (005010X279A1).

The hierarchy is kept (source > receiver > subscriber > dependents) because the
writer must rebuild the same HL tree, and a dependent only makes sense under its
subscriber.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rcmdesk.x12.parser import Loop, Source, Transaction, transactions
from rcmdesk.x12.reader import Segment
from rcmdesk.x12.values import DateRef, Name, dtp


@dataclass(frozen=True, slots=True)
class InquiryMember:
    """A subscriber (2000C) or dependent (2000D) being asked about."""

    name: Name
    trace: str = ""
    trace_originator: str = ""
    birth_date: str = ""
    gender: str = ""
    dates: tuple[DateRef, ...] = ()
    service_types: tuple[str, ...] = ()
    dependents: tuple[InquiryMember, ...] = ()


@dataclass(frozen=True, slots=True)
class EligibilityInquiry:
    """A whole 270 transaction set."""

    control: str
    reference: str
    source: Name | None
    receiver: Name | None
    subscribers: tuple[InquiryMember, ...]


def _service_types(loop: Loop) -> tuple[str, ...]:
    out: list[str] = []
    for item in loop.walk():
        for eq in item.all("EQ"):
            rep = eq.delimiters.repetition
            raw = eq.get(1)
            out.extend(t for t in (raw.split(rep) if rep else [raw]) if t)
    return tuple(out)


def _member(level: Loop, name_id: str, dependents: tuple[InquiryMember, ...]) -> InquiryMember:
    name_loop = next(iter(level.children(name_id)), None)
    trn = level.first("TRN") or (name_loop.first("TRN") if name_loop else None)
    dmg = (name_loop.first("DMG") if name_loop else None) or level.first("DMG")
    dates = [dtp(s) for s in name_loop.all("DTP")] if name_loop else []
    return InquiryMember(
        Name.of(name_loop.first("NM1") if name_loop else None) or Name(),
        trn.get(2) if trn else "",
        trn.get(3) if trn else "",
        dmg.get(2) if dmg else "",
        dmg.get(3) if dmg else "",
        tuple(dates),
        _service_types(name_loop) if name_loop else (),
        dependents,
    )


def _levels(root: Loop, loop_id: str) -> list[Loop]:
    return [lp for lp in root.walk() if lp.id == loop_id]


def _first_name(root: Loop, loop_id: str) -> Name | None:
    found = _levels(root, loop_id)
    nm1: Segment | None = found[0].first("NM1") if found else None
    return Name.of(nm1)


def inquiry(tx: Transaction) -> EligibilityInquiry:
    """The typed 270 of a parsed transaction."""
    tx.require_guide()
    root = tx.root
    bht = root.first("BHT")
    subscribers = tuple(
        _member(
            level,
            "2100C",
            tuple(_member(dep, "2100D", ()) for dep in level.children("2000D")),
        )
        for level in _levels(root, "2000C")
    )
    return EligibilityInquiry(
        tx.control,
        bht.get(3) if bht else "",
        _first_name(root, "2100A"),
        _first_name(root, "2100B"),
        subscribers,
    )


def inquiries(source: Source, *, name: str | None = None) -> Iterator[EligibilityInquiry]:
    """Every 270 in ``source``."""
    for tx in transactions(source, name=name):
        if tx.set_id == "270":
            yield inquiry(tx)
