"""Ingestion off the request path, run by the database-backed task worker."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import task

from rcmdesk.accounts.models import User
from rcmdesk.audit.context import acting
from rcmdesk.audit.services import record
from rcmdesk.intake import services
from rcmdesk.intake.models import FileStatus, ReceivedFile
from rcmdesk.intake.queries import may_ingest


@task(queue_name="ingest")
def process_file(file_id: int, actor_id: int | None, retry: bool = False) -> dict[str, Any]:
    """Check and apply a stored file (or retry it) as the person who asked for it.

    The request that enqueued this proved the file visible and the person allowed, but the
    queue is only a table and access can end while a task waits: so the worker checks again,
    when it runs, that the person (if any) may still ingest for the file's client. If not,
    the file is marked failed with the reason, and the refusal is audited.
    """
    received = ReceivedFile.objects.get(pk=file_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    with acting(actor, channel="task"):
        refusal = _refusal(received, actor_id, actor)
        if refusal:
            return _refuse(received, actor, refusal, retry=retry)
        if retry:
            result = services.retry(received, actor)
        else:
            result = services.process(received, actor=actor)
    return {"file": file_id, "outcome": result.outcome, "message": result.message[:500]}


def _refusal(received: ReceivedFile, actor_id: int | None, actor: User | None) -> str:
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
    """Failed (retryable by someone allowed) unless an earlier run already applied it."""
    previous = (received.status, received.reason)
    with transaction.atomic():
        if received.status in services.RETRYABLE:
            received.status, received.reason = FileStatus.FAILED, reason
            received.save(update_fields=["status", "reason"])
        record("intake.refused", client_id=received.client_id, obj=received, actor=actor,
               detail={"reason": reason, "retry": retry, "previous_status": previous[0],
                       "previous_reason": previous[1][:500]})
    return {"file": received.pk, "outcome": received.status, "message": reason}
