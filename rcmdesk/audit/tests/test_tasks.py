"""The chain check runs through Django's task framework on the database backend."""

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus

from rcmdesk.audit.models import AuditEvent
from rcmdesk.audit.services import record
from rcmdesk.audit.tasks import seal_audit_trail, verify_audit_chain


@pytest.mark.django_db(transaction=True)
def test_the_chain_check_runs_in_the_database_task_worker():
    record("read", client_id=None)
    result = verify_audit_chain.enqueue()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["broken"] is None
    assert result.return_value["checked"] >= 1


@pytest.mark.django_db(transaction=True)
def test_the_sealing_task_seals_what_no_commit_sealed():
    AuditEvent.objects.create(action="read")  # written by a process that stopped at commit
    result = seal_audit_trail.enqueue()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"sealed": 1}
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
