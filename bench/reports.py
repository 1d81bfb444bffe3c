"""Benchmark the KPI engine (and the weekly report, when it exists) on PostgreSQL at scale.

One client with ``--claims`` claims (1,000,000 by default) written straight into the tables by
``INSERT ... SELECT generate_series`` (bench/work_queue.py's ``clone``: copies of one ORM-made
row): a charge journal per claim (2 ledger entries), a payment journal with a contractual
adjustment for 60% of them (4 entries), remitted claims for 70% (a seventh of those denied)
in 10,000 835s, 200,000 work items with 2 actions each, appeals and scrub runs; dates spread
over 400 days before week 2026-W47.

Then times a cold first run (the weekly roll-up empty: what building it costs once), then,
for that week with the roll-up warm: ``weekly_kpis`` + ``kpi_trend`` (13 weeks) + ``aging`` +
``top_denial_causes`` (+ ``rcmdesk.reports.weekly.build`` when that module exists), against a
baseline measured in the same run: ``SELECT count(*)`` over the claims plus one ``SUM`` over
the ledger entries. Prints seconds, the ratio to the baseline and peak memory (tracemalloc
peak of the timed part; ru_maxrss of the process). Last line: ``reports ... seconds=S``.

Usage: python bench/reports.py [--claims 1000000] [--runs 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import importlib  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

WEEK = "2026-W47"
DAY0 = "TIMESTAMPTZ '2026-11-22 12:00:00+00'"  # the week's Sunday, noon UTC


def ensure_postgres() -> None:
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    wrapper = str(ROOT / "scripts" / "with-postgres")
    os.execv(wrapper, [wrapper, sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]])


def days_ago(expr: str) -> str:
    return f"({DAY0} - ({expr}) * INTERVAL '1 day')"


def build(claims: int) -> int:
    """Write the client's history; returns the client id."""
    from datetime import date
    from decimal import Decimal

    from work_queue import clone, make_desk

    from rcmdesk.claims.models import Claim, Patient, Payer
    from rcmdesk.denials.models import Appeal
    from rcmdesk.intake.models import ReceivedFile
    from rcmdesk.remits.models import JournalEntry, LedgerEntry, RemitClaim, Remittance
    from rcmdesk.scrubber.models import ScrubRun
    from rcmdesk.workqueue.models import WorkAction, WorkItem

    desk = make_desk("kpi", 1)
    cid, user = desk.client_id, desk.user_ids[0]
    started = time.perf_counter()

    def step(what: str) -> None:
        print(f"  {what}: {time.perf_counter() - started:.1f}s", flush=True)

    payer = Payer.objects.create(client_id=cid, payer_id="KPI1", name="Bench payer",
                                 kind="commercial")
    patient = Patient.objects.create(client_id=cid, last_name="Synthetic", first_name="T")
    claim = Claim.objects.create(client_id=cid, patient=patient, payer=payer,
                                 patient_control_number="KPI0", kind="P",
                                 total_charge=Decimal("250.00"), service_from=date(2026, 6, 1))
    c0, _ = clone(Claim, claim.pk, claims, {
        "patient_control_number": "'K' || g", "total_charge": "(50 + g % 900)::numeric(12,2)",
        "service_from": "DATE '2026-11-20' - (g % 400)", "created_at": days_ago("g % 400")})
    step("claims")
    journal = JournalEntry.objects.create(client_id=cid, claim=claim, kind="charge")
    j0, _ = clone(JournalEntry, journal.pk, claims, {
        "claim_id": f"{c0} + g - 1", "created_at": days_ago("g % 400")})
    entry = LedgerEntry.objects.create(journal=journal, client_id=cid, claim=claim,
                                       account="revenue", amount=Decimal("-1.00"))
    clone(LedgerEntry, entry.pk, 2 * claims, {
        "journal_id": f"{j0} + (g - 1) / 2", "claim_id": f"{c0} + (g - 1) / 2",
        "account": "(CASE WHEN g % 2 = 1 THEN 'insurance_ar' ELSE 'revenue' END)",
        "amount": "((CASE WHEN g % 2 = 1 THEN 1 ELSE -1 END) * (50 + ((g - 1) / 2 + 1) % 900))"
                  "::numeric(12,2)"})
    step("charges")
    file = ReceivedFile.objects.create(client_id=cid, original_name="bench.835", sha256="0" * 64,
                                       size=1, content=b"x", channel="cli")
    remit = Remittance.objects.create(client_id=cid, file=file, st_control="0001", payer=payer,
                                      payer_key="KPI1", trace_number="T0",
                                      amount=Decimal("0.00"))
    remits = 10_000
    r0, _ = clone(Remittance, remit.pk, remits, {"trace_number": "'T' || g",
                                                 "created_at": days_ago("g % 380")})
    paid = claims * 6 // 10
    p0, _ = clone(JournalEntry, journal.pk, paid, {
        "claim_id": f"{c0} + g - 1", "kind": "'payment'", "remittance_id": f"{r0} + g % {remits}",
        "created_at": days_ago("g % 400 - 20")})
    amounts = ("(CASE (g - 1) % 4 WHEN 0 THEN 40 WHEN 1 THEN -40 WHEN 2 THEN 10 "
               "ELSE -10 END)::numeric(12,2)")
    clone(LedgerEntry, entry.pk, 4 * paid, {
        "journal_id": f"{p0} + (g - 1) / 4", "claim_id": f"{c0} + (g - 1) / 4",
        "account": "(ARRAY['payer_cash','insurance_ar','contractual','insurance_ar'])"
                   "[1 + (g - 1) % 4]", "amount": amounts})
    step("payments")
    rc = RemitClaim.objects.create(remittance=remit, index=1, claim=claim,
                                   patient_control_number="KPI0", status_code="1",
                                   charge=Decimal("250.00"), paid=Decimal("40.00"))
    remitted = claims * 7 // 10
    clone(RemitClaim, rc.pk, remitted, {
        "claim_id": f"{c0} + g - 1", "remittance_id": f"{r0} + g % {remits}",
        "outcome": f"(CASE WHEN g > {paid} THEN 'denied' ELSE 'posted' END)",
        "paid": f"(CASE WHEN g > {paid} THEN 0 ELSE 40 END)::numeric(12,2)",
        "charge": "(50 + g % 900)::numeric(12,2)", "patient_control_number": "'K' || g"})
    step("remitted claims")
    item = WorkItem.objects.create(client_id=cid, workflow="denials", kind="denial",
                                   source_key="kpi:0", title="bench", claim=claim)
    items = 200_000
    w0, _ = clone(WorkItem, item.pk, items, {
        "kind": "(ARRAY['ar_followup','denial','posting_exception'])[1 + g % 3]",
        "workflow": "(ARRAY['ar_followup','denials','posting'])[1 + g % 3]",
        "category": "(ARRAY['authorization','coding','eligibility_coverage','timely_filing',"
                    "'medical_necessity','duplicate'])[1 + g % 6]",
        "status": "(CASE WHEN g % 2 = 0 THEN 'done' ELSE 'open' END)",
        "closed_at": f"(CASE WHEN g % 2 = 0 THEN {days_ago('g % 120')} END)",
        "close_reason": "(CASE WHEN g % 2 = 0 THEN 'paid' ELSE '' END)",
        "source_key": "'kpi:' || g", "claim_id": f"{c0} + (g * 5) % {claims}",
        "amount": "(50 + g % 900)::numeric(12,2)", "created_at": days_ago("g % 130")})
    action = WorkAction.objects.create(item=item, actor_id=user, kind="note")
    clone(WorkAction, action.pk, 2 * items, {
        "item_id": f"{w0} + (g - 1) / 2", "at": days_ago("g % 120"),
        "kind": "(CASE WHEN g % 2 = 0 THEN 'called_payer' ELSE 'claimed' END)"})
    appeal = Appeal.objects.create(client_id=cid, item=item, claim=claim, category="coding",
                                   subject="bench", letter_text="bench")
    clone(Appeal, appeal.pk, 5_000, {
        "item_id": f"{w0} + g * 3", "claim_id": f"{c0} + g", "level": "1",
        "status": "(CASE WHEN g % 3 = 0 THEN 'lost' ELSE 'won' END)",
        "decided_on": "DATE '2026-11-22' - (g % 120)"})
    run = ScrubRun.objects.create(client_id=cid, scrubbed=2500, clean_claims=2400)
    clone(ScrubRun, run.pk, 400, {"created_at": days_ago("g"),
                                  "clean_claims": "2300 + g % 200"})
    step("work items, actions, appeals, scrub runs")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("vacuum analyze")
    return cid


def timed(fn: Callable[[], Any], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-families", action="store_true",
                        help="skip timing each KPI family live over 13 weeks (diagnostic)")
    args = parser.parse_args()
    ensure_postgres()
    with tempfile.TemporaryDirectory(prefix="reports-bench-") as tmp:
        from work_queue import setup_django

        setup_django(Path(tmp))
        from datetime import date

        from django.db import connection

        from rcmdesk.audit.context import acting
        from rcmdesk.calendar import previous_weeks
        from rcmdesk.reports import kpis
        from rcmdesk.tenancy.models import Organization

        with acting(None, channel="cli:bench"):
            started = time.perf_counter()
            cid = build(args.claims)
            print(f"setup: {args.claims:,} claims in {time.perf_counter() - started:.1f}s",
                  flush=True)

        def baseline() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM claims_claim WHERE client_id = %s", [cid])
                cursor.execute("SELECT sum(amount) FROM remits_ledgerentry WHERE client_id = %s",
                               [cid])

        weekly = None
        with contextlib.suppress(ImportError):  # the weekly report is another helper's module
            weekly = importlib.import_module("rcmdesk.reports.weekly")
        client = Organization.objects.get(pk=cid)
        parts: dict[str, Callable[[], Any]] = {
            "weekly_kpis": lambda: kpis.weekly_kpis(cid, WEEK),
            "kpi_trend_13": lambda: kpis.kpi_trend(cid, WEEK, 13),
            "aging": lambda: kpis.aging(cid, date(2026, 11, 22)),
            "top_denial_causes": lambda: kpis.top_denial_causes(cid, WEEK),
        }
        if weekly is not None and hasattr(weekly, "build"):
            parts["weekly_report_build"] = lambda: weekly.build(client, WEEK)
        ws = kpis.windows(client, previous_weeks(WEEK, 13))
        for family in () if args.skip_families else kpis.FAMILIES:
            spent = timed(lambda f=family: f(cid, ws, kpis.Filters()), 1)  # type: ignore[misc]
            print(f"  13-week {family.__name__}: {spent:.2f}s", flush=True)
        from rcmdesk.reports.models import KpiChange, KpiWeek

        print(f"roll-up before the cold run: {KpiWeek.objects.count()} kept weeks, "
              f"{KpiChange.objects.count()} pending changes", flush=True)
        start = time.perf_counter()
        for name, fn in parts.items():
            spent = timed(fn, 1)
            print(f"  cold {name}: {spent:.2f}s", flush=True)
        cold = time.perf_counter() - start
        print(f"cold (first run, builds the roll-up): {cold:.2f}s; kept weeks now "
              f"{KpiWeek.objects.count()}", flush=True)
        base = timed(baseline, args.runs)
        print(f"baseline (count(*) claims + sum(ledger)): {base:.2f}s", flush=True)
        for name, fn in parts.items():
            print(f"  {name}: {timed(fn, args.runs):.2f}s", flush=True)
        tracemalloc.start()
        start = time.perf_counter()
        for fn in parts.values():
            fn()
        total = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"reports claims={args.claims} parts={'+'.join(parts)} seconds={total:.2f} "
              f"baseline={base:.2f} ratio={total / base:.1f} peak_traced_mb={peak / 2**20:.1f} "
              f"maxrss_mb={rss:.0f} cold={cold:.2f} target=5s", flush=True)


if __name__ == "__main__":
    main()
