"""The ledger is append-only like the audit trail: corrections are new reversing entries."""

from django.db import migrations

from rcmdesk.audit.immutability import make_operations

journal_forward, journal_backward = make_operations("remits_journalentry")
entry_forward, entry_backward = make_operations("remits_ledgerentry")


class Migration(migrations.Migration):
    dependencies = [("remits", "0001_initial")]
    operations = [
        migrations.RunPython(journal_forward, journal_backward),
        migrations.RunPython(entry_forward, entry_backward),
    ]
