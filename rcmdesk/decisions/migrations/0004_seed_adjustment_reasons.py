"""Every existing client starts with the default write-off reasons, as a new one does."""

from typing import Any

from django.db import migrations

from rcmdesk.decisions.reasons import DEFAULT_REASONS


def seed(apps: Any, schema_editor: Any) -> None:
    Organization = apps.get_model("tenancy", "Organization")
    AdjustmentReason = apps.get_model("decisions", "AdjustmentReason")
    for client in Organization.objects.filter(kind="client"):
        existing = set(AdjustmentReason.objects.filter(client=client)
                       .values_list("code", flat=True))
        AdjustmentReason.objects.bulk_create([
            AdjustmentReason(client=client, code=code, label=label, carc=carc)
            for code, label, carc in DEFAULT_REASONS if code not in existing])


class Migration(migrations.Migration):
    dependencies = [("decisions", "0003_adjustment_reasons"), ("tenancy", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
