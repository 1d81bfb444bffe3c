"""Ingestion off the request path, run by the database-backed task worker.

The task queue is a table (django-tasks-db). Its worker marks a task RUNNING when it starts
it and SUCCESSFUL or FAILED when it ends; a worker killed in between leaves the row RUNNING
for ever, since nothing in django-tasks-db reclaims it. The file's own lease
(``rcmdesk.intake.lease``) is what tells a dead run from a slow one, so the recovery sweep
closes those rows here (``close_abandoned``), and the file page follows the file, not the row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from rcmdesk.accounts.models import User
from rcmdesk.audit.context import acting
from rcmdesk.audit.services import record
from rcmdesk.intake import lease, services
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.intake.queries import may_ingest


@task(queue_name="ingest")
def process_file(file_id: int, actor_id: int | None, retry: bool = False) -> dict[str, Any]:
    """Check and apply a stored file (or retry it) as the person who asked for it.

    The request that enqueued this proved the file visible and the person allowed, but the
    queue is only a table and access can end while a task waits: so the worker checks again,
    when it runs, that the person (if any) may still ingest for the file's client. If not,
    the file is marked failed with the reason, and the refusal is audited.
    """
    # with its client: applying a set needs it, and it would otherwise be loaded again
    received = ReceivedFile.objects.select_related("client").get(pk=file_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    with acting(actor, channel="task"):
        reason = refusal(received, actor_id, actor)
        if reason:
            return _refuse(received, actor, reason, retry=retry)
        if retry:
            result = services.retry(received, acting_user=actor)
        else:
            result = services.process(received, acting_user=actor)
    return {"file": file_id, "outcome": result.outcome, "message": result.message[:500]}


def refusal(received: ReceivedFile, actor_id: int | None, actor: User | None) -> str:
    """Why the requesting person may not have this file processed now ("" when they may)."""
    if actor_id is None:
        return ""  # no person asked: a system run
    if actor is None:
        return f"not processed: the requesting user #{actor_id} no longer exists"
    if not may_ingest(actor, received.client_id):
        return (f"not processed: {actor.username} may no longer send files for "
                f"{received.client} (access changed after the file was queued)")
    return ""


def _refuse(received: ReceivedFile, actor: User | None, reason: str, *,
            retry: bool) -> dict[str, Any]:
    """Failed (retryable by someone allowed) unless it is settled or another run holds it."""
    previous = (received.status, received.reason)
    services.fail(received, reason, acting_user=actor)
    record("intake.refused", client_id=received.client_id, obj=received, acting_user=actor,
           detail={"reason": reason, "retry": retry, "previous_status": previous[0],
                   "previous_reason": previous[1][:500]})
    return {"file": received.pk, "outcome": received.status, "message": reason}


class WorkerStopped(Exception):
    """What an abandoned task row says: its worker stopped before the task ended."""


def _rows() -> QuerySet[DBTaskResult[Any, Any]]:
    if not isinstance(process_file.get_backend(), DatabaseBackend):
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.filter(task_path=process_file.module_path)


def queued_files() -> set[int]:
    """The files a ``process_file`` task waits in the queue for."""
    args = _rows().filter(status=TaskResultStatus.READY).values_list("args_kwargs", flat=True)
    return {a["args"][0] for a in args if a.get("args")}


def close_abandoned(now: datetime | None = None) -> int:
    """Fail the RUNNING ``process_file`` rows whose worker is gone: started more than a lease
    ago, and nobody holds the file's lease now. Returns how many were closed."""
    now = now or timezone.now()
    closed = 0
    running = _rows().filter(status=TaskResultStatus.RUNNING,
                             started_at__lt=now - lease.length())
    for pk, args in running.values_list("pk", "args_kwargs"):
        file_id = (args.get("args") or [None])[0]
        received = ReceivedFile.objects.only(*lease.LEASE_FIELDS).filter(pk=file_id).first()
        if received is not None and lease.live(received, now):
            continue
        state = f"file #{file_id} is {received.status}" if received else "its file is gone"
        error = WorkerStopped(f"the worker stopped while running this task; {state} "
                              f"(closed by the recovery sweep at {now:%Y-%m-%d %H:%M:%S} UTC)")
        closed += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
            exception_class_path=f"{__name__}.{WorkerStopped.__qualname__}",
            traceback=f"{__name__}.{WorkerStopped.__qualname__}: {error}\n")
    return closed
