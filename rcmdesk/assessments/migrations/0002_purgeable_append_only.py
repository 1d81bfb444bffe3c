"""The append-only tables an assessment's deletion empties let a DELETE through for a client
under a purge grant (``assessments_purgegrant``), and for no other; UPDATE stays refused."""

from typing import Any

from django.db import migrations

from rcmdesk.audit.immutability import PURGEABLE, backward_sql, forward_sql, purge_sql


def forward(apps: Any, schema_editor: Any) -> None:
    for table in PURGEABLE:
        for sql in purge_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql)


def backward(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for table in PURGEABLE:
        for sql in backward_sql(vendor, table) + forward_sql(vendor, table, purgeable=False):
            schema_editor.execute(sql)
        if vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS rcmdesk_purge_only_{table}();")


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0001_initial"),
        ("remits", "0009_human_labels"),
        ("workqueue", "0011_alter_workitem_kind"),
        ("decisions", "0005_refund_kind"),
        ("playbooks", "0005_payerrule_call_reference_required"),
    ]

    operations = [migrations.RunPython(forward, backward)]
