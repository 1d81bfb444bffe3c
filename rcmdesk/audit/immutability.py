"""Database triggers that refuse UPDATE and DELETE on append-only tables.

Shared by the audit trail now and the ledger later. A database superuser can still drop a
trigger; the HMAC chain is what catches that.
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


def forward_sql(vendor: str, table: str) -> list[str]:
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


def backward_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update;",
                f"DROP TRIGGER IF EXISTS {table}_no_delete;"]
    return []


APPEND_ONLY_TABLES: list[str] = [
    "audit_auditevent", "remits_journalentry", "remits_ledgerentry",
    "workqueue_workaction", "playbooks_sopversion", "playbooks_playbookchange",
    "decisions_proposalevent", "workqueue_calllog",
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


def make_operations(table: str) -> tuple[Any, Any]:
    """RunPython callables that install or remove the triggers for the current vendor."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for sql in forward_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql)

    def backward(apps: Any, schema_editor: Any) -> None:
        for sql in backward_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql)

    return forward, backward
