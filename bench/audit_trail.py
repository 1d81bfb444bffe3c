"""Benchmark the audit trail on PostgreSQL: audited operations per second from 1 process and
from N processes, each on a different client.

An operation is what every audited request does at the least: a transaction that records one
event (``record("read", ...)`` of a claim) and commits. With one global chain head every
operation of every client queued on one row lock until commit; with one chain per client,
sealed after commit, N processes on N clients should scale with the cores.

Without a PostgreSQL DATABASE_URL the script re-runs itself under scripts/with-postgres.
The parent samples ``pg_stat_activity`` every 50 ms for sessions waiting on a lock. The last
line is ``audited_ops_per_s_1=A audited_ops_per_s_N=B p99_ms_N=P lock_wait_share=W
unsealed=U``.

Usage: python bench/audit_trail.py [--seconds 10] [--processes 8]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import multiprocessing as mp  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402


def ensure_postgres() -> None:
    """Re-exec under a throwaway cluster unless DATABASE_URL already names PostgreSQL."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    wrapper = str(ROOT / "scripts" / "with-postgres")
    os.execv(wrapper, [wrapper, sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]])


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rcmdesk.settings")
    import django

    django.setup()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(pct / 100 * len(ordered)))]


def worker(client_id: int, seconds: float, barrier: Any, results: Any) -> None:
    """Audited operations on one client for ``seconds``; reports (count, latencies)."""
    setup_django()
    from django.db import connection, transaction

    from rcmdesk.audit.services import record

    record("read", client_id=client_id, object_type="claims.claim", object_id="warm-up")
    barrier.wait()
    latencies: list[float] = []
    end = time.monotonic() + seconds
    while (start := time.monotonic()) < end:
        with transaction.atomic():
            record("read", client_id=client_id, object_type="claims.claim",
                   object_id=str(len(latencies)))
        latencies.append(time.monotonic() - start)
    connection.close()
    results.put((len(latencies), latencies))


def lock_waiters() -> int:
    """Sessions of this database waiting on a lock right now (a row lock held by another)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND wait_event_type = 'Lock'")
        return int(cursor.fetchone()[0])


def run(clients: list[int], seconds: float) -> tuple[float, float, float]:
    """Ops/s over all processes, their p99 latency in ms, and the share of 50 ms samples
    that found a session waiting on a lock."""
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(len(clients)), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(c, seconds, barrier, results)) for c in clients]
    for proc in procs:
        proc.start()
    samples = []
    while results.qsize() < len(procs) and any(p.is_alive() for p in procs):
        samples.append(lock_waiters())
        time.sleep(0.05)
    outcomes = [results.get() for _ in procs]
    for proc in procs:
        proc.join()
    total = sum(n for n, _ in outcomes)
    latencies = [x for _, lat in outcomes for x in lat]
    waiting = sum(1 for n in samples if n) / max(1, len(samples))
    return total / seconds, percentile(latencies, 99) * 1000, waiting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--processes", type=int, default=8)
    args = parser.parse_args()
    ensure_postgres()
    tmp = Path(tempfile.mkdtemp(prefix="rcmdesk-audit-bench-"))
    os.environ["RCMDESK_VAR_DIR"] = str(tmp / "var")
    os.environ["RCMDESK_CONN_MAX_AGE"] = "0"
    os.environ.setdefault("RCMDESK_HTTPS", "false")
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from rcmdesk.audit.models import AuditEvent
    from rcmdesk.tenancy.models import Organization

    call_command("migrate", verbosity=0)
    clients = [Organization.objects.create(slug=f"bench{n}", name=f"Bench {n}", kind="client").pk
               for n in range(args.processes)]
    connection.close()
    one, p99_one, _ = run(clients[:1], args.seconds)
    print(f"1 process: {one:.0f} audited ops/s, p99 {p99_one:.1f} ms; "
          f"load {Path('/proc/loadavg').read_text().split()[:3]}")
    many, p99_many, waiting = run(clients, args.seconds)
    print(f"{args.processes} processes on {args.processes} clients: {many:.0f} audited ops/s, "
          f"p99 {p99_many:.1f} ms, a session waiting on a lock in {waiting:.0%} of samples; "
          f"load {Path('/proc/loadavg').read_text().split()[:3]}")
    fields = {f.name for f in AuditEvent._meta.concrete_fields}
    unsealed = (AuditEvent.objects.filter(hash="").count() if "chain" in fields else 0)
    print(f"audited_ops_per_s_1={one:.0f} audited_ops_per_s_{args.processes}={many:.0f} "
          f"p99_ms_{args.processes}={p99_many:.1f} lock_wait_share={waiting:.2f} "
          f"unsealed={unsealed}")


if __name__ == "__main__":
    main()
