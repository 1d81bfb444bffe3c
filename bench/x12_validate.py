"""Benchmark X12 validation against parse-only on the same big 835 and 837P.

Intake validates every file before posting it, so validation should cost about what
the parse does. Generates (deterministically, with bench/posting.py's builders) an
835 and an 837P with N claims of two service lines each and, in the same run on the
same bytes, times (CPU time, best of five, the two alternating: the box is shared):

  (a) parse-only: ``t835.iter_claims`` / ``t837.iter_claims``, typed claims;
  (b) ``rcmdesk.x12.validate.validate``: SNIP 1-5 findings over the whole file.

The last line is ``validate_ratio_vs_parse_835=X validate_ratio_vs_parse_837p=Y``
(validate seconds / parse seconds; target <= 2).

Usage: python bench/x12_validate.py [--claims 5000] [--profile 25]
``--profile N`` also runs (b) under cProfile and prints its N hottest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from posting import build_835, build_837p, make_claims  # bench/, the script's own folder

from rcmdesk.x12 import t835, t837
from rcmdesk.x12.validate import validate


def best_of(fns: list[Callable[[], object]], repeat: int = 5) -> list[float]:
    """Best time of each of ``fns``, run in turn so load spikes hit them alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for n, fn in enumerate(fns):
            gc.collect()
            start = time.process_time()
            fn()
            best[n] = min(best[n], time.process_time() - start)
    return best


def parse_only(path: Path, set_id: str) -> int:
    claims = t835.iter_claims(path) if set_id == "835" else t837.iter_claims(path)
    return sum(1 for _ in claims)


def findings(path: Path) -> int:
    return sum(1 for _ in validate(path))


def profile(fn: Callable[[], object], top: int) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)


def measure(path: Path, kind: str, top: int) -> float:
    set_id = kind[:3]
    parse, check = best_of([lambda: parse_only(path, set_id), lambda: findings(path)])
    count = findings(path)
    ratio = check / parse
    print(
        f"{kind}: {path.stat().st_size / 1e6:.1f} MB parse-only {parse:.3f}s "
        f"validate {check:.3f}s ({count} findings) ratio {ratio:.2f}"
    )
    if top:
        profile(lambda: findings(path), top)
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, default=5_000)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    claims = make_claims(args.claims)
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, build in (("835", build_835), ("837P", build_837p)):
            path = Path(tmp) / f"big.{kind}"
            path.write_bytes(build(claims))
            ratios.append(measure(path, kind, args.profile))
    print(
        f"validate_ratio_vs_parse_835={ratios[0]:.2f} validate_ratio_vs_parse_837p={ratios[1]:.2f}"
    )


if __name__ == "__main__":
    main()
