"""Benchmark the work-queue producers' writes: create, refresh and close N items of one client.

The producers turn claims and remits into work items in bulk (``rcmdesk.db.bulk``: COPY on
PostgreSQL, executemany on SQLite). ``bench/work_queue.py`` never reaches them (it times
"Get next" and actions on items that already exist), so this script measures the three
writes a queue refresh makes:

  (a) create: ``upsert`` of N drafts for sources with no active item (new items, each with
      its CREATED action);
  (b) refresh: ``upsert`` of the same N sources with new amounts and priorities;
  (c) close: ``close`` of every item with a reason (each with its CLOSED action).

Django is set up on a throwaway RCMDESK_VAR_DIR (a throwaway SQLite file) and migrated;
DATABASE_URL, when set, wins, which is how PostgreSQL is measured:

Usage: python bench/producers.py [--items 20000]
       scripts/with-postgres python bench/producers.py [--items 20000]

The last line is ``producers_items_per_s=X`` (all three writes over their total time); compare
runs of two commits in the same session, alternating, as the figures drift with the machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import setup_django
from posting import timed  # the same stopwatch as bench/posting.py

TODAY = date(2026, 3, 2)
DEADLINE = date(2026, 6, 1)


def drafts(count: int, shift: int) -> list[Any]:
    """``count`` denial drafts; ``shift`` changes every amount, so a second upsert refreshes.

    Titles carry a tab, which COPY must escape, so the fast path is measured with it."""
    from rcmdesk.workqueue.producers.common import Draft, prioritise

    out = []
    for n in range(count):
        amount = Decimal(100 + n % 500 + shift)
        out.append(Draft(
            kind="denial", source_key=f"line:{n}", title=f"Denied line {n}\tCO-45",
            amount=amount, priority=prioritise(amount, None, date(2026, 1, 1), DEADLINE,
                                                "appeal", TODAY),
            category="coding", aging_bucket="31-60", deadline=DEADLINE,
            detail={"carc": "45", "n": n, "shift": shift}))
    return out


def run(count: int) -> dict[str, float]:
    """Time the three writes; each checks that it wrote every item."""
    from rcmdesk.audit.context import acting
    from rcmdesk.tenancy.models import Organization
    from rcmdesk.workqueue.models import WorkItem
    from rcmdesk.workqueue.producers.common import Written, close, upsert

    client = Organization.objects.create(slug="producers-bench", name="Producers bench",
                                         kind="client")
    first, second = drafts(count, 0), drafts(count, 7)
    with acting(None, channel="cli:bench"):
        create_s, created = timed(lambda: upsert(client.pk, first, TODAY))
        refresh_s, refreshed = timed(lambda: upsert(client.pk, second, TODAY))
        ids = WorkItem.objects.filter(client=client).values_list("pk", flat=True)
        reasons = {pk: "paid by remit BENCH1" for pk in ids}
        close_s, closed = timed(lambda: close(client.pk, reasons))
    made, redone = cast(Written, created), cast(Written, refreshed)
    if (made.created, redone.refreshed, closed) != (count, count, count):
        raise SystemExit(f"wrote {created}, {refreshed}, closed {closed}; expected {count}")
    return {"create": create_s, "refresh": refresh_s, "close": close_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="producers-bench-") as tmp:
        vendor = setup_django(Path(tmp))
        times = run(args.items)
    total = sum(times.values())
    print(f"{vendor} producers, {args.items:,} items: " + " ".join(
        f"{step} {seconds:.2f}s" for step, seconds in times.items()) + f" total {total:.2f}s")
    print(f"producers_items_per_s={3 * args.items / total:,.0f}")


if __name__ == "__main__":
    main()
