"""Benchmark the work queue on PostgreSQL: get-next for one client among many, then a drain.

Part 1 (``--scale``, on by default; ``--no-scale`` skips it): ``--clients`` other clients'
work items (``--active`` open ones plus ``--done`` closed ones, over ``--claims`` claims) are
written straight into the tables by ``INSERT ... SELECT generate_series`` (copies of one
ORM-made row, so new columns keep their values), next to one measured client with a share
of its own, its priorities in the lower half (its best item sits behind thousands of other
clients' items in a global priority order). EXPLAIN (ANALYZE, BUFFERS) of every statement
"Get next" runs for that client gives the rows it reads per claim; ``claim_next`` and
``queries.queue_counts`` are timed over ``--runs`` runs. The rows read must not grow with
the other clients' rows.

Part 2 (always): 32 specialists in 32 processes (each with its own connection) drain open
work items of one more client (among the others when part 1 ran): ``claim_next`` then
``act`` (closed, with an outcome) until nothing is left. Each worker returns the ids it was
handed, so the run proves that no item went out twice and none was left behind, and reports
items/s, claim latency, and how much of each claim was the audit write (``record``, which
today waits on the one audit-chain head row), so the queue's own cost and the audit's can be
told apart. The issue's size is ``--items 10000``; the default is 2,000 because every claim
and close appends to the one audit hash chain, which caps the drain at a few dozen items/s
on a small box.

Without a PostgreSQL DATABASE_URL the script re-runs itself under scripts/with-postgres.
The last line is ``items=N duplicates=D missed=M p50_ms=P p99_ms=P rows_per_claim=R``
(D and M must be 0; R from part 1, absent with ``--no-scale``).

(Named work_queue.py, not the issue's queue.py: a bench/queue.py would shadow the standard
library's ``queue`` module for every other script in bench/, which multiprocessing and
Django import.)

Usage: python bench/work_queue.py [--items 2000] [--workers 32] [--no-scale] [--runs 50]
       [--claims 1000000] [--active 200000] [--done 200000] [--clients 50]
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


# --- part 2: concurrent drain -----------------------------------------------------------------

@dataclass
class Claims:
    """What one worker saw: the ids it was handed, each claim's seconds and the part of
    them spent in the audit write."""

    ids: list[int]
    seconds: list[float]
    audit: list[float]


def timed_audit(services: Any) -> list[float]:
    """Make the services' ``record`` add its seconds to the returned one-slot counter."""
    spent = [0.0]
    record = services.record

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return record(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    services.record = timed
    return spent


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
    audit = timed_audit(services)
    seen = Claims([], [], [])
    barrier.wait()
    while True:
        audit[0] = 0.0
        start = time.perf_counter()
        item = services.claim_next(acting_user=user)
        seen.seconds.append(time.perf_counter() - start)
        seen.audit.append(audit[0])
        if item is None:
            break
        seen.ids.append(item.pk)
        services.act(item, item.version, close, acting_user=user)
    connection.close()
    results.put(seen)


def ms(values: list[float], pct: float) -> float:
    return percentile(values, pct) * 1000


def concurrent_drain(args: argparse.Namespace) -> str:
    """Drain one client's queue with ``--workers`` processes; the figures line."""
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
    seen = Claims([], [], [])
    for _ in workers:
        one = results.get()
        seen.ids += one.ids
        seen.seconds += one.seconds
        seen.audit += one.audit
    seconds = time.perf_counter() - start
    for worker in workers:
        worker.join()
    if any(w.exitcode for w in workers):
        raise SystemExit(f"a worker failed: exit codes {[w.exitcode for w in workers]}")
    counts = Counter(seen.ids)
    duplicates = sum(1 for n in counts.values() if n > 1)
    missed = len(expected - counts.keys())
    still_open = WorkItem.objects.filter(client_id=desk.client_id).exclude(status="done").count()
    own = [total - audit for total, audit in zip(seen.seconds, seen.audit, strict=True)]
    share = sum(seen.audit) / max(sum(seen.seconds), 1e-9)
    print(f"drain: {len(seen.ids):,} items by {args.workers} workers in {seconds:.2f}s "
          f"({len(seen.ids) / seconds:,.0f} items/s, claim + close); claim_next p50 "
          f"{ms(seen.seconds, 50):.1f} ms p99 {ms(seen.seconds, 99):.1f} ms max "
          f"{max(seen.seconds) * 1000:.1f} ms over {len(seen.seconds):,} calls; left open "
          f"{still_open}", flush=True)
    print(f"drain: audit write inside claim_next p50 {ms(seen.audit, 50):.1f} ms p99 "
          f"{ms(seen.audit, 99):.1f} ms, {share:.0%} of all claim time; claim_next without "
          f"it p50 {ms(own, 50):.1f} ms p99 {ms(own, 99):.1f} ms", flush=True)
    return (f"items={len(seen.ids)} duplicates={duplicates} missed={missed} "
            f"p50_ms={ms(seen.seconds, 50):.1f} p99_ms={ms(seen.seconds, 99):.1f}")


# --- part 1: get-next for one client among many -----------------------------------------------

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


KINDS = "(ARRAY['ar_followup','denial','posting_exception'])[1 + g % 3]"
WORKFLOWS = "(ARRAY['ar_followup','denials','posting'])[1 + g % 3]"
BUCKETS = "(ARRAY['0-30','31-60','61-90','91-120','120+'])[1 + (g / 7) % 5]"
# mostly open; some waiting on the payer or the client, some snoozed into the future
STATUSES = ("(CASE WHEN g % 20 = 1 THEN 'pending_payer' WHEN g % 20 = 2 "
            "THEN 'pending_client_decision' ELSE 'open' END)")
SNOOZED = "(CASE WHEN g % 20 IN (1, 3) THEN CURRENT_DATE + 10 ELSE NULL END)"


def other_clients(count: int) -> str:
    """``count`` more client organizations; an SQL expression spreading rows over them."""
    from rcmdesk.tenancy.models import Organization

    ids = [Organization.objects.create(slug=f"other-{n}", name=f"other clinic {n}",
                                       kind="client").pk for n in range(count)]
    return f"(ARRAY{ids})[1 + g % {count}]"


def build_scale(desk: Desk, args: argparse.Namespace) -> int:
    """The other clients' items and the measured client's share; returns that share."""
    from datetime import date
    from decimal import Decimal

    from rcmdesk.claims.models import Claim, Patient, Payer
    from rcmdesk.workqueue.models import WorkItem

    claims = args.claims
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
    print(f"  patients and claims written in {time.perf_counter() - started:.1f}s", flush=True)
    template = WorkItem.objects.create(client_id=desk.client_id, workflow="ar_followup",
                                       kind="ar_followup", source_key="scale:0", title="scale",
                                       claim_id=claim.pk)
    others = other_clients(args.clients)
    mine = max(100, int(args.active) // (int(args.clients) + 1))
    step = max(1, claims // max(1, mine + args.done))
    common = {"kind": KINDS, "workflow": WORKFLOWS, "aging_bucket": BUCKETS,
              "amount": "(50 + g % 900)::numeric(12,2)"}
    clone(WorkItem, template.pk, args.active, {
        **common, "client_id": others, "claim_id": "NULL", "status": STATUSES,
        "follow_up_on": SNOOZED, "source_key": "'other:' || g",
        "priority": "(g::bigint * 7919) % 1000", "title": "'other item ' || g"})
    clone(WorkItem, template.pk, mine, {
        **common, "status": STATUSES, "follow_up_on": SNOOZED, "source_key": "'scale:' || g",
        "claim_id": f"{c0} + (g * {step} - 1) % {claims}",
        "priority": "(g::bigint * 7919) % 500", "title": "'scale item ' || g"})
    if args.done:
        clone(WorkItem, template.pk, args.done, {
            **common, "client_id": others, "claim_id": "NULL", "status": "'done'",
            "source_key": "'done:' || g", "priority": "(g::bigint * 104729) % 1000",
            "closed_at": "now()", "close_reason": "'paid'", "title": "'closed item ' || g"})
    WorkItem.objects.filter(pk=template.pk).delete()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute('VACUUM ANALYZE "workqueue_workitem"')
    return mine


def claim_next_statements(user: Any, workflow: Any) -> list[Any]:
    """The statements "Get next" runs to pick and lock an item (the service's own)."""
    from django.utils import timezone

    from rcmdesk.workqueue import services

    now = timezone.now()
    return [services.next_query(user, services.lanes(user, workflow, now), now)]


def scan_rows(node: dict[str, Any]) -> int:
    """Rows a plan's scans read: those returned plus those their filters threw away."""
    own = 0
    if "Relation Name" in node:  # a scan of a table or index, not of a subquery's rows
        kept = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
        own = round(kept * node.get("Actual Loops", 1))
    return own + sum(scan_rows(child) for child in node.get("Plans", []))


def explain_get_next(user: Any, workflow: Any) -> tuple[int, list[str]]:
    """Rows read by one Get next's statements, and their plans (rolled back)."""
    import json

    from django.db import connection, transaction

    rows, lines = 0, []
    with transaction.atomic():
        for qs in claim_next_statements(user, workflow):
            sql, params = qs[:1].query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
                found = cursor.fetchone()
                assert found is not None
                plan = json.loads(found[0]) if isinstance(found[0], str) else found[0]
                rows += scan_rows(plan[0]["Plan"])
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
                lines += [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return rows, lines


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


def scale(args: argparse.Namespace) -> int:
    """Part 1; returns the rows one Get next reads for the client among many."""
    from rcmdesk.accounts.models import User
    from rcmdesk.tenancy.roles import Workflow
    from rcmdesk.workqueue import services
    from rcmdesk.workqueue.queries import queue_counts

    desk = make_desk("scale", 2)
    start = time.perf_counter()
    mine = build_scale(desk, args)
    print(f"scale setup: {args.claims:,} claims; {args.clients} other clients with "
          f"{args.active:,} active + {args.done:,} done items; the measured client {mine:,} "
          f"items; in {time.perf_counter() - start:.1f}s", flush=True)
    user = User.objects.get(pk=desk.user_ids[0])
    rows = 0
    for workflow in (Workflow.AR_FOLLOWUP, None):
        read, plan = explain_get_next(user, workflow)
        rows = rows or read
        print(f"get-next plan (one client among {args.clients + 1}, workflow "
              f"{workflow or 'any'}): {read} rows read\n    " + "\n    ".join(plan), flush=True)
    p50, p95, _ = timings(lambda: services.claim_next(acting_user=user), args.runs)
    print(f"scale get-next (claim_next, {args.runs} runs): p50 {p50:.1f} ms p95 {p95:.1f} ms",
          flush=True)
    counted = queue_counts(user)
    print("counts plan:\n    " + "\n    ".join(explain_counts(user)), flush=True)
    p50, p95, _ = timings(lambda: queue_counts(user), args.runs)
    print(f"scale workbench counts (queue_counts: {len(counted)} groups, "
          f"{sum(r['count'] for r in counted):,} items, {args.runs} runs): "
          f"p50 {p50:.1f} ms p95 {p95:.1f} ms", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--scale", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--active", type=int, default=200_000,
                        help="the other clients' active items")
    parser.add_argument("--done", type=int, default=200_000,
                        help="closed items next to the active ones (history a queue carries)")
    parser.add_argument("--clients", type=int, default=50, help="other clients")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    ensure_postgres()
    print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}", flush=True)
    with tempfile.TemporaryDirectory(prefix="queue-bench-") as tmp:
        setup_django(Path(tmp))
        from rcmdesk.audit.context import acting

        with acting(None, channel="cli:bench"):
            rows = scale(args) if args.scale else None
            last = concurrent_drain(args)
    print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}", flush=True)
    print(last + ("" if rows is None else f" rows_per_claim={rows}"))


if __name__ == "__main__":
    main()
