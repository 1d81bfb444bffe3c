"""The remit rows one 835 posting builds, as small objects and then as database rows.

Posting a large 835 creates tens of thousands of remit claims, lines and adjustments; model
instances cost more to build and to save than everything else posting does. These carry
only what matching and posting read, plus the parsed segment the rest of the row comes
from, and turn into tuples in column order (``*_FIELDS``) for ``bulk.insert``.
Rows loaded again from the database (a repost) have ``pk`` set and no segment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from rcmdesk.claims.models import Claim
from rcmdesk.db import bulk
from rcmdesk.remits.models import RemitAdjustment, RemitClaim, RemitLine
from rcmdesk.x12 import t835

CENT = Decimal("0.01")
MILLI = Decimal("0.001")

CLAIM_FIELDS = ["id", "remittance", "index", "claim", "patient_control_number", "status_code",
                "charge", "paid", "patient_responsibility", "filing_indicator",
                "payer_claim_control_number", "facility_type", "frequency", "crossover_payer",
                "interest", "outcome"]
LINE_FIELDS = ["id", "remit_claim", "index", "claim_line", "procedure_qualifier", "procedure",
               "modifiers", "charge", "paid", "revenue_code", "units", "control_number",
               "remarks"]
ADJUSTMENT_FIELDS = ["remit_claim", "remit_line", "group", "reason", "amount", "quantity",
                     "category", "posted"]


class Stored(Protocol):
    """A row with a primary key: a matched claim line (a model or ``prefetch.IndexedLine``)."""

    @property
    def pk(self) -> Any: ...


def cents(value: Decimal | None) -> Decimal | None:
    """Money as the database gives it back (two places), so it reads and prints the same."""
    return None if value is None else value.quantize(CENT)


@dataclass(slots=True, eq=False)
class LineRow:
    index: int
    procedure: str
    control_number: str
    paid: Decimal
    claim_line: Stored | None = None
    pk: int | None = None
    svc: t835.ServiceLine | None = None


@dataclass(slots=True, eq=False)
class AdjustmentRow:
    group: str
    reason: str
    amount: Decimal
    category: str
    posted: bool
    line: LineRow | None = None
    cas: t835.Adjustment | None = None


@dataclass(slots=True, eq=False)
class ClaimRow:
    index: int
    patient_control_number: str
    status_code: str
    charge: Decimal
    paid: Decimal
    payer_claim_control_number: str
    crossover_payer: str
    interest: Decimal | None
    outcome: str = "posted"
    claim: Claim | None = None
    pk: int | None = None
    clp: t835.Claim | None = None
    lines: list[LineRow] = field(default_factory=list)
    adjustments: list[AdjustmentRow] = field(default_factory=list)

    @classmethod
    def load(cls, remit_claim: RemitClaim) -> ClaimRow:
        """A stored remit claim, its lines and adjustments, to post again."""
        row = cls(remit_claim.index, remit_claim.patient_control_number,
                  remit_claim.status_code, remit_claim.charge, remit_claim.paid,
                  remit_claim.payer_claim_control_number, remit_claim.crossover_payer,
                  remit_claim.interest, remit_claim.outcome, remit_claim.claim, remit_claim.pk)
        by_pk: dict[int, LineRow] = {}
        for ln in remit_claim.lines.order_by("index"):
            by_pk[ln.pk] = LineRow(ln.index, ln.procedure, ln.control_number, ln.paid,
                                   ln.claim_line, ln.pk)
            row.lines.append(by_pk[ln.pk])
        for adj in remit_claim.adjustments.order_by("pk"):
            row.adjustments.append(AdjustmentRow(
                adj.group, adj.reason, adj.amount, adj.category, adj.posted,
                by_pk.get(adj.remit_line_id) if adj.remit_line_id else None))
        return row


def insert(remittance_id: int, claims: list[ClaimRow]) -> None:
    """New remit claims with their lines and adjustments; sets each row's ``pk``."""
    for row, new_id in zip(claims, bulk.reserve_ids(RemitClaim, len(claims)), strict=True):
        row.pk = new_id
    lines = [ln for row in claims for ln in row.lines]
    for ln, new_id in zip(lines, bulk.reserve_ids(RemitLine, len(lines)), strict=True):
        ln.pk = new_id
    bulk.insert(RemitClaim, CLAIM_FIELDS, [_claim(remittance_id, r) for r in claims])
    bulk.insert(RemitLine, LINE_FIELDS, [_line(row.pk, ln) for row in claims
                                         for ln in row.lines])
    bulk.insert(RemitAdjustment, ADJUSTMENT_FIELDS, [
        (row.pk, adj.line.pk if adj.line else None, adj.group, adj.reason, adj.amount,
         adj.cas.quantity.quantize(MILLI) if adj.cas and adj.cas.quantity is not None else None,
         adj.category, adj.posted)
        for row in claims for adj in row.adjustments])


def update(claims: list[ClaimRow]) -> None:
    """Remit claims loaded again: what posting them changes (the match and the outcome)."""
    bulk.update(RemitClaim, ["claim", "outcome"],
                       [(r.claim.pk if r.claim else None, r.outcome, r.pk) for r in claims])
    bulk.update(RemitLine, ["claim_line"], [
        (ln.claim_line.pk if ln.claim_line else None, ln.pk) for r in claims for ln in r.lines])


def _claim(remittance_id: int, row: ClaimRow) -> tuple[Any, ...]:
    clp = row.clp
    assert clp is not None, "new rows come from a parsed CLP"
    return (row.pk, remittance_id, row.index, row.claim.pk if row.claim else None,
            row.patient_control_number, row.status_code, row.charge, row.paid,
            cents(clp.patient_responsibility), clp.filing_indicator,
            row.payer_claim_control_number, clp.facility_type, clp.frequency,
            row.crossover_payer, row.interest, row.outcome)


def _line(remit_claim_id: int | None, ln: LineRow) -> tuple[Any, ...]:
    svc = ln.svc
    assert svc is not None, "new rows come from a parsed SVC"
    proc = svc.procedure
    return (ln.pk, remit_claim_id, ln.index, ln.claim_line.pk if ln.claim_line else None,
            proc[0] if proc else "", ln.procedure, bulk.db_json(list(proc[2:6])),
            svc.charge.quantize(CENT), ln.paid, svc.revenue_code,
            svc.units.quantize(MILLI) if svc.units is not None else None, ln.control_number,
            bulk.db_json([list(r) for r in svc.remarks]))
