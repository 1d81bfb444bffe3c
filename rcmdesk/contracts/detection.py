"""Detection measured, not assumed: a contract-mode synthetic run through the product.

``rcmdesk synth --contracts`` (``rcmdesk.synth.injections``) writes X12 files in which every
paid line is allowed its contract amount except the seeded underpaid lines, plus seeded
takebacks, and lists both in a private ``truth/`` the product never reads. Here the run's
contracts are loaded into a client (``contracts/<payer>.csv``, through the same services a
person's change goes through), its 837s then 835s are ingested as ``rcmdesk ingest`` would,
and what posting found (``LineVariance`` of kind underpaid, ``Recoupment``) is compared
with the truth:

- recall: seeded underpaid lines flagged / seeded;
- false positive rate: flagged lines that were not seeded / flagged (a line counts once);
- recoupment link rate: seeded takebacks whose ``Recoupment`` names the right claim and
  line / seeded (a reversal of a one-line claim may name the claim alone: it takes back
  every line).

Used by the detection test and ``bench/underpayments.py``; 999 and 277CA files are not
needed for it and are left out to keep the run short.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection

from rcmdesk.audit.context import acting
from rcmdesk.claims.models import Payer
from rcmdesk.contracts.models import Contract, LineVariance, Recoupment, VarianceKind
from rcmdesk.contracts.services import RateRow, do_add_version, do_create_contract
from rcmdesk.intake.services import ingest
from rcmdesk.synth import build_world
from rcmdesk.synth.contracts import read_csv
from rcmdesk.tenancy.models import Organization

INGEST_ORDER = ("837", "835")  # claims before what pays them
REVERSAL = "22"


@dataclass(frozen=True)
class Detection:
    """What posting found against what the run seeded."""

    seeded_underpaid: int
    found_underpaid: int
    flagged: int
    false_positives: int
    seeded_recoupments: int
    linked: int

    @property
    def recall(self) -> float:
        return self.found_underpaid / self.seeded_underpaid if self.seeded_underpaid else 0.0

    @property
    def false_positive_rate(self) -> float:
        return self.false_positives / self.flagged if self.flagged else 0.0

    @property
    def recoupment_link_rate(self) -> float:
        return self.linked / self.seeded_recoupments if self.seeded_recoupments else 0.0

    def counts(self) -> str:
        return (f"underpaid: {self.found_underpaid} of {self.seeded_underpaid} seeded found, "
                f"{self.flagged} lines flagged ({self.false_positives} not seeded); "
                f"recoupments: {self.linked} of {self.seeded_recoupments} linked")

    def line(self) -> str:
        return (f"underpayment_recall={self.recall:.4f} "
                f"false_positive_rate={self.false_positive_rate:.4f} "
                f"recoupment_link_rate={self.recoupment_link_rate:.4f}")


def load_contracts(client: Organization, run_dir: Path, *, acting_user: Any = None,
                   ) -> list[Contract]:
    """One contract per payer schedule of the run, created before any claim arrives (so the
    claims are priced when they are built): version 1 is the schedule the run starts with,
    version 2 the mid-run change. The payers are created as the 837s name them."""
    payers = {p.code: p for p in build_world(1, patients=1).payers}  # fixed, whatever the seed
    made = []
    for path in sorted((run_dir / "contracts").glob("*.csv")):
        synthetic = payers[path.stem]
        payer, _ = Payer.objects.get_or_create(client=client, payer_id=synthetic.payer_id,
                                               defaults={"name": synthetic.name})
        contract = do_create_contract(client, payer, name=f"{synthetic.name} fee schedule",
                                      acting_user=acting_user)
        rows = read_csv(path)
        for version in sorted({r.version for r in rows}):
            do_add_version(
                contract,
                [RateRow(r.procedure, r.effective_from, basis=r.basis, amount=r.amount,
                         effective_to=r.effective_to) for r in rows if r.version == version],
                note="initial fee schedule" if version == 1 else "mid-year fee increase",
                source=f"synthetic {path.name}", acting_user=acting_user, reprice=False)
        made.append(contract)
    return made


def run_files(run_dir: Path, kinds: tuple[str, ...] = INGEST_ORDER) -> Iterator[Path]:
    """The files to ingest, kind by kind, each kind in the order the generator wrote it."""
    for kind in kinds:
        yield from sorted((run_dir / kind).glob("*.x12"), key=_interchange_number)


def _interchange_number(path: Path) -> int:
    with path.open("rb") as handle:
        head = handle.read(106).decode("ascii", "replace")
    return int(head.split(head[3:4])[13])


ANALYZE_EVERY = 50  # files between refreshes of PostgreSQL's statistics


def ingest_run(client: Organization, run_dir: Path) -> Counter[str]:
    """Every 837 then every 835 of the run, through intake; outcomes counted."""
    outcomes: Counter[str] = Counter()
    with acting(None, channel="cli:detection"):
        for n, path in enumerate(run_files(run_dir), start=1):
            outcomes[ingest(client, path.read_bytes(), path.name, channel="cli").outcome] += 1
            if n % ANALYZE_EVERY == 0:
                refresh_statistics()
    return outcomes


def refresh_statistics() -> None:
    """PostgreSQL plans from table statistics, which autovacuum keeps as a live database
    grows. A test that loads 20,000 claims inside one transaction (rolled back at its end)
    gives autovacuum nothing to see, and the planner goes on believing the tables empty:
    the work queue's follow-up query then took minutes per file. ANALYZE inside the
    transaction counts its own rows, as a live database's statistics would."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def measure(client: Organization, run_dir: Path) -> Detection:
    """Compare what posting wrote for ``client`` with the run's truth."""
    seeded = {(r["pcn"], r["line_control_number"])
              for r in _tsv(run_dir / "truth" / "underpayments.tsv")}
    flagged = set(LineVariance.objects.filter(
        client=client, kind=VarianceKind.UNDERPAID).values_list(
            "claim__patient_control_number", "claim_line__control_number"))
    takebacks = _tsv(run_dir / "truth" / "recoupments.tsv")
    found: dict[tuple[str, str], list[tuple[str, str, Decimal, str | None]]] = {}
    for reason, reference, amount, pcn, line in Recoupment.objects.filter(
            client=client).values_list("reason", "reference", "amount",
                                       "claim__patient_control_number",
                                       "claim_line__control_number"):
        found.setdefault((reason, pcn or ""), []).append((reason, reference, amount, line))
    linked = sum(_linked(row, found) for row in takebacks)
    return Detection(seeded_underpaid=len(seeded), found_underpaid=len(seeded & flagged),
                     flagged=len(flagged), false_positives=len(flagged - seeded),
                     seeded_recoupments=len(takebacks), linked=linked)


def _linked(row: dict[str, str],
            found: dict[tuple[str, str], list[tuple[str, str, Decimal, str | None]]]) -> bool:
    """A PLB takeback: a recoupment of its reason, reference and amount on the right claim
    and line. A reversal: a recoupment "22" on the right claim (its one line, or none)."""
    if row["kind"] == "reversal":
        return any(line in (None, "", row["line_control_number"])
                   for _r, _ref, _a, line in found.get((REVERSAL, row["pcn"]), []))
    return any(reference == row["reference"] and amount == Decimal(row["amount"])
               and line == row["line_control_number"]
               for _r, reference, amount, line in found.get((row["kind"], row["pcn"]), []))


def detect(client: Organization, run_dir: Path) -> Detection:
    """Load the run's contracts, ingest its claims and payments, measure."""
    load_contracts(client, run_dir)
    ingest_run(client, run_dir)
    return measure(client, run_dir)
