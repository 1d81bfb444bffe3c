"""Someone with database write access cannot rewrite history unnoticed."""

import pytest
from django.db import DatabaseError, connection, transaction
from typer.testing import CliRunner

from rcmdesk.audit.immutability import backward_sql, forward_sql
from rcmdesk.audit.models import AuditEvent
from rcmdesk.audit.services import record, verify
from rcmdesk.cli import app

TABLE = "audit_auditevent"


def without_triggers(sql: str, params: list | None = None) -> None:
    """Play the attacker with raw SQL: drop the triggers, edit, put them back."""
    with connection.cursor() as cursor:
        for statement in backward_sql(connection.vendor, TABLE):
            cursor.execute(statement)
        cursor.execute(sql, params or [])
        for statement in forward_sql(connection.vendor, TABLE):
            cursor.execute(statement)


@pytest.fixture
def history(db):
    return [record("read", client_id=None, object_type="x", object_id=str(i)) for i in range(5)]


def test_the_database_refuses_to_update_an_event(history):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET action = 'nothing' WHERE seq = %s", [history[0].seq])


def test_the_database_refuses_to_delete_an_event(history):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [history[0].seq])


def test_the_orm_cannot_delete_events_either(history):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=history[1].seq).delete()


def test_verify_names_the_first_edited_event(history):
    target = history[2]
    without_triggers(f"UPDATE {TABLE} SET object_id = 'forged' WHERE seq = %s", [target.seq])
    checked, broken = verify()
    assert broken is not None
    assert broken.seq == target.seq
    assert checked == target.seq - 1
    assert "changed" in str(broken)


def test_verify_notices_a_deleted_event(history):
    without_triggers(f"DELETE FROM {TABLE} WHERE seq = %s", [history[1].seq])
    _, broken = verify()
    assert broken is not None
    assert broken.seq == history[2].seq
    assert "deleted" in broken.reason


def test_verify_notices_a_truncated_tail(history):
    without_triggers(f"DELETE FROM {TABLE} WHERE seq = %s", [history[-1].seq])
    _, broken = verify()
    assert broken is not None
    assert "missing" in broken.reason


def test_verify_notices_a_recomputed_chain_without_the_key(history, settings):
    """An attacker who rewrites a row and recomputes hashes with a guessed key still fails."""
    settings.AUDIT_HMAC_KEY = "the-attackers-guess"
    assert verify()[1] is not None


def test_the_cli_exits_non_zero_naming_the_broken_event(history):
    runner = CliRunner()
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    without_triggers(f"UPDATE {TABLE} SET action = 'login' WHERE seq = %s", [history[3].seq])
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"event #{history[3].seq}" in result.output
