"""Closed weeks' KPIs, kept: the weekly roll-up behind the dashboard, the API and the report.

Why: a week's A/R is the sum of every ledger row ever posted before its end, so the live
engine re-adds the whole ledger (millions of rows) for each request, 13 weeks at a time. A
week that has ended (before the client's ``Organization.today()``) rarely changes, so its
figures are computed once and kept in ``KpiWeek``, one row per client, week and scope (the
filters and what the viewer may see); the open week is always computed live.

When a kept week is wrong: a write dated before the week's end (a back-dated posting, a
reversal, a late 835, a claim corrected, an item reopened ...). Database triggers
(``rcmdesk.reports.triggers``) log every such write as a ``KpiChange`` (client, earliest
instant touched) in the writer's own transaction; here, before trusting kept rows, the
client's pending changes are consumed: rows of weeks ending after the earliest one are
dropped and recomputed. This is option (b), a cache invalidated by posting, chosen over a
roll-up table maintained by the posting code because the posting and ingest code change
fast and must not have to keep a second set of books right; the triggers see every writer.

Consistency: consuming changes and storing recomputed rows happen under a per-client lock
(a PostgreSQL advisory lock: one client's readers never wait on another's), and only the
changes read are deleted, so a write that commits while a week is being computed leaves its
change behind and the next reader recomputes that week again. Readers that find no pending
change before a kept week's end read the rows without any lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import Count, Min

from rcmdesk.reports.models import KpiChange, KpiWeek
from rcmdesk.tenancy.models import Organization

VERSION = 2  # bump when a formula changes: every kept week is then recomputed once
MAX_PENDING = 500  # consume (and so prune) the change log once this many wait for a client
LOCK_SPACE = 0x4B5049  # "KPI": the advisory locks' first key, the client id is the second
CHUNK = 500

Values = dict[str, list[Any]]  # key -> one JSON-able value per window


class Week(Protocol):
    @property
    def week(self) -> str: ...

    @property
    def end(self) -> Any: ...

    @property
    def end_date(self) -> Any: ...


def closed(client: Organization, ws: Sequence[Week]) -> list[Week]:
    """Weeks that ended before the client's today: only these are kept."""
    today = client.today()
    return [w for w in ws if w.end_date < today]


def kept(client: Organization, ws: Sequence[Week], scope: str,
         compute: Callable[[list[Week]], Values]) -> Values:
    """``compute(ws)``, with the closed weeks' values read from (or written to) the roll-up.

    ``compute`` must return JSON-able values (the caller encodes Decimals as text)."""
    done = closed(client, ws)
    if not done:
        return compute(list(ws))
    rows = _fresh_rows(client, done, scope)
    if rows is None:
        rows, live = _settle(client, ws, done, scope, compute)
    else:
        open_weeks = [w for w in ws if w not in done]
        live = _by_week(open_weeks, compute(open_weeks)) if open_weeks else {}
    by_week = {**rows, **live}
    keys = next(iter(by_week.values())).keys()
    return {key: [by_week[w.week][key] for w in ws] for key in keys}


def _by_week(ws: Sequence[Week], values: Values) -> dict[str, dict[str, Any]]:
    return {w.week: {key: values[key][i] for key in values} for i, w in enumerate(ws)}


def _fresh_rows(client: Organization, done: list[Week],
                scope: str) -> dict[str, dict[str, Any]] | None:
    """The kept rows of ``done`` when all are there and no pending change touches them,
    else None (the caller then settles under the client's lock). Two small queries."""
    pending = KpiChange.objects.filter(client_id=client.pk).aggregate(n=Count("pk"),
                                                                      first=Min("since"))
    last_end = max(w.end for w in done)
    if pending["n"] >= MAX_PENDING or (pending["first"] is not None
                                       and pending["first"] < last_end):
        return None
    rows = _rows(client, done, scope)
    return rows if len(rows) == len(done) else None


def _rows(client: Organization, done: list[Week], scope: str) -> dict[str, dict[str, Any]]:
    return dict(KpiWeek.objects.filter(client=client, scope=scope, version=VERSION,
                                       zone=client.time_zone,
                                       week__in=[w.week for w in done])
                .values_list("week", "values"))


def _settle(client: Organization, ws: Sequence[Week], done: list[Week], scope: str,
            compute: Callable[[list[Week]], Values]
            ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Under the client's lock: drop what pending changes invalidate, compute the missing
    closed weeks and the open ones in one pass, keep the closed ones."""
    with transaction.atomic():
        _lock(client.pk)
        consume(client.pk)
        rows = _rows(client, done, scope)
        need = [w for w in ws if w.week not in rows]
        fresh = _by_week(need, compute(need)) if need else {}
        store = [w for w in need if w in done]
        KpiWeek.objects.filter(client=client, scope=scope,
                               week__in=[w.week for w in store]).delete()
        KpiWeek.objects.bulk_create(
            KpiWeek(client=client, week=w.week, scope=scope, ends_at=w.end, version=VERSION,
                    zone=client.time_zone, values=fresh[w.week]) for w in store)
    return rows, fresh


def _lock(client_id: int) -> None:
    """One client's settling at a time (PostgreSQL; SQLite has one writer anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, client_id])


def consume(client_id: int) -> int:
    """Drop the kept weeks the client's pending changes may have moved, then those changes
    (only the ones read: one committed meanwhile stays for the next reader). Returns the
    number of kept rows dropped. Call under the client's lock (``_settle``)."""
    changes = list(KpiChange.objects.filter(client_id=client_id).values_list("pk", "since"))
    if not changes:
        return 0
    earliest = min(since for _, since in changes)
    dropped, _ = KpiWeek.objects.filter(client_id=client_id, ends_at__gt=earliest).delete()
    ids = [pk for pk, _ in changes]
    for start in range(0, len(ids), CHUNK):
        KpiChange.objects.filter(pk__in=ids[start:start + CHUNK]).delete()
    return dropped


def text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def number(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
