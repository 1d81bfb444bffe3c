"""Typed view of a 276 claim status request (005010X212).

Kept hierarchical (payer > receiver > provider > subscriber > dependent > claim) so
the writer can rebuild the HL tree; each claim inquiry carries its trace number,
references (REF*EJ patient account, REF*1K payer claim number, ...), charge and dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from rcmdesk.x12.parser import Loop, Source, Transaction, transactions
from rcmdesk.x12.values import DateRef, Name, composite, decimal, dtp


@dataclass(frozen=True, slots=True)
class ServiceInquiry:
    """A 2210 line: SVC procedure composite, charge, units and dates."""

    procedure: tuple[str, ...]
    charge: Decimal | None
    units: Decimal | None = None
    dates: tuple[DateRef, ...] = ()


@dataclass(frozen=True, slots=True)
class ClaimInquiry:
    """A 2200D/2200E claim status tracking loop."""

    trace: str
    references: tuple[tuple[str, str], ...] = ()
    charge: Decimal | None = None
    dates: tuple[DateRef, ...] = ()
    services: tuple[ServiceInquiry, ...] = ()


@dataclass(frozen=True, slots=True)
class Person:
    """Subscriber (2000D) or dependent (2000E) with their claims."""

    name: Name
    birth_date: str = ""
    gender: str = ""
    claims: tuple[ClaimInquiry, ...] = ()
    dependents: tuple[Person, ...] = ()


@dataclass(frozen=True, slots=True)
class ProviderInquiry:
    """Service provider (2000C) and the subscribers asked about for it."""

    name: Name
    subscribers: tuple[Person, ...] = ()


@dataclass(frozen=True, slots=True)
class StatusRequest:
    """A whole 276 transaction set."""

    control: str
    reference: str
    payer: Name | None
    receiver: Name | None
    providers: tuple[ProviderInquiry, ...]


def _name(level: Loop, name_id: str) -> Name:
    loop = next(iter(level.children(name_id)), None)
    return Name.of(loop.first("NM1") if loop else None) or Name()


def _service(loop: Loop, file: str) -> ServiceInquiry:
    svc = loop.first("SVC") or loop.segments[0]
    return ServiceInquiry(
        composite(svc, 1),
        decimal(svc, 2, file),
        decimal(svc, 7, file),
        tuple(dtp(s) for s in loop.all("DTP")),
    )


def _claim(loop: Loop, file: str) -> ClaimInquiry:
    trn = loop.first("TRN")
    amt = loop.first("AMT")
    return ClaimInquiry(
        trn.get(2) if trn else "",
        tuple((r.get(1), r.get(2)) for r in loop.all("REF")),
        decimal(amt, 2, file) if amt else None,
        tuple(dtp(s) for s in loop.all("DTP")),
        tuple(_service(sub, file) for sub in loop.loops),
    )


def _subscriber_or_dependent(
    level: Loop, name_id: str, claim_id: str, file: str, deps: tuple[Person, ...]
) -> Person:
    dmg = level.first("DMG")
    return Person(
        _name(level, name_id),
        dmg.get(2) if dmg else "",
        dmg.get(3) if dmg else "",
        tuple(_claim(c, file) for c in level.children(claim_id)),
        deps,
    )


def _subscriber(level: Loop, following: list[Loop], file: str) -> Person:
    deps = tuple(_subscriber_or_dependent(d, "2100E", "2200E", file, ()) for d in following)
    return _subscriber_or_dependent(level, "2100D", "2200D", file, deps)


def _providers(root: Loop, file: str) -> tuple[ProviderInquiry, ...]:
    """Walk HL levels in file order; 2000D/2000E may be siblings in the flattened map."""
    providers: list[ProviderInquiry] = []
    levels = [lp for lp in root.walk() if lp.id in ("2000C", "2000D", "2000E")]
    index = 0
    while index < len(levels):
        provider = levels[index]
        index += 1
        subscribers: list[Person] = []
        while index < len(levels) and levels[index].id == "2000D":
            sub = levels[index]
            index += 1
            deps: list[Loop] = []
            while index < len(levels) and levels[index].id == "2000E":
                deps.append(levels[index])
                index += 1
            subscribers.append(_subscriber(sub, deps, file))
        if provider.id == "2000C":
            providers.append(ProviderInquiry(_name(provider, "2100C"), tuple(subscribers)))
    return tuple(providers)


def request(tx: Transaction) -> StatusRequest:
    """The typed 276 of a parsed transaction."""
    tx.require_guide()
    root = tx.root
    bht = root.first("BHT")
    payer = next((lp for lp in root.walk() if lp.id == "2000A"), None)
    receiver = next((lp for lp in root.walk() if lp.id == "2000B"), None)
    return StatusRequest(
        tx.control,
        bht.get(3) if bht else "",
        _name(payer, "2100A") if payer else None,
        _name(receiver, "2100B") if receiver else None,
        _providers(root, tx.file),
    )


def requests(source: Source, *, name: str | None = None) -> Iterator[StatusRequest]:
    """Every 276 in ``source``."""
    for tx in transactions(source, name=name):
        if tx.set_id == "276":
            yield request(tx)
