"""Someone with database write access cannot rewrite history unnoticed."""

import json

import pytest
from django.db import DatabaseError, connection, transaction
from typer.testing import CliRunner

from rcmdesk.audit import checkpoints, ed25519
from rcmdesk.audit.immutability import SEALED_TABLES, backward_sql, forward_sql
from rcmdesk.audit.models import AuditChainHead, AuditEvent
from rcmdesk.audit.sealer import seal_all
from rcmdesk.audit.services import record, verify
from rcmdesk.audit.verification import verify_chains
from rcmdesk.cli import app

TABLE = "audit_auditevent"


def without_triggers(sql: str, params: list | None = None,
                     tables: tuple[str, ...] = (TABLE,)) -> None:
    """Play the attacker with raw SQL: drop the triggers, edit, put them back."""
    with connection.cursor() as cursor:
        for table in tables:
            for statement in backward_sql(connection.vendor, table):
                cursor.execute(statement)
        cursor.execute(sql, params or [])
        for table in tables:
            for statement in forward_sql(connection.vendor, table):
                cursor.execute(statement)


def refused(sql: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


@pytest.fixture
def history(db):
    events = [record("read", client_id=None, object_type="x", object_id=str(i))
              for i in range(5)]
    seal_all()
    for event in events:
        event.refresh_from_db()
    return events


def test_the_database_refuses_to_update_an_event(history):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET action = 'nothing' WHERE seq = %s", [history[0].seq])


def test_the_database_refuses_to_delete_an_event(history):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [history[0].seq])


def test_the_orm_cannot_delete_events_either(history):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=history[1].seq).delete()


def test_the_sealing_update_is_the_only_update_the_trigger_allows(history):
    sealed = history[0].pk
    unsealed = record("read", client_id=None, object_type="x", object_id="new").pk
    seal = f"UPDATE {TABLE} SET seq = 99, prev_hash = 'p', hash = 'h' WHERE id = %s"
    assert refused(f"UPDATE {TABLE} SET action = 'login' WHERE id = %s", [unsealed])
    assert refused(f"UPDATE {TABLE} SET seq = 99, prev_hash = 'p', hash = 'h', "
                   f"object_id = 'forged' WHERE id = %s", [unsealed])
    assert refused(f"UPDATE {TABLE} SET seq = 99, hash = '' WHERE id = %s", [unsealed])
    assert refused(seal, [sealed])  # a sealed event is never sealed again
    assert refused(f"UPDATE {TABLE} SET detail = '{{}}' WHERE id = %s", [sealed])
    assert not refused(seal, [unsealed])
    assert AuditEvent.objects.get(pk=unsealed).seq == 99


def test_the_sqlite_trigger_names_every_column_the_seal_must_not_change():
    columns = {f.column for f in AuditEvent._meta.concrete_fields}
    assert set(SEALED_TABLES[TABLE]) == columns - {"seq", "prev_hash", "hash"}


def test_verify_names_the_first_edited_event(history):
    target = history[2]
    without_triggers(f"UPDATE {TABLE} SET object_id = 'forged' WHERE id = %s", [target.pk])
    checked, broken = verify()
    assert broken is not None
    assert broken.seq == target.seq
    assert checked == target.seq - 1
    assert "changed" in str(broken)


def test_verify_notices_a_deleted_event(history):
    without_triggers(f"DELETE FROM {TABLE} WHERE id = %s", [history[1].pk])
    _, broken = verify()
    assert broken is not None
    assert broken.seq == history[2].seq
    assert "deleted" in broken.reason


def test_verify_notices_a_truncated_tail(history):
    without_triggers(f"DELETE FROM {TABLE} WHERE id = %s", [history[-1].pk])
    _, broken = verify()
    assert broken is not None
    assert "missing" in broken.reason


def test_verify_notices_a_recomputed_chain_without_the_key(history, settings):
    """An attacker who rewrites a row and recomputes hashes with a guessed key still fails."""
    settings.AUDIT_HMAC_KEY = "the-attackers-guess"
    assert verify()[1] is not None


@pytest.fixture
def exported(world, tmp_path):
    """Acme's history, sealed and checkpointed, and the checkpoint file its admin kept."""
    events = [record("read", client_id=world.acme.pk, object_type="x", object_id=str(i))
              for i in range(5)]
    seal_all()
    kept = tmp_path / "acme-checkpoints.jsonl"
    kept.write_text("".join(checkpoints.export_lines(world.acme.pk)))
    return [AuditEvent.objects.get(pk=e.pk) for e in events], kept


def cut_tail_and_rewind_head(events, client_id):
    """The careful attacker: delete the last two events, move the head back to match, and
    delete the checkpoints the database holds."""
    keep = events[-3]
    without_triggers(f"DELETE FROM {TABLE} WHERE id IN (%s, %s)", [events[-1].pk, events[-2].pk])
    AuditChainHead.objects.filter(chain=client_id).update(seq=keep.seq, hash=keep.hash)
    without_triggers("DELETE FROM audit_auditcheckpoint WHERE chain = %s", [client_id],
                     tables=("audit_auditcheckpoint",))


def test_a_cut_tail_with_a_rewound_head_is_caught_only_by_a_kept_checkpoint_file(
        world, exported):
    events, kept = exported
    cut_tail_and_rewind_head(events, world.acme.pk)
    assert all(r.broken is None for r in verify_chains())
    (report,) = verify_chains(world.acme.pk, checkpoints.read_file(kept))
    assert report.broken is not None
    assert report.broken.seq == events[-1].seq
    assert "tail was cut and its head rewound" in report.broken.reason
    assert "acme" in str(report.broken)


def test_the_checkpoint_table_catches_a_rewound_head_the_attacker_left_it_in(world, exported):
    events, _ = exported
    keep = events[-3]
    without_triggers(f"DELETE FROM {TABLE} WHERE id IN (%s, %s)", [events[-1].pk, events[-2].pk])
    AuditChainHead.objects.filter(chain=world.acme.pk).update(seq=keep.seq, hash=keep.hash)
    (report,) = verify_chains(world.acme.pk)
    assert report.broken is not None
    assert "head rewound" in report.broken.reason


def test_a_forged_checkpoint_signature_is_caught(world, exported):
    _events, kept = exported
    lines = kept.read_text().splitlines()
    forged = json.loads(lines[-1])
    forged["seq"] += 1000  # a checkpoint claiming more than happened, to frame the operator
    kept.write_text("\n".join([*lines, json.dumps(forged)]) + "\n")
    (report,) = verify_chains(world.acme.pk, checkpoints.read_file(kept))
    assert report.broken is not None
    assert "signature" in report.broken.reason


def test_a_client_checks_a_checkpoint_with_the_public_key_alone(world, exported):
    _, kept = exported
    first, *notes = [json.loads(line) for line in kept.read_text().splitlines()]
    public = bytes.fromhex(first["public_key"])
    assert notes
    assert all(n["chain"] == world.acme.pk for n in notes)
    for note in notes:
        message = json.dumps({k: note[k] for k in ("chain", "seq", "hash", "at")},
                             sort_keys=True, separators=(",", ":")).encode()
        assert ed25519.verify(public, message, bytes.fromhex(note["signature"]))


def test_every_checkpoint_is_also_filed_outside_the_database(world, exported, checkpoint_file):
    filed = checkpoints.read_file(checkpoint_file)
    assert [(n.chain, n.seq) for n in filed] == [(n.chain, n.seq)
                                                 for n in checkpoints.from_table()]
    assert oct(checkpoint_file.stat().st_mode & 0o777) == "0o600"
    assert oct(checkpoint_file.parent.stat().st_mode & 0o777) == "0o700"


def test_an_event_unsealed_past_the_grace_period_is_a_warning_not_a_break(world):
    from datetime import timedelta

    from django.utils import timezone

    AuditEvent.objects.create(chain=world.acme.pk, client_org_id=world.acme.pk, action="read",
                              at=timezone.now() - timedelta(minutes=11))  # its process died
    (report,) = verify_chains(world.acme.pk)
    assert report.broken is None
    assert report.warnings
    assert "unsealed for more than" in report.warnings[0]


def test_the_cli_exits_non_zero_naming_the_broken_event(history):
    runner = CliRunner()
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    without_triggers(f"UPDATE {TABLE} SET action = 'login' WHERE id = %s", [history[3].pk])
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"event #{history[3].seq}" in result.output


def test_the_cli_names_the_client_and_reads_a_kept_checkpoint_file(world, exported):
    events, kept = exported
    runner = CliRunner()
    assert runner.invoke(app, ["audit", "verify", "--client", "acme",
                               "--checkpoints", str(kept)]).exit_code == 0
    cut_tail_and_rewind_head(events, world.acme.pk)
    assert runner.invoke(app, ["audit", "verify", "--client", "acme"]).exit_code == 0
    result = runner.invoke(app, ["audit", "verify", "--client", "acme",
                                 "--checkpoints", str(kept)])
    assert result.exit_code == 1
    assert "audit chain of acme broken at event #5" in " ".join(result.output.split())
