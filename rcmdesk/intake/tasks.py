"""Ingestion off the request path, run by the database-backed task worker."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from rcmdesk.accounts.models import User
from rcmdesk.audit.context import acting
from rcmdesk.intake import services
from rcmdesk.intake.models import ReceivedFile


@task(queue_name="ingest")
def process_file(file_id: int, actor_id: int | None, retry: bool = False) -> dict[str, Any]:
    """Check and apply a stored file (or retry it) as the person who asked for it.

    The request that enqueued this already proved the file visible and the person allowed;
    a worker has no request to scope by, so it reads the row by its id.
    """
    received = ReceivedFile.objects.get(pk=file_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    with acting(actor, channel="task"):
        if retry:
            result = services.retry(received, actor)
        else:
            result = services.process(received, actor=actor)
    return {"file": file_id, "outcome": result.outcome, "message": result.message[:500]}
