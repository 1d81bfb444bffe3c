"""Database triggers that refuse UPDATE and DELETE on append-only tables.

Shared by the audit trail and the ledger. A database superuser can still drop a trigger; the
HMAC chain is what catches that.

The audit trail's events are written unsealed and sealed afterwards (``rcmdesk.audit.sealer``),
so its trigger lets exactly one UPDATE through: the seal, from an unsealed row (empty hash)
to a sealed one, with no column but ``seq``, ``prev_hash`` and ``hash`` changed. Every other
UPDATE, every DELETE and TRUNCATE stays refused.
"""

from __future__ import annotations

from typing import Any

# No percent signs here: the SQL passes through drivers that treat % as a placeholder.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION rcmdesk_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING
    MESSAGE = 'rcmdesk: ' || TG_TABLE_NAME || ' is append-only; ' || TG_OP || ' refused',
    ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


PG_SEAL_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION rcmdesk_seal_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.hash = '' AND NEW.hash <> '' AND NEW.seq IS NOT NULL
     AND (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash')
         = (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION USING
    MESSAGE = 'rcmdesk: ' || TG_TABLE_NAME || ' is append-only; ' || TG_OP || ' refused',
    ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

# Tables whose rows are sealed once after they are written: table -> the columns the seal
# may NOT change (SQLite has no row-to-JSON, so its trigger names them; a test checks the
# list against the model, so a new column cannot slip past the trigger).
SEALED_TABLES: dict[str, tuple[str, ...]] = {
    "audit_auditevent": (
        "id", "chain", "at", "actor_id", "actor_username", "acting_org_id", "client_org_id",
        "action", "object_type", "object_id", "ip", "request_id", "detail",
    ),
}


def forward_sql(vendor: str, table: str, *, sealable: bool | None = None,
                purgeable: bool | None = None) -> list[str]:
    """The triggers of ``table``; ``sealable`` (default: whether it is in SEALED_TABLES)
    lets the one sealing UPDATE through. Migrations written before sealing pass False.
    ``purgeable`` (default: whether it is in PURGEABLE) lets a DELETE through for a client
    under a purge grant; migrations written before purging pass False."""
    if sealable is None:
        sealable = table in SEALED_TABLES
    if sealable:
        return _sealable_sql(vendor, table)
    if purgeable is None:
        purgeable = table in PURGEABLE
    if purgeable:
        return purge_sql(vendor, table)
    if vendor == "postgresql":
        return [PG_FUNCTION, (
            f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION rcmdesk_refuse_change();"
        ), (
            f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION rcmdesk_refuse_change();"
        )]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'rcmdesk: {table} is append-only; UPDATE refused'); END;",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'rcmdesk: {table} is append-only; DELETE refused'); END;",
        ]
    return []


def _sealable_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [PG_FUNCTION, PG_SEAL_ONLY_FUNCTION, (
            f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION rcmdesk_seal_only();"
        ), (
            f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION rcmdesk_refuse_change();"
        )]
    if vendor == "sqlite":
        same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in SEALED_TABLES[table])
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            f"WHEN NOT (OLD.hash = '' AND NEW.hash <> '' AND NEW.seq IS NOT NULL AND {same}) "
            f"BEGIN SELECT RAISE(ABORT, 'rcmdesk: {table} is append-only; UPDATE refused'); END;",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'rcmdesk: {table} is append-only; DELETE refused'); END;",
        ]
    return []


# Append-only tables whose rows an assessment's deletion removes (``assessments.purge``):
# table -> the SQL expression of a row's client, through its parent where the row has no
# client of its own (so a purge deletes children before their parents). A DELETE goes
# through only while that client has a row in ``assessments_purgegrant``, which exists only
# inside the purging transaction; UPDATE and TRUNCATE stay refused as for any other table.
PURGEABLE: dict[str, str] = {
    "remits_journalentry": "OLD.client_id",
    "remits_ledgerentry": "OLD.client_id",
    "playbooks_playbookchange": "OLD.client_id",
    "workqueue_workaction":
        "(SELECT p.client_id FROM workqueue_workitem p WHERE p.id = OLD.item_id)",
    "workqueue_calllog":
        "(SELECT p.client_id FROM workqueue_workitem p WHERE p.id = OLD.item_id)",
    "decisions_proposalevent":
        "(SELECT p.client_id FROM decisions_proposal p WHERE p.id = OLD.proposal_id)",
    "playbooks_sopversion":
        "(SELECT p.client_id FROM playbooks_sopdocument p WHERE p.id = OLD.document_id)",
}

GRANTED = "EXISTS (SELECT 1 FROM assessments_purgegrant g WHERE g.client_id = {client})"


def purge_sql(vendor: str, table: str) -> list[str]:
    """The triggers of a ``PURGEABLE`` table for ``vendor``."""
    if vendor == "postgresql":
        return purge_sql_postgresql(table)
    if vendor == "sqlite":
        return purge_sql_sqlite(table)
    return []


def purge_sql_postgresql(table: str) -> list[str]:
    """UPDATE and TRUNCATE refused as before; DELETE refused unless the row's client is
    under a purge grant (one function per table: the client expression differs)."""
    granted = GRANTED.format(client=PURGEABLE[table])
    return [PG_FUNCTION, f"""
CREATE OR REPLACE FUNCTION rcmdesk_purge_only_{table}() RETURNS trigger AS $$
BEGIN
  IF {granted} THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION USING
    MESSAGE = 'rcmdesk: ' || TG_TABLE_NAME || ' is append-only; ' || TG_OP || ' refused',
    ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
""", (
        f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION rcmdesk_refuse_change();"
    ), (
        f"CREATE OR REPLACE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION rcmdesk_purge_only_{table}();"
    ), (
        f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION rcmdesk_refuse_change();"
    )]


def purge_sql_sqlite(table: str) -> list[str]:
    """The same for SQLite: the DELETE trigger is replaced (a WHEN clause cannot be added
    to an existing trigger), the UPDATE one kept as it is."""
    granted = GRANTED.format(client=PURGEABLE[table])
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'rcmdesk: {table} is append-only; UPDATE refused'); END;",
        f"DROP TRIGGER IF EXISTS {table}_no_delete;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN NOT {granted} "
        f"BEGIN SELECT RAISE(ABORT, 'rcmdesk: {table} is append-only; DELETE refused'); END;",
    ]


def backward_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
                f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table};",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update;",
                f"DROP TRIGGER IF EXISTS {table}_no_delete;"]
    return []


APPEND_ONLY_TABLES: list[str] = [
    "audit_auditevent", "remits_journalentry", "remits_ledgerentry",
    "workqueue_workaction", "playbooks_sopversion", "playbooks_playbookchange",
    "decisions_proposalevent", "workqueue_calllog", "audit_auditcheckpoint",
]


def install(connection: Any, tables: list[str] | None = None) -> None:
    """(Re)install the triggers; idempotent."""
    with connection.cursor() as cursor:
        for table in tables or APPEND_ONLY_TABLES:
            for sql in forward_sql(connection.vendor, table):
                cursor.execute(sql)


def remove(connection: Any, tables: list[str] | None = None) -> None:
    with connection.cursor() as cursor:
        for table in tables or APPEND_ONLY_TABLES:
            for sql in backward_sql(connection.vendor, table):
                cursor.execute(sql)


def make_operations(table: str, *, sealable: bool = False) -> tuple[Any, Any]:
    """RunPython callables that install or remove the triggers for the current vendor
    (the plain ones unless ``sealable``: a migration's SQL must not change under it)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for sql in forward_sql(schema_editor.connection.vendor, table, sealable=sealable,
                               purgeable=False):
            schema_editor.execute(sql)

    def backward(apps: Any, schema_editor: Any) -> None:
        for sql in backward_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql)

    return forward, backward
