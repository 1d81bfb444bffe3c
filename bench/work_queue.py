"""Benchmark the work queue on PostgreSQL: concurrent "Get next", then get-next at scale.

Part 1 (always): 32 specialists in 32 processes (each with its own connection) drain open
work items of one client: ``claim_next`` then ``act`` (closed, with an outcome) until nothing
is left. Each worker returns the ids it was handed, so the run proves that no item went out
twice and none was left behind, and reports items/s and claim latency. The issue's size is
``--items 10000``; the default is 2,000 because every claim and close appends to the one
audit hash chain (a row lock on its head held until commit), which caps the drain at a few
dozen items/s on a small box and would keep a 10,000-item run busy for ten minutes.

Part 2 (``--scale``, on by default; ``--no-scale`` skips it): 1,000,000 claims and 200,000
active work items (plus done ones) are written straight into the tables by
``INSERT ... SELECT generate_series`` (copies of one ORM-made row, so new columns keep their
values), then ``claim_next`` and ``queries.queue_counts`` are timed over ``--runs`` runs each,
and EXPLAIN ANALYZE shows which index get-next uses.

Without a PostgreSQL DATABASE_URL the script re-runs itself under scripts/with-postgres.
The last line is ``items=N duplicates=D missed=M p99_ms=P`` (part 1; D and M must be 0).

(Named work_queue.py, not the issue's queue.py: a bench/queue.py would shadow the standard
library's ``queue`` module for every other script in bench/, which multiprocessing and
Django import.)

Usage: python bench/work_queue.py [--items 2000] [--workers 32] [--no-scale] [--runs 50]
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
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

SPECIALIST = "partner_specialist"
SCOPE = ["ar_followup", "denials"]


def ensure_postgres() -> None:
    """Re-exec under a throwaway cluster unless DATABASE_URL already names PostgreSQL."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    wrapper = str(ROOT / "scripts" / "with-postgres")
    os.execv(wrapper, [wrapper, sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]])


def setup_django(tmp: Path) -> None:
    os.environ["RCMDESK_VAR_DIR"] = str(tmp / "var")
    os.environ["RCMDESK_CONN_MAX_AGE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rcmdesk.settings")
    os.environ.setdefault("RCMDESK_HTTPS", "false")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


# --- synthetic tenancy ------------------------------------------------------------------------

@dataclass(frozen=True)
class Desk:
    client_id: int
    user_ids: list[int]


def make_desk(slug: str, specialists: int) -> Desk:
    """A client, a partner engaged on AR follow-up and denials, and its specialists."""
    from datetime import date, timedelta

    from rcmdesk.accounts.models import User
    from rcmdesk.tenancy.models import Assignment, Engagement, Organization

    client = Organization.objects.create(slug=f"{slug}-client", name=f"{slug} clinic",
                                         kind="client")
    partner = Organization.objects.create(slug=f"{slug}-partner", name=f"{slug} RCM",
                                          kind="partner")
    engagement = Engagement.objects.create(partner=partner, client=client, name=f"{slug} AR",
                                           scope=SCOPE,
                                           start_date=date.today() - timedelta(days=30))
    ids = []
    for n in range(specialists):
        user = User(username=f"{slug}.specialist{n}", role=SPECIALIST, organization=partner,
                    email=f"{slug}{n}@example.invalid")
        user.set_unusable_password()
        user.save()
        Assignment.objects.create(engagement=engagement, user=user)
        ids.append(user.pk)
    return Desk(client.pk, ids)


def make_items(client_id: int, count: int) -> None:
    """Open items of both workflows, priorities spread 0..999 (ties included)."""
    import random

    from rcmdesk.workqueue.models import KIND_WORKFLOW, ItemKind, WorkItem

    rng = random.Random(6)
    kinds = [ItemKind.AR_FOLLOWUP, ItemKind.DENIAL]
    items = []
    for n in range(count):
        kind = kinds[n % 2]
        items.append(WorkItem(client_id=client_id, workflow=KIND_WORKFLOW[kind], kind=kind,
                              source_key=f"bench:{n}", title=f"bench item {n}",
                              priority=rng.randint(0, 999)))
    WorkItem.objects.bulk_create(items, batch_size=2000)


# --- part 1: concurrent drain -----------------------------------------------------------------

def drain(user_id: int, barrier: Any, results: Any) -> None:
    """One specialist: Get next, close it, repeat until the queue hands out nothing."""
    import django
    from django.db import connection

    django.setup()
    from rcmdesk.accounts.models import User
    from rcmdesk.workqueue import services
    from rcmdesk.workqueue.models import ActionKind, ItemStatus

    user = User.objects.get(pk=user_id)
    close = services.Step(ActionKind.CLOSED, note="bench", outcome="paid",
                          status=ItemStatus.DONE)
    ids: list[int] = []
    latencies: list[float] = []
    barrier.wait()
    while True:
        start = time.perf_counter()
        item = services.claim_next(acting_user=user)
        latencies.append(time.perf_counter() - start)
        if item is None:
            break
        ids.append(item.pk)
        services.act(item, item.version, close, acting_user=user)
    connection.close()
    results.put((ids, latencies))


def concurrent_drain(args: argparse.Namespace) -> str:
    from django.db import connections

    from rcmdesk.workqueue.models import WorkItem

    desk = make_desk("drain", args.workers)
    make_items(desk.client_id, args.items)
    expected = set(WorkItem.objects.filter(client_id=desk.client_id).values_list("id", flat=True))
    connections.close_all()  # each forked worker opens its own connection
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(args.workers + 1)
    results = ctx.SimpleQueue()
    workers = [ctx.Process(target=drain, args=(uid, barrier, results)) for uid in desk.user_ids]
    for worker in workers:
        worker.start()
    barrier.wait()
    start = time.perf_counter()
    handed: list[int] = []
    latencies: list[float] = []
    for _ in workers:
        ids, lat = results.get()
        handed += ids
        latencies += lat
    seconds = time.perf_counter() - start
    for worker in workers:
        worker.join()
    if any(w.exitcode for w in workers):
        raise SystemExit(f"a worker failed: exit codes {[w.exitcode for w in workers]}")
    counts = Counter(handed)
    duplicates = sum(1 for n in counts.values() if n > 1)
    missed = len(expected - counts.keys())
    still_open = WorkItem.objects.filter(client_id=desk.client_id).exclude(status="done").count()
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    print(f"drain: {len(handed):,} items by {args.workers} workers in {seconds:.2f}s "
          f"({len(handed) / seconds:,.0f} items/s, claim + close); claim_next p50 {p50:.1f} ms "
          f"p99 {p99:.1f} ms max {max(latencies) * 1000:.1f} ms over {len(latencies):,} calls; "
          f"left open {still_open}", flush=True)
    return f"items={len(handed)} duplicates={duplicates} missed={missed} p99_ms={p99:.1f}"


# --- part 2: scale ----------------------------------------------------------------------------

def clone(model: Any, template_pk: int, count: int, overrides: dict[str, str]) -> tuple[int, int]:
    """Insert ``count`` copies of one row, with SQL expressions of ``g`` (1..count) for some
    columns; returns the (first, last) new id, which are contiguous in one statement."""
    from django.db import connection

    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    unknown = set(overrides) - set(columns)
    if unknown:
        raise SystemExit(f"{table}: no columns {sorted(unknown)}")
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(overrides.get(c, f't."{c}"') for c in columns).replace("%", "%%")
    with connection.cursor() as cursor:
        cursor.execute(f'INSERT INTO "{table}" ({names}) SELECT {values} '
                       f'FROM "{table}" t, generate_series(1, %s) g WHERE t.id = %s '
                       f"RETURNING id", [count, template_pk])
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(f'ANALYZE "{table}"')
    first, last = min(ids), max(ids)
    if last - first + 1 != count:
        raise SystemExit(f"{table}: ids not contiguous")
    return first, last


def build_scale(desk: Desk, claims: int, active: int, done: int) -> None:
    from datetime import date
    from decimal import Decimal

    from rcmdesk.claims.models import Claim, Patient, Payer
    from rcmdesk.workqueue.models import WorkItem

    patients = max(1, claims // 4)
    payer = Payer.objects.create(client_id=desk.client_id, payer_id="SCALE1", name="Scale payer",
                                 kind="commercial")
    patient = Patient.objects.create(client_id=desk.client_id, last_name="Synthetic",
                                     first_name="Template")
    claim = Claim.objects.create(client_id=desk.client_id, patient=patient, payer=payer,
                                 patient_control_number="SCALE0", kind="P",
                                 total_charge=Decimal("250.00"),
                                 insurance_balance=Decimal("250.00"),
                                 service_from=date(2026, 6, 1), service_to=date(2026, 6, 1))
    started = time.perf_counter()
    p0, _ = clone(Patient, patient.pk, patients, {"first_name": "'P' || g"})
    c0, _ = clone(Claim, claim.pk, claims, {
        "patient_id": f"{p0} + (g % {patients})", "patient_control_number": "'SC' || g",
        "total_charge": "(50 + g % 900)::numeric(12,2)",
        "insurance_balance": "(50 + g % 900)::numeric(12,2)",
        "service_from": "DATE '2026-11-01' - (g % 400)",
        "service_to": "DATE '2026-11-01' - (g % 400)"})
    template = WorkItem.objects.create(client_id=desk.client_id, workflow="ar_followup",
                                       kind="ar_followup", source_key="scale:0", title="scale",
                                       claim_id=claim.pk)
    kinds = "(ARRAY['ar_followup','denial','posting_exception'])[1 + g % 3]"
    workflows = "(ARRAY['ar_followup','denials','posting'])[1 + g % 3]"
    buckets = "(ARRAY['0-30','31-60','61-90','91-120','120+'])[1 + (g / 7) % 5]"
    # mostly open; some waiting on the payer or the client, some snoozed into the future
    statuses = ("(CASE WHEN g % 20 = 1 THEN 'pending_payer' WHEN g % 20 = 2 "
                "THEN 'pending_client_decision' ELSE 'open' END)")
    snoozed = "(CASE WHEN g % 20 IN (1, 3) THEN CURRENT_DATE + 10 ELSE NULL END)"
    step = max(1, claims // max(1, active + done))
    print(f"  patients and claims written in {time.perf_counter() - started:.1f}s", flush=True)
    clone(WorkItem, template.pk, active, {
        "kind": kinds, "workflow": workflows, "aging_bucket": buckets, "status": statuses,
        "follow_up_on": snoozed, "source_key": "'scale:' || g",
        "claim_id": f"{c0} + (g * {step} - 1) % {claims}",
        "priority": "(g::bigint * 7919) % 1000", "amount": "(50 + g % 900)::numeric(12,2)",
        "title": "'scale item ' || g"})
    if done:
        clone(WorkItem, template.pk, done, {
            "kind": kinds, "workflow": workflows, "aging_bucket": buckets, "status": "'done'",
            "source_key": "'done:' || g", "priority": "(g::bigint * 104729) % 1000",
            "claim_id": f"{c0} + ((g + {active}) * {step} - 1) % {claims}",
            "closed_at": "now()", "close_reason": "'paid'", "title": "'closed item ' || g"})
    WorkItem.objects.filter(pk=template.pk).delete()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute('VACUUM ANALYZE "workqueue_workitem"')


def explain_get_next(user: Any) -> list[str]:
    from django.db import connection, transaction

    from rcmdesk.workqueue import services

    qs = services.claimable(user).order_by("-priority", "id").select_for_update(
        skip_locked=True, of=("self",))[:1]
    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = qs.query.sql_with_params()
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def explain_counts(user: Any) -> list[str]:
    from django.db import connection

    from rcmdesk.workqueue.models import WorkItem

    qs = (WorkItem.objects.visible_to(user).active()
          .values("workflow", "aging_bucket", "status").order_by())
    from django.db.models import Count, Sum

    sql, params = qs.annotate(count=Count("id"), amount=Sum("amount")).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def timings(fn: Callable[[], object], runs: int) -> tuple[float, float, list[float]]:
    spent = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        spent.append((time.perf_counter() - start) * 1000)
    return percentile(spent, 50), percentile(spent, 95), spent


def scale(args: argparse.Namespace) -> None:
    from rcmdesk.accounts.models import User
    from rcmdesk.workqueue import services
    from rcmdesk.workqueue.queries import queue_counts

    desk = make_desk("scale", 2)
    start = time.perf_counter()
    build_scale(desk, args.claims, args.active, args.done)
    print(f"scale setup: {args.claims:,} claims, {args.active:,} active + {args.done:,} done "
          f"items in {time.perf_counter() - start:.1f}s", flush=True)
    user = User.objects.get(pk=desk.user_ids[0])
    plan = explain_get_next(user)
    print("get-next plan:\n    " + "\n    ".join(plan), flush=True)
    p50, p95, _ = timings(lambda: services.claim_next(acting_user=user), args.runs)
    print(f"scale get-next (claim_next, {args.runs} runs): p50 {p50:.1f} ms p95 {p95:.1f} ms",
          flush=True)
    rows = queue_counts(user)
    print("counts plan:\n    " + "\n    ".join(explain_counts(user)), flush=True)
    p50, p95, _ = timings(lambda: queue_counts(user), args.runs)
    print(f"scale workbench counts (queue_counts: {len(rows)} groups, "
          f"{sum(r['count'] for r in rows):,} items, {args.runs} runs): "
          f"p50 {p50:.1f} ms p95 {p95:.1f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--scale", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--active", type=int, default=200_000)
    parser.add_argument("--done", type=int, default=200_000,
                        help="closed items next to the active ones (history a queue carries)")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    ensure_postgres()
    with tempfile.TemporaryDirectory(prefix="queue-bench-") as tmp:
        setup_django(Path(tmp))
        from rcmdesk.audit.context import acting

        with acting(None, channel="cli:bench"):
            last = concurrent_drain(args)
            if args.scale:
                scale(args)
    print(last)


if __name__ == "__main__":
    main()
