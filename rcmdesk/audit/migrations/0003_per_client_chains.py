"""One chain per client (and one for the platform), sealed after commit; signed checkpoints.

Existing events are re-chained into their client's chain with the audit key
(``settings.AUDIT_HMAC_KEY``), in id order, so a database upgraded from the single global
chain verifies under the new rules. The append-only trigger is replaced by the one that lets
the sealing UPDATE through. Irreversible: the global chain's hashes are not kept.
"""

from typing import Any

from django.conf import settings
from django.db import migrations, models

from rcmdesk.audit.chain import GENESIS, link
from rcmdesk.audit.immutability import backward_sql, forward_sql
from rcmdesk.audit.sealer import fields_of
from rcmdesk.db import bulk

EVENTS = "audit_auditevent"
CHECKPOINTS = "audit_auditcheckpoint"
BATCH = 5000


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    for sql in backward_sql(schema_editor.connection.vendor, EVENTS):
        schema_editor.execute(sql)


def rechain(apps: Any, schema_editor: Any) -> None:
    """Number and link every event in its client's chain, oldest first; one head a chain."""
    event_model = apps.get_model("audit", "AuditEvent")
    head_model = apps.get_model("audit", "AuditChainHead")
    event_model.objects.update(seq=None)  # so renumbering never meets an old number
    heads: dict[int, tuple[int, str]] = {}
    last = 0
    while batch := list(event_model.objects.filter(id__gt=last).order_by("id")[:BATCH]):
        rows = []
        for event in batch:
            event.chain = event.client_org_id or 0
            seq, prev = heads.get(event.chain, (0, GENESIS))
            digest = link(settings.AUDIT_HMAC_KEY, prev, fields_of(event, seq=seq + 1))
            rows.append((event.chain, seq + 1, prev, digest, event.pk))
            heads[event.chain] = (seq + 1, digest)
        bulk.update(event_model, ["chain", "seq", "prev_hash", "hash"], rows)
        last = batch[-1].pk
    head_model.objects.all().delete()
    head_model.objects.bulk_create([head_model(chain=c, seq=seq, hash=digest)
                                    for c, (seq, digest) in sorted(heads.items())])


def install_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for sql in [*forward_sql(vendor, EVENTS, sealable=True),
                *forward_sql(vendor, CHECKPOINTS, sealable=False)]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
        ('tenancy', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_triggers),
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('chain', models.BigIntegerField()),
                ('seq', models.BigIntegerField()),
                ('hash', models.CharField(max_length=64)),
                ('at', models.DateTimeField()),
                ('signature', models.CharField(max_length=128)),
            ],
        ),
        migrations.AlterModelOptions(
            name='auditevent',
            options={'ordering': ['id']},
        ),
        migrations.RemoveIndex(
            model_name='auditevent',
            name='audit_audit_client__9246c2_idx',
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='chain',
            field=models.BigIntegerField(default=0, unique=True),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='checkpointed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='checkpointed_seq',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['client_org', 'id'], name='audit_event_client_id'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['chain', 'id'], name='audit_event_unsealed'),
        ),
        migrations.RunPython(rechain),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('chain', 'seq'), name='audit_event_chain_seq'),
        ),
        migrations.AddIndex(
            model_name='auditcheckpoint',
            index=models.Index(fields=['chain', 'seq'], name='audit_checkpoint_chain_seq'),
        ),
        migrations.RunPython(install_triggers),
    ]
