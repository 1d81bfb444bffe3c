"""Typed view of a 271 eligibility response (005010X279A1).

Benefits are read from every EB in the subscriber (2110C) and dependent (2110D) loops;
AAA rejections are collected from every level because payers put them at the level
that failed (source, receiver, subscriber or dependent).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from rcmdesk.x12.parser import Loop, Source, Transaction, transactions
from rcmdesk.x12.reader import Segment
from rcmdesk.x12.values import DateRef, Name, decimal, dtp


@dataclass(frozen=True, slots=True)
class Benefit:
    """One EB: coverage status code (EB01), coverage level, service types, amounts."""

    status: str
    coverage_level: str = ""
    service_types: tuple[str, ...] = ()
    insurance_type: str = ""
    plan: str = ""
    period: str = ""
    amount: Decimal | None = None
    percent: Decimal | None = None
    quantity_qualifier: str = ""
    quantity: Decimal | None = None
    authorization_required: str = ""
    in_network: str = ""


@dataclass(frozen=True, slots=True)
class RequestError:
    """An AAA rejection: valid request flag, reject reason and follow-up action."""

    loop: str
    valid: str
    reason: str
    action: str


@dataclass(frozen=True, slots=True)
class Member:
    """Subscriber or dependent with dates and benefits."""

    name: Name
    birth_date: str = ""
    gender: str = ""
    dates: tuple[DateRef, ...] = ()
    benefits: tuple[Benefit, ...] = ()


@dataclass(frozen=True, slots=True)
class EligibilityResponse:
    """A whole 271 transaction set."""

    control: str
    source: Name | None
    receiver: Name | None
    subscribers: tuple[Member, ...]
    dependents: tuple[Member, ...]
    errors: tuple[RequestError, ...]

    @property
    def active(self) -> bool:
        """Whether any EB reports active coverage (EB01 codes 1-5)."""
        members = self.subscribers + self.dependents
        return any(b.status in {"1", "2", "3", "4", "5"} for m in members for b in m.benefits)


def benefit(eb: Segment, file: str) -> Benefit:
    """EB segment as a Benefit; EB03 is a repeating element."""
    rep = eb.delimiters.repetition
    raw = eb.get(3)
    types = tuple(t for t in (raw.split(rep) if rep else [raw]) if t)
    return Benefit(
        eb.get(1),
        eb.get(2),
        types,
        eb.get(4),
        eb.get(5),
        eb.get(6),
        decimal(eb, 7, file),
        decimal(eb, 8, file),
        eb.get(9),
        decimal(eb, 10, file),
        eb.get(11),
        eb.get(12),
    )


def _member(loop: Loop, name_id: str, benefit_id: str, file: str) -> Member | None:
    names = loop.children(name_id)
    if not names:
        return None
    nm = names[0]
    dmg = nm.first("DMG")
    ebs = [
        benefit(b.items[0], file)
        for b in nm.children(benefit_id)
        if isinstance(b.items[0], Segment)
    ]
    return Member(
        Name.of(nm.first("NM1")) or Name(),
        dmg.get(2) if dmg else "",
        dmg.get(3) if dmg else "",
        tuple(dtp(s) for s in nm.all("DTP")),
        tuple(ebs),
    )


def _errors(root: Loop) -> tuple[RequestError, ...]:
    out: list[RequestError] = []
    for loop in root.walk():
        for aaa in loop.all("AAA"):
            out.append(RequestError(loop.id, aaa.get(1), aaa.get(3), aaa.get(4)))
    return tuple(out)


def _levels(root: Loop, loop_id: str) -> list[Loop]:
    return [loop for loop in root.walk() if loop.id == loop_id]


def _first_name(root: Loop, loop_id: str) -> Name | None:
    for loop in _levels(root, loop_id):
        return Name.of(loop.first("NM1"))
    return None


def response(tx: Transaction) -> EligibilityResponse:
    """The typed 271 of a parsed transaction."""
    tx.require_guide()
    root, file = tx.root, tx.file
    subs = [_member(lp, "2100C", "2110C", file) for lp in _levels(root, "2000C")]
    deps = [_member(lp, "2100D", "2110D", file) for lp in _levels(root, "2000D")]
    return EligibilityResponse(
        tx.control,
        _first_name(root, "2100A"),
        _first_name(root, "2100B"),
        tuple(m for m in subs if m is not None),
        tuple(m for m in deps if m is not None),
        _errors(root),
    )


def responses(source: Source, *, name: str | None = None) -> Iterator[EligibilityResponse]:
    """Every 271 in ``source``."""
    for tx in transactions(source, name=name):
        if tx.set_id == "271":
            yield response(tx)
