from django.db import migrations

from rcmdesk.audit.immutability import make_operations

# A proposal's history is the record of who asked and who decided: append-only, like the
# ledger and the audit trail.
forward, backward = make_operations("decisions_proposalevent")


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
