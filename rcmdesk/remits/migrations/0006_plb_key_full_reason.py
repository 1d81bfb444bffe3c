"""PLB posting keys carry the whole reason ("PL6", not "PL"), so L6 and L3 cannot collide.

Existing PLB keys (line_index < 0) were written as "P" + the first letter of the reason; each
is rewritten from the PLB pair it guarded: the first one stored at that payer, trace,
reference and position whose reason starts with that letter (the one that posted).
"""

from django.db import migrations, models


def widen_plb_keys(apps, schema_editor):
    PostingKey = apps.get_model("remits", "PostingKey")
    ProviderAdjustment = apps.get_model("remits", "ProviderAdjustment")
    for key in PostingKey.objects.filter(line_index__lt=0).order_by("pk"):
        if len(key.status_code) != 2:
            continue
        posted = (ProviderAdjustment.objects
                  .filter(remittance__client_id=key.client_id,
                          remittance__payer_key=key.payer_key,
                          remittance__trace_number=key.trace_number,
                          index=-key.line_index, reference=key.patient_control_number,
                          reason__startswith=key.status_code[1:])
                  .order_by("pk").first())
        if posted is not None:
            key.status_code = f"P{posted.reason}"
            key.save(update_fields=["status_code"])


class Migration(migrations.Migration):

    dependencies = [
        ('remits', '0005_exception_resolution'),
    ]

    operations = [
        migrations.AlterField(
            model_name='postingkey',
            name='status_code',
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.RunPython(widen_plb_keys, migrations.RunPython.noop),
    ]
