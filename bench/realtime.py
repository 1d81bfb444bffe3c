"""Benchmark real-time eligibility (270/271) through the simulator's CORE endpoint.

Each inquiry is ``rcmdesk.connectivity.realtime.check_eligibility_now`` for one visit: the
270 written through intake's outbound writer, the inquiry row, the CORE SOAP exchange over
loopback with the simulator (``rcmdesk.sim.core_http``, which sleeps ``--think`` seconds as
the payer), the 271 taken in through intake and applied to the visit. Our own added time is
the call's wall time minus the think time (so the simulator's own work of reading the 270
and writing the 271 is counted as ours: the figure is pessimistic). The simulator runs in a
process of its own, as a payer does (``--sim-in-process`` puts it on threads of ours, where
its work also takes our interpreter's lock). Run at 1, 8 and 32 inquiries in flight, each
level with its own visits (CORE forbids asking again about one within 90 s).

Target: p95 of our added time <= 1 s at every level, leaving the CORE 20 s round trip to the
payer. The last line is ``realtime_overhead_p95_ms=N``, the worst p95 of the three levels.
Django is set up as in bench/posting.py (a throwaway var dir and SQLite database, migrated;
DATABASE_URL, when set, wins):

Usage: python bench/realtime.py [--per-level 64] [--think 0.2] [--rest] [--sim-in-process]
       scripts/with-postgres python bench/realtime.py
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LEVELS = (1, 8, 32)


def setup_django(tmp: Path) -> str:
    """Django on a throwaway var dir (and SQLite file), migrated, as every bench sets it up;
    returns the vendor."""
    os.environ["RCMDESK_VAR_DIR"] = str(tmp / "var")
    os.environ["RCMDESK_CONN_MAX_AGE"] = "0"  # each inquiry's thread closes its connection
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rcmdesk.settings")
    os.environ.setdefault("RCMDESK_HTTPS", "false")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    return connection.vendor


def _serve(think: float, ready: Any, stop: Any) -> None:
    """The simulator's CORE endpoint in a process of its own until ``stop`` is set."""
    from rcmdesk.sim.core_http import CoreServer

    with CoreServer(think_seconds=think) as server:
        ready.put(server.port)
        stop.wait()


@contextmanager
def simulator(think: float, in_process: bool) -> Iterator[Any]:
    """A running simulator; its ``CoreServer`` (for its URLs) whichever way it runs."""
    from rcmdesk.sim.core_http import CoreServer

    if in_process:
        with CoreServer(think_seconds=think) as server:
            yield server
        return
    spawn = multiprocessing.get_context("spawn")
    ready, stop = spawn.Queue(), spawn.Event()
    child = spawn.Process(target=_serve, args=(think, ready, stop), daemon=True)
    child.start()
    try:
        yield CoreServer(port=ready.get(timeout=60))
    finally:
        stop.set()
        child.join(timeout=10)


def world(count: int, server: Any, rest: bool) -> tuple[Any, list[Any]]:
    """A client, a clerk who may ask, a CORE connection to ``server`` and ``count`` visits."""
    from rcmdesk.accounts.models import User
    from rcmdesk.connectivity.models import ConnectionKind
    from rcmdesk.connectivity.tests.realtime_support import connect
    from rcmdesk.eligibility.tests.builders import make_visit
    from rcmdesk.tenancy.models import Organization
    from rcmdesk.tenancy.roles import Role

    client = Organization.objects.create(slug="bench", name="Bench Clinic", kind="client")
    clerk = User.objects.create(username="bench.staff", role=Role.CLIENT_STAFF.value,
                                organization=client)
    connect(client, server, ConnectionKind.CORE_REST if rest else ConnectionKind.CORE_SOAP)
    visits = [make_visit(client, last=f"BENCH{n}", member_id=f"B{n:07d}")
              for n in range(count)]
    return clerk, visits


def timed(visit: Any, clerk: Any) -> tuple[float, str]:
    """One inquiry's wall time (s) and its state, on this thread's own DB connection."""
    from django.db import close_old_connections, connection

    from rcmdesk.connectivity.realtime import check_eligibility_now

    close_old_connections()
    try:
        started = time.perf_counter()
        inquiry = check_eligibility_now(visit, acting_user=clerk)
        return time.perf_counter() - started, inquiry.state
    finally:
        connection.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def level(width: int, visits: list[Any], clerk: Any, think: float) -> float:
    with ThreadPoolExecutor(max_workers=width) as pool:
        started = time.perf_counter()
        results = list(pool.map(lambda v: timed(v, clerk), visits))
        wall = time.perf_counter() - started
    ours = [(total - think) * 1000 for total, _ in results]
    failed = sum(1 for _, state in results if state != "answered")
    p50, p95, p99 = (percentile(ours, p) for p in (50, 95, 99))
    print(f"concurrency={width} inquiries={len(results)} failed={failed} "
          f"overhead_ms p50={p50:.0f} p95={p95:.0f} p99={p99:.0f} "
          f"mean={statistics.fmean(ours):.0f} throughput={len(results) / wall:.1f}/s")
    if failed:
        raise SystemExit(f"{failed} inquiries were not answered")
    return p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-level", type=int, default=64)
    parser.add_argument("--think", type=float, default=0.2)
    parser.add_argument("--rest", action="store_true", help="CORE REST instead of SOAP")
    parser.add_argument("--sim-in-process", action="store_true",
                        help="the simulator on threads of this process, not its own process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vendor = setup_django(Path(tmp))
        from rcmdesk.connectivity import core

        with simulator(args.think, args.sim_in_process) as server:
            clerk, visits = world(args.per_level * len(LEVELS), server, args.rest)
            load = Path("/proc/loadavg").read_text().split()[:3]
            print(f"database={vendor} think_s={args.think} "
                  f"protocol={'REST' if args.rest else 'SOAP'} "
                  f"simulator={'thread' if args.sim_in_process else 'process'} "
                  f"loadavg={' '.join(load)}")
            worst = 0.0
            for n, width in enumerate(LEVELS):
                chunk = visits[n * args.per_level:(n + 1) * args.per_level]
                worst = max(worst, level(width, chunk, clerk, args.think))
            core.close_clients()
    print(f"realtime_overhead_p95_ms={worst:.0f}")


if __name__ == "__main__":
    main()
