"""An item's history is evidence (QA audits, client questions): append-only like the ledger."""

from django.db import migrations

from rcmdesk.audit.immutability import make_operations

forward, backward = make_operations("workqueue_workaction")


class Migration(migrations.Migration):
    dependencies = [("workqueue", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
