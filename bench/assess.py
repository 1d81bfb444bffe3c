"""Benchmark a capacity assessment: a year of a practice's files loaded and assessed.

Generates N claims of a synthetic practice's year (``rcmdesk.synth.practice``: a seeded
backlog as of its anchor day), then, timed from the prospect's creation to the assessment
computed:

  (a) a prospect (``Organization.prospect``) and its ``Assessment`` as of the anchor
      (``services.do_create_assessment``, a platform admin acting);
  (b) every file through ``services.do_load_files`` (intake on the assessment channel),
      kind by kind in the order an assessment loads them: 837, 999, 277CA, 835, each kind
      timed on its own;
  (c) ``rcmdesk.assessments.compute.assess``: the findings, capacity and recommendation.

A prospect's files make no work items (its files are history to measure), so the load is
intake, posting and the contracts' variances, and none of the queue producers.

Django is set up as in bench/posting.py: a throwaway RCMDESK_VAR_DIR (so a throwaway SQLite
database) under a temporary directory and ``migrate``; DATABASE_URL, when set, wins:

Usage: python bench/assess.py [--claims 50000] [--seed 3] [--profile 40]
       scripts/with-postgres python bench/assess.py

The last line is ``assess_seconds=... claims=...`` (target: under 120 s for 50,000 claims,
twelve months). ``--profile N`` runs the load and the computation under cProfile and prints
the N hottest functions by cumulative time after the last line's figures (the timings are
then the profiled ones).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import loadavg_figures, setup_django

KINDS = ("837", "999", "277ca", "835")  # the run's folders, in the order they are loaded






def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="assess-bench-") as tmp:
        run(Path(tmp), args)


def run(tmp: Path, args: argparse.Namespace) -> None:
    vendor = setup_django(tmp)
    from rcmdesk.accounts.models import User
    from rcmdesk.assessments import compute
    from rcmdesk.assessments.services import do_create_assessment, do_load_files
    from rcmdesk.audit.context import acting
    from rcmdesk.contracts.detection import _interchange_number, refresh_statistics
    from rcmdesk.synth.practice import generate_practice
    from rcmdesk.tenancy.roles import Role
    from rcmdesk.workqueue.models import WorkItem

    out = tmp / "run"
    start = time.perf_counter()
    generate_practice(out, seed=args.seed, claims=args.claims)
    truth = json.loads((out / "truth" / "assessment.json").read_text(encoding="utf-8"))
    files = {kind: sorted((out / kind).glob("*.x12"), key=_interchange_number)
             for kind in KINDS}
    print(f"generate {args.claims:,} claims: {time.perf_counter() - start:.1f}s; files "
          + ", ".join(f"{kind} {len(paths)}" for kind, paths in files.items()), flush=True)
    # A platform admin runs it on the prospect's behalf (the service asks who).
    admin = User.objects.create(username=f"bench-{uuid.uuid4().hex[:8]}",
                                role=Role.PLATFORM_ADMIN.value, is_staff=True)
    profile = cProfile.Profile() if args.profile else None
    if profile:
        profile.enable()
    began = time.perf_counter()
    with acting(admin, channel="cli:bench"):
        assessment = do_create_assessment(
            practice_name="Assessed practice", slug=f"prospect-{uuid.uuid4().hex[:8]}",
            time_zone="America/New_York", as_of=date.fromisoformat(truth["as_of"]),
            acting_user=admin)
        client = assessment.client
        for kind, paths in files.items():
            start = time.perf_counter()
            do_load_files(assessment, [(p.name, p.read_bytes()) for p in paths],
                          acting_user=admin)
            print(f"{vendor} load {kind}: {len(paths)} files {time.perf_counter() - start:.1f}s"
                  f"; load {' '.join(loadavg_figures())}", flush=True)
            refresh_statistics()  # PostgreSQL only: what autovacuum does for a live database
        loaded = time.perf_counter() - began
        start = time.perf_counter()
        assessed = compute.assess(assessment, acting_user=admin)
        print(f"{vendor} compute: {time.perf_counter() - start:.1f}s; first workflow "
              f"{assessed.recommendation.first} (seeded: {truth['dominant']})", flush=True)
    total = time.perf_counter() - began
    if profile:
        profile.disable()
    print(f"{vendor} loaded in {loaded:.1f}s, assessed in {total:.1f}s; "
          f"load {' '.join(loadavg_figures())}; work items made for the prospect: "
          f"{WorkItem.objects.filter(client=client).count()} (a prospect's files make none)",
          flush=True)
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
    print(f"assess_seconds={total:.1f} claims={args.claims}")


if __name__ == "__main__":
    main()
