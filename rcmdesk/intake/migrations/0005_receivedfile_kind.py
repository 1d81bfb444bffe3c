"""Each received file's kind (835 remittance, 837P claims, PNG image...), told from its bytes;
files received before this are told here, one at a time (each row holds a whole file)."""

from typing import Any

from django.db import migrations, models


def tell_kinds(apps: Any, schema_editor: Any) -> None:
    from rcmdesk.intake.sniff import what_is

    files = apps.get_model("intake", "ReceivedFile")
    for pk in files.objects.filter(kind="").values_list("pk", flat=True).iterator():
        content = files.objects.filter(pk=pk).values_list("content", flat=True).get()
        files.objects.filter(pk=pk).update(kind=what_is(bytes(content)).value)


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0004_alter_receivedfile_channel"),
    ]

    operations = [
        migrations.AddField(
            model_name="receivedfile",
            name="kind",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.RunPython(tell_kinds, migrations.RunPython.noop, elidable=True),
    ]
