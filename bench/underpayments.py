"""Benchmark underpayment and recoupment detection on a contract-mode synthetic run.

Generates N claims with ``rcmdesk.synth`` in contract mode (fee schedules per payer, one
claim in a hundred with an underpaid line, one in 400 recouped later: 200 and 50 for the
default 20,000), then through ``rcmdesk.contracts.detection``: loads the run's contracts
into a fresh client, ingests its 837s then 835s (variances and recoupments are found as
posting commits each file), and compares what was flagged with the run's private truth.

Django is set up as in bench/posting.py: a throwaway RCMDESK_VAR_DIR (so a throwaway SQLite
database) under a temporary directory and ``migrate``; DATABASE_URL, when set, wins:

Usage: python bench/underpayments.py [--claims 20000] [--seed 1]
       scripts/with-postgres python bench/underpayments.py

The last line is ``underpayment_recall=... false_positive_rate=... recoupment_link_rate=...``
(targets: recall >= 0.99, false positives <= 0.005 of flagged lines, links >= 0.95).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import loadavg_figures, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="underpayments-bench-") as tmp:
        run(Path(tmp), args)


def run(tmp: Path, args: argparse.Namespace) -> None:
    vendor = setup_django(tmp)
    from rcmdesk.contracts import detection
    from rcmdesk.synth import generate
    from rcmdesk.tenancy.models import Organization

    out = tmp / "run"
    start = time.perf_counter()
    manifest = generate(out, seed=args.seed, claims=args.claims, contracts=True)
    generated = time.perf_counter() - start
    seeded = manifest.contracts
    print(f"generate {args.claims:,} claims in contract mode: {generated:.2f}s; seeded "
          f"{seeded.get('underpaid_lines', 0)} underpaid lines, "
          f"{seeded.get('recoupments', 0)} recoupments", flush=True)
    client = Organization.objects.create(slug=f"detect-{uuid.uuid4().hex[:8]}",
                                         name="Detection bench", kind="client")
    start = time.perf_counter()
    contracts = detection.load_contracts(client, out)
    loaded = time.perf_counter() - start
    print(f"{vendor} load {len(contracts)} contracts: {loaded:.2f}s", flush=True)
    start = time.perf_counter()
    outcomes = detection.ingest_run(client, out)
    ingested = time.perf_counter() - start
    files = sum(outcomes.values())
    print(f"{vendor} ingest {files} files (837 then 835): {ingested:.2f}s "
          f"({args.claims / ingested:,.0f} claims/s); "
          + ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
          + f"; load {' '.join(loadavg_figures())}", flush=True)
    start = time.perf_counter()
    found = detection.measure(client, out)
    print(f"measure: {time.perf_counter() - start:.2f}s; {found.counts()}", flush=True)
    print(found.line())


if __name__ == "__main__":
    main()
