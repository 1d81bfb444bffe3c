"""Database triggers that log writes which may move a closed week's KPIs (``KpiChange``).

Why triggers rather than calls from the posting and ingest code: the roll-up must see every
write (the ORM, ``rcmdesk.db.bulk``'s COPY, a raw ``UPDATE``, a data fix in psql) and see it
exactly when it commits. A trigger runs inside the writer's transaction, so its change row
commits or rolls back with the rows it describes; a fingerprint or an id watermark read by
the dashboard cannot tell a back-dated row that committed late from one that was already
counted. And no posting or ingest code has to remember to call anything.

Cost on the write paths, by design: an INSERT or DELETE statement adds one grouped
``INSERT ... SELECT client_id, MIN(since)`` over its rows (PostgreSQL: one statement-level
trigger with a transition table, so a 20,000-row COPY adds ONE small insert); an UPDATE
fires only when a column the KPIs read changes (a row-level ``WHEN``, evaluated without a
function call), so claiming an item, a claim's balance or status moving, adds nothing.
Ledger entries are dated by their journal and written with it (``rcmdesk.remits.ledger``),
so the journal's insert speaks for them; their UPDATE and DELETE are watched.

``since`` is the earliest instant whose week the row touches: a date column counts from the
day before (a date has no zone; a day earlier is safe in every zone). A change with ``since``
at or after a week's end leaves that week alone.

Each watched table is described once in ``WATCHES``; ``install`` writes the SQL for the
connection's database (PostgreSQL or SQLite). Changing ``WATCHES`` needs a migration that
calls ``install`` again (it drops and recreates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

LOG = "reports_kpichange"


@dataclass(frozen=True)
class Watch:
    """One input table: the row columns the selects read, the columns whose UPDATE matters
    (or an explicit ``when``), and SELECTs of ``client_id, since`` over ``{rows} r``."""

    table: str
    columns: tuple[str, ...]
    changed: tuple[str, ...]
    selects: tuple[str, ...]
    on_insert: bool = True
    extra_on_change: tuple[str, ...] = ()  # more SELECTs for UPDATE and DELETE only
    when: str = ""  # extra UPDATE condition over OLD / NEW (same SQL on both databases)


# Everything dated that reads a claim's dimensions (payer, provider, date of service,
# created): its journals, remits, items' closes and touches, appeals.
CLAIM_DEPENDENTS = (
    "SELECT r.client_id AS client_id, (SELECT MIN(j.created_at) FROM remits_journalentry j "
    "WHERE j.claim_id = r.id) AS since FROM {rows} r",
    "SELECT r.client_id AS client_id, (SELECT MIN(m.created_at) FROM remits_remitclaim rc "
    "JOIN remits_remittance m ON m.id = rc.remittance_id WHERE rc.claim_id = r.id) AS since "
    "FROM {rows} r",
    "SELECT r.client_id AS client_id, (SELECT MIN(i.closed_at) FROM workqueue_workitem i "
    "WHERE i.claim_id = r.id) AS since FROM {rows} r",
    "SELECT r.client_id AS client_id, (SELECT MIN(a.at) FROM workqueue_workitem i "
    "JOIN workqueue_workaction a ON a.item_id = i.id WHERE i.claim_id = r.id) AS since "
    "FROM {rows} r",
    "SELECT r.client_id AS client_id, (SELECT MIN(DAY_BEFORE(p.decided_on)) FROM "
    "denials_appeal p WHERE p.claim_id = r.id) AS since FROM {rows} r",
)

WATCHES: tuple[Watch, ...] = (
    Watch("remits_journalentry", ("client_id", "created_at"),
          ("client_id", "created_at", "kind", "claim_id", "remittance_id"),
          ("SELECT r.client_id AS client_id, r.created_at AS since FROM {rows} r",)),
    Watch("remits_ledgerentry", ("client_id", "journal_id"),
          ("client_id", "journal_id", "claim_id", "account", "amount"),
          ("SELECT r.client_id AS client_id, (SELECT j.created_at FROM remits_journalentry j "
           "WHERE j.id = r.journal_id) AS since FROM {rows} r",), on_insert=False),
    Watch("claims_claim", ("id", "client_id", "created_at", "service_from"),
          ("client_id", "created_at", "service_from", "payer_id", "billing_provider_id"),
          ("SELECT r.client_id AS client_id, r.created_at AS since FROM {rows} r",
           "SELECT r.client_id AS client_id, DAY_BEFORE(r.service_from) AS since "
           "FROM {rows} r"),
          on_insert=False, extra_on_change=CLAIM_DEPENDENTS),
    Watch("remits_remittance", ("client_id", "created_at"), ("client_id", "created_at",
                                                             "file_id"),
          ("SELECT r.client_id AS client_id, r.created_at AS since FROM {rows} r",),
          on_insert=False),
    Watch("intake_receivedfile", ("client_id", "received_at"), ("client_id", "received_at"),
          ("SELECT r.client_id AS client_id, r.received_at AS since FROM {rows} r",),
          on_insert=False),
    Watch("remits_remitclaim", ("remittance_id", "claim_id"),
          ("remittance_id", "claim_id", "outcome", "charge", "paid"),
          ("SELECT m.client_id AS client_id, m.created_at AS since FROM {rows} r "
           "JOIN remits_remittance m ON m.id = r.remittance_id",)),
    Watch("workqueue_workitem", ("id", "client_id", "claim_id", "kind", "closed_at"),
          ("client_id", "closed_at", "claim_id", "workflow", "kind"),
          ("SELECT r.client_id AS client_id, r.closed_at AS since FROM {rows} r",
           # a rework item makes its claim's first remit not "first pass" any more
           "SELECT r.client_id AS client_id, (SELECT MIN(m.created_at) FROM remits_remitclaim "
           "rc JOIN remits_remittance m ON m.id = rc.remittance_id WHERE rc.claim_id = "
           "r.claim_id) AS since FROM {rows} r "
           "WHERE r.kind IN ('denial', 'rejection', 'posting_exception')"),  # kpis.REWORK_KINDS
          extra_on_change=(
              "SELECT r.client_id AS client_id, (SELECT MIN(a.at) FROM workqueue_workaction a "
              "WHERE a.item_id = r.id) AS since FROM {rows} r",),
          when="(OLD.status = 'done') <> (NEW.status = 'done')"),
    Watch("workqueue_workaction", ("item_id", "at"), ("item_id", "at", "kind", "actor_id"),
          ("SELECT (SELECT i.client_id FROM workqueue_workitem i WHERE i.id = r.item_id) "
           "AS client_id, r.at AS since FROM {rows} r",)),
    Watch("denials_appeal", ("client_id", "decided_on"),
          ("client_id", "claim_id", "status", "decided_on"),
          ("SELECT r.client_id AS client_id, DAY_BEFORE(r.decided_on) AS since "
           "FROM {rows} r",)),
    Watch("qa_audit", ("client_id", "completed_at"),
          ("client_id", "status", "completed_at", "score", "workflow"),
          ("SELECT r.client_id AS client_id, r.completed_at AS since FROM {rows} r",)),
    Watch("scrubber_scrubrun", ("client_id", "created_at"),
          ("client_id", "created_at", "scrubbed", "clean_claims"),
          ("SELECT r.client_id AS client_id, r.created_at AS since FROM {rows} r",)),
)


@dataclass(frozen=True)
class Dialect:
    vendor: str

    def day_before(self, sql: str) -> str:
        """``DAY_BEFORE(x)`` (a date) as the instant a day before its midnight, UTC."""
        if self.vendor == "postgresql":
            return re.sub(r"DAY_BEFORE\(([^()]*)\)", r"((\1) - 1)::timestamptz", sql)
        return re.sub(r"DAY_BEFORE\(([^()]*)\)", r"datetime(\1, '-1 day')", sql)

    def distinct(self, old: str, new: str) -> str:
        op = "IS DISTINCT FROM" if self.vendor == "postgresql" else "IS NOT"
        return f"OLD.{old} {op} NEW.{new}"


def _log_insert(dialect: Dialect, selects: tuple[str, ...], rows: str) -> str:
    """One row per client: the earliest instant the statement's rows touch."""
    union = " UNION ALL ".join(s.format(rows=rows) for s in selects)
    return dialect.day_before(
        f"INSERT INTO {LOG} (client_id, since) SELECT client_id, MIN(since) FROM ({union}) x "  # noqa: S608 (constant SQL)
        "WHERE client_id IS NOT NULL AND since IS NOT NULL GROUP BY client_id")


def _row(prefix: str, columns: tuple[str, ...]) -> str:
    """A one-row table of the trigger's OLD or NEW row (PL/pgSQL and SQLite alike)."""
    return "(SELECT " + ", ".join(f"{prefix}.{c} AS {c}" for c in columns) + ")"


def _when(dialect: Dialect, w: Watch) -> str:
    parts = [dialect.distinct(c, c) for c in w.changed]
    if w.when:
        parts.append(w.when)
    return " OR ".join(parts)


def _change_selects(w: Watch) -> tuple[str, ...]:
    return w.selects + w.extra_on_change


def _columns(w: Watch) -> tuple[str, ...]:
    """The row columns the UPDATE / DELETE selects read (``id`` when they follow it)."""
    needed = list(w.columns)
    if w.extra_on_change and "id" not in needed:
        needed.insert(0, "id")
    return tuple(needed)


def _old_and_new(d: Dialect, w: Watch) -> str:
    """An UPDATE's log: the row as it was and as it is (a move out of a week and into one)."""
    cols = _columns(w)
    return (_log_insert(d, _change_selects(w), _row("OLD", cols)) + "; "
            + _log_insert(d, _change_selects(w), _row("NEW", cols)))


def postgresql(w: Watch) -> list[str]:
    d = Dialect("postgresql")
    t = w.table
    both = _old_and_new(d, w)
    sql = [
        f"CREATE OR REPLACE FUNCTION kpi_{t}_upd() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {both}; RETURN NULL; END $$",
        f"CREATE TRIGGER kpi_{t}_upd AFTER UPDATE ON {t} FOR EACH ROW WHEN ({_when(d, w)}) "
        f"EXECUTE FUNCTION kpi_{t}_upd()",
        f"CREATE OR REPLACE FUNCTION kpi_{t}_del() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {_log_insert(d, _change_selects(w), 'old_rows')}; RETURN NULL; END $$",
        f"CREATE TRIGGER kpi_{t}_del AFTER DELETE ON {t} REFERENCING OLD TABLE AS old_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION kpi_{t}_del()",
    ]
    if w.on_insert:
        sql += [
            f"CREATE OR REPLACE FUNCTION kpi_{t}_ins() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {_log_insert(d, w.selects, 'new_rows')}; RETURN NULL; END $$",
            f"CREATE TRIGGER kpi_{t}_ins AFTER INSERT ON {t} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION kpi_{t}_ins()",
        ]
    return sql


def sqlite(w: Watch) -> list[str]:
    d = Dialect("sqlite")
    t = w.table
    cols = _columns(w)
    both = _old_and_new(d, w)
    sql = [
        f"CREATE TRIGGER kpi_{t}_upd AFTER UPDATE ON {t} FOR EACH ROW WHEN {_when(d, w)} "
        f"BEGIN {both}; END",
        f"CREATE TRIGGER kpi_{t}_del AFTER DELETE ON {t} FOR EACH ROW BEGIN "
        f"{_log_insert(d, _change_selects(w), _row('OLD', cols))}; END",
    ]
    if w.on_insert:
        sql.append(f"CREATE TRIGGER kpi_{t}_ins AFTER INSERT ON {t} FOR EACH ROW BEGIN "
                   f"{_log_insert(d, w.selects, _row('NEW', cols))}; END")
    return sql


def _drop(vendor: str, w: Watch) -> list[str]:
    t = w.table
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS kpi_{t}_{e} ON {t}" for e in ("ins", "upd", "del")] + [
            f"DROP FUNCTION IF EXISTS kpi_{t}_{e}()" for e in ("ins", "upd", "del")]
    return [f"DROP TRIGGER IF EXISTS kpi_{t}_{e}" for e in ("ins", "upd", "del")]


def statements(vendor: str, *, create: bool = True) -> list[str]:
    make = postgresql if vendor == "postgresql" else sqlite
    out: list[str] = []
    for w in WATCHES:
        out += _drop(vendor, w)
        if create:
            out += make(w)
    return out


def install(apps: Any, schema_editor: Any) -> None:
    """Migration step: (re)create every trigger on this database."""
    for sql in statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def uninstall(apps: Any, schema_editor: Any) -> None:
    for sql in statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql)
