"""Benchmark the synthetic-data generator: time, claims/s and peak memory at N and N/10.

Each size runs in a fresh child process so that its peak RSS (``ru_maxrss``) is its own;
equal peaks at N and N/10 are what "memory stays flat" means. ``--tracemalloc`` also
reports the Python-heap peak (slower: tracemalloc hooks every allocation).

Usage: python bench/synth.py [--claims 100000] [--seed 1] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rcmdesk.synth import generate


def _child(claims: int, seed: int, trace: bool) -> dict[str, float]:
    """One measured run into a throw-away directory."""
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        generate(Path(tmp), seed=seed, claims=claims)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "claims": claims,
        "seconds": seconds,
        "rss_mib": rss_kib / 1024,
        "tracemalloc_mib": peak / 2**20,
        "output_mib": size / 2**20,
    }


def _measure(claims: int, seed: int, trace: bool) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", str(claims), "--seed", str(seed)]
    if trace:
        args.append("--tracemalloc")
    done = subprocess.run(args, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.seed, args.tracemalloc)))
        return
    for claims in (max(1, args.claims // 10), args.claims):
        r = _measure(claims, args.seed, args.tracemalloc)
        line = (
            f"claims={int(r['claims'])} seconds={r['seconds']:.2f} "
            f"claims_per_s={r['claims'] / r['seconds']:.0f} peak_rss_mib={r['rss_mib']:.1f} "
            f"output_mib={r['output_mib']:.1f}"
        )
        if args.tracemalloc:
            line += f" tracemalloc_peak_mib={r['tracemalloc_mib']:.1f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
