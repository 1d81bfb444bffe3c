"""Typed view of 277 claim status responses (005010X212) and 277CA (005010X214).

STC01 is a composite category:status:entity; a loop can carry several STCs, and both
guides put them at every HL level, so statuses are kept per level with the level's
name, and claim-level loops (2200D/2200E) become ``ClaimStatus`` records.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from rcmdesk.x12.parser import Loop, Source, Transaction, transactions
from rcmdesk.x12.reader import Segment
from rcmdesk.x12.values import Name, composite, decimal

CLAIM_LOOPS = frozenset({"2200D", "2200E"})


@dataclass(frozen=True, slots=True)
class Status:
    """One STC composite (STC01, STC10 or STC11): category, status, entity codes."""

    category: str
    code: str
    entity: str = ""
    date: str = ""
    action: str = ""
    charge: Decimal | None = None
    paid: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ClaimStatus:
    """A claim-level loop: trace (patient control number), payer claim number, statuses."""

    patient_control_number: str
    payer_claim_control_number: str
    statuses: tuple[Status, ...]
    charge: Decimal | None = None
    patient: Name | None = None


@dataclass(frozen=True, slots=True)
class LevelStatus:
    """Statuses reported at a non-claim level (2200A/2200B/2200C...)."""

    loop: str
    statuses: tuple[Status, ...]


@dataclass(frozen=True, slots=True)
class StatusResponse:
    """A whole 277 or 277CA transaction set."""

    control: str
    acknowledgment: bool
    levels: tuple[LevelStatus, ...]
    claims: tuple[ClaimStatus, ...]


def statuses(stc: Segment, file: str) -> list[Status]:
    """The one to three category/status/entity composites of an STC segment."""
    out: list[Status] = []
    charge, paid = decimal(stc, 4, file), decimal(stc, 5, file)
    for index in (1, 10, 11):
        parts = composite(stc, index)
        if not parts:
            continue
        padded = (*parts, "", "", "")
        out.append(Status(padded[0], padded[1], padded[2], stc.get(2), stc.get(3), charge, paid))
    return out


def _loop_statuses(loop: Loop, file: str) -> tuple[Status, ...]:
    return tuple(s for stc in loop.all("STC") for s in statuses(stc, file))


def _patient(parent: Loop | None) -> Name | None:
    if parent is None:
        return None
    for loop in parent.loops:
        if loop.id in ("2100D", "2100E"):
            return Name.of(loop.first("NM1"))
    return None


def claim_status(loop: Loop, file: str, parent: Loop | None = None) -> ClaimStatus:
    """A 2200D/2200E loop as a ClaimStatus."""
    trn = loop.first("TRN")
    ref = loop.first("REF", "1K")
    stc = loop.first("STC")
    return ClaimStatus(
        trn.get(2) if trn is not None else "",
        ref.get(2) if ref is not None else "",
        _loop_statuses(loop, file),
        decimal(stc, 4, file) if stc is not None else None,
        _patient(parent),
    )


def _walk(loop: Loop, parent: Loop | None) -> Iterator[tuple[Loop, Loop | None]]:
    yield loop, parent
    for child in loop.loops:
        yield from _walk(child, loop)


def response(tx: Transaction) -> StatusResponse:
    """The typed 277/277CA of a parsed transaction."""
    tx.require_guide()
    levels: list[LevelStatus] = []
    claims: list[ClaimStatus] = []
    for loop, parent in _walk(tx.root, None):
        if loop.id in CLAIM_LOOPS:
            claims.append(claim_status(loop, tx.file, parent))
        elif loop.id != "ST_LOOP" and loop.all("STC"):
            levels.append(LevelStatus(loop.id, _loop_statuses(loop, tx.file)))
    return StatusResponse(tx.control, "X214" in tx.version, tuple(levels), tuple(claims))


def responses(source: Source, *, name: str | None = None) -> Iterator[StatusResponse]:
    """Every 277 in ``source``."""
    for tx in transactions(source, name=name):
        if tx.set_id == "277":
            yield response(tx)
