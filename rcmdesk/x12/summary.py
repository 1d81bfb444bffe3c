"""A biller's one-line summary of each transaction set, computed while streaming.

Claim loops are detached as they close and only their totals are kept, so summarising
a 2 GB remittance file needs no more memory than a small one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from rcmdesk.x12.parser import Loop, Source, Transaction, stream
from rcmdesk.x12.values import cents, money

_CLAIM_LOOPS = {
    "835": frozenset({"2100"}),
    "837": frozenset({"2300", "2000B"}),
}
_STATUS_CLAIM_LOOPS = frozenset({"2200D", "2200E"})


@dataclass(slots=True)
class Summary:
    """Totals for one transaction set; money is None where it does not apply."""

    file: str
    set_id: str
    version: str
    isa_control: str
    gs_control: str
    st_control: str
    sender: str
    receiver: str
    claim_count: int | None = None
    total_charge: Decimal | None = None
    total_paid: Decimal | None = None
    payment_amount: Decimal | None = None
    findings: int = 0
    extra: dict[str, str] = field(default_factory=dict)
    guide: str | None = None  # the implementation guide the set was read with
    problem: str = ""  # why a set we have guides for was not read (no totals then)

    def as_json(self) -> dict[str, object]:
        """The JSON shape of ``inspect --json``."""
        return {
            "set": self.set_id,
            "version": self.version,
            "isa_control": self.isa_control,
            "gs_control": self.gs_control,
            "st_control": self.st_control,
            "sender": self.sender,
            "receiver": self.receiver,
            "claim_count": self.claim_count,
            "total_charge": cents(self.total_charge),
            "total_paid": cents(self.total_paid),
            "payment_amount": cents(self.payment_amount),
            "guide": self.guide,
            "problem": self.problem or None,
        }


def _new(tx: Transaction) -> Summary:
    isa = tx.interchange
    summary = Summary(
        tx.file,
        tx.set_id,
        tx.version,
        isa.control,
        tx.group.control,
        tx.control,
        isa.sender,
        isa.receiver,
        guide=tx.guide.version if tx.guide is not None else None,
        problem=tx.guide_problem,
    )
    if tx.guide is None:  # nothing to total: the typed views cannot read it either
        return summary
    if tx.set_id in ("835", "837", "277"):
        summary.claim_count = 0
    if tx.set_id in ("835", "837"):
        summary.total_charge = Decimal(0)
    if tx.set_id == "835":
        summary.total_paid = Decimal(0)
    return summary


def _add_claim(summary: Summary, loop: Loop) -> None:
    head = loop.items[0]
    if isinstance(head, Loop) or head.elements[0] not in ("CLP", "CLM"):
        return
    summary.claim_count = (summary.claim_count or 0) + 1
    charge = money(head, 2 if head.id == "CLM" else 3, summary.file)
    summary.total_charge = (summary.total_charge or Decimal(0)) + charge
    if head.id == "CLP":
        summary.total_paid = (summary.total_paid or Decimal(0)) + money(head, 4, summary.file)


def _finish(summary: Summary, tx: Transaction) -> Summary:
    summary.findings = len(tx.findings)
    if tx.guide is None:
        return summary
    if tx.set_id == "835":
        bpr = tx.root.first("BPR")
        summary.payment_amount = money(bpr, 2, tx.file) if bpr is not None else None
    elif tx.set_id == "277":
        summary.claim_count = sum(1 for lp in tx.root.walk() if lp.id in _STATUS_CLAIM_LOOPS)
    return summary


def summaries(source: Source, *, name: str | None = None) -> Iterator[Summary]:
    """One Summary per transaction set in ``source``."""
    current: Summary | None = None
    for tx, loop in stream(source, name=name, detach=_CLAIM_LOOPS):
        if current is None:
            current = _new(tx)
        if loop is not None:
            _add_claim(current, loop)
            continue
        yield _finish(current, tx)
        current = None
