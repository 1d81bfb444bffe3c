"""Payer contracts for contract mode: a fee schedule per payer, and what the payer owes.

Each payer pays a fixed share of a code's base charge (``codes``), the same for every
practice: a fee per HCPCS code (and a per diem per day for room and board, a fee per unit
for inpatient pharmacy, the institutional lines billed by revenue code alone). Every
schedule is in force from ``start`` (before the run's first date of service); one payer
(``RAISED``) raises its fees mid-run, a second version from ``change``, so which rate a
line gets depends on its date of service, exactly as ``rcmdesk.contracts.pricing`` decides:
the latest version whose dates cover the day. A line is allowed the lesser of the fee x
units and its charge.

``write_csv`` writes a schedule in the contract CSV format the product imports
(procedure, modifier, place_of_service, basis, amount, percent, effective_from,
effective_to, action), and ``read_csv`` reads back what it wrote.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from rcmdesk.synth import codes
from rcmdesk.synth.world import Payer
from rcmdesk.x12 import t837

CENT = Decimal("0.01")
FEE, PER_DIEM = "fee", "per_diem"
# The payer's fee as a share of the code's base charge (percent).
SHARE = {"MCR": 52, "MCD": 44, "ACM": 78, "SUM": 72, "NST": 81, "BCB": 76}
RAISED = "ACM"  # the payer whose fees change mid-run
RAISE_PERCENT = 4  # ... by this much, from the change day
CSV_HEADER = ("procedure", "modifier", "place_of_service", "basis", "amount", "percent",
              "effective_from", "effective_to", "action")


@dataclass(frozen=True, slots=True)
class FeeRow:
    """One row of a payer's schedule as one version wrote it (``effective_to`` inclusive)."""

    procedure: str
    amount: Decimal
    effective_from: date
    version: int = 1
    basis: str = FEE
    effective_to: date | None = None

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None
                                               or day <= self.effective_to)


@dataclass(frozen=True, slots=True)
class PayerContract:
    """One payer's schedule: every version's rows, and the allowed amount of a line."""

    payer: Payer
    rows: tuple[FeeRow, ...]

    def rate(self, code: str, day: date) -> FeeRow | None:
        """The row in force for ``code`` on ``day``: the latest version covering it."""
        best: FeeRow | None = None
        for row in self.rows:
            if row.procedure == code and row.covers(day) and (
                    best is None or row.version >= best.version):
                best = row
        return best

    def allowed(self, line: t837.ServiceLine, day: date) -> Decimal | None:
        """The lesser of fee x units and the line's charge; None when the code has no rate.

        The HCPCS code is looked up first, then the revenue code (institutional lines
        billed by revenue code alone), as the product's pricing does.
        """
        for code in (line.procedure[1] if len(line.procedure) > 1 else "", line.revenue_code):
            row = self.rate(code, day) if code else None
            if row is not None:
                units = line.units if line.units is not None else Decimal(1)
                return min(money(row.amount * units), line.charge)
        return None


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _base_fees() -> dict[str, tuple[str, Decimal]]:
    """Every billed code with the basis and base charge its fee is a share of.

    A code billed both on professional and institutional claims (a lab, an ECG) takes its
    professional base: the hospital's higher charge is then cut to the same fee."""
    fees: dict[str, tuple[str, Decimal]] = {}
    for proc in (*codes.VISITS, *codes.ANCILLARIES):
        fees[proc.code] = (FEE, proc.charge)
    for _revenue, hcpcs, charge in codes.INSTITUTIONAL:
        fees.setdefault(hcpcs, (FEE, charge))
    fees["0110"] = (PER_DIEM, codes.ROOM_AND_BOARD)
    fees["0250"] = (FEE, codes.INPATIENT_PHARMACY)
    return fees


def schedules(payers: Iterable[Payer], start: date, change: date) -> dict[str, PayerContract]:
    """Each payer's contract: version 1 from ``start``; ``RAISED`` has version 2 from
    ``change``, every fee up by ``RAISE_PERCENT``."""
    out: dict[str, PayerContract] = {}
    base = _base_fees()
    for payer in payers:
        share = Decimal(SHARE.get(payer.code, 60)) / 100
        rows = [FeeRow(code, money(charge * share), start, basis=basis)
                for code, (basis, charge) in base.items()]
        if payer.code == RAISED:
            raise_by = 1 + Decimal(RAISE_PERCENT) / 100
            rows += [FeeRow(r.procedure, money(r.amount * raise_by), change, version=2,
                            basis=r.basis) for r in list(rows)]
        out[payer.code] = PayerContract(payer, tuple(rows))
    return out


def run_dates(first_service: date, last_service: date) -> tuple[date, date]:
    """The contracts' start (the first of the month two months before the first date of
    service) and the mid-run change day (the first of the month after the midpoint)."""
    before = first_service.replace(day=1) - timedelta(days=1)
    start = (before.replace(day=1) - timedelta(days=1)).replace(day=1)
    middle = first_service + (last_service - first_service) / 2
    change = (middle.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, change


def write_csv(path: Path, contract: PayerContract) -> None:
    """The schedule as the product imports it: one file, every row; a row a later version
    replaced ends the day before its successor starts, so the file prices every date of
    service as the versions do."""
    later: dict[str, date] = {}
    for row in contract.rows:
        if row.version > 1:
            later[row.procedure] = min(later.get(row.procedure, row.effective_from),
                                       row.effective_from)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for row in sorted(contract.rows, key=lambda r: (r.version, r.procedure)):
            to = row.effective_to
            if row.version == 1 and row.procedure in later:
                to = later[row.procedure] - timedelta(days=1)
            writer.writerow((row.procedure, "", "", row.basis, f"{row.amount:.2f}", "",
                             row.effective_from.isoformat(), to.isoformat() if to else "", ""))


def read_csv(path: Path) -> list[FeeRow]:
    """The rows ``write_csv`` wrote (version 1 for the earliest start, 2 for later ones)."""
    with path.open(newline="", encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    first = min((date.fromisoformat(r["effective_from"]) for r in records), default=None)
    return [FeeRow(r["procedure"], Decimal(r["amount"]), date.fromisoformat(r["effective_from"]),
                   version=1 if date.fromisoformat(r["effective_from"]) == first else 2,
                   basis=r["basis"] or FEE,
                   effective_to=(date.fromisoformat(r["effective_to"])
                                 if r["effective_to"] else None))
            for r in records]


def paid_lines(lines: Sequence[tuple[str, Decimal]]) -> list[int]:
    """Indexes of lines that were paid something, when their paid amounts are all distinct
    (a takeback of one line's amount then names that line); else none."""
    paid = [(i, amount) for i, (_control, amount) in enumerate(lines) if amount > 0]
    amounts = [amount for _i, amount in paid]
    return [i for i, _a in paid] if len(set(amounts)) == len(amounts) else []
