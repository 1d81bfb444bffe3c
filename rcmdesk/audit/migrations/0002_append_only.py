from typing import Any

from django.db import migrations

from rcmdesk.audit.immutability import make_operations

forward, backward = make_operations("audit_auditevent")


def create_head(apps: Any, schema_editor: Any) -> None:
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [
        migrations.RunPython(forward, backward),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
