"""The queue refresh off the request path, run by the database-backed task worker."""

from __future__ import annotations

from datetime import date

from django.tasks import task

from rcmdesk.audit.context import acting
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.producers import sync_client


@task(queue_name="default")
def refresh_queues(client_id: int | None = None, today: str | None = None) -> dict[str, object]:
    """``sync_client`` for one client, or every client; ``today`` as ISO date (tests, replays),
    else each client's own calendar day.

    Nothing enqueues it on a schedule yet: a nightly run belongs to whatever scheduler the
    deployment has (cron calling ``rcmdesk queue refresh`` does the same work). Prospects are
    left out: a prospect's files are history to measure, not work.
    """
    clients = Organization.objects.filter(kind="client", prospect=False)
    if client_id is not None:
        clients = clients.filter(pk=client_id)
    out: dict[str, object] = {}
    with acting(None, channel="task"):
        for client in clients:
            day = date.fromisoformat(today) if today else client.today()
            written = sync_client(client, day)
            out[client.slug] = {kind: w.as_dict() for kind, w in written.items()}
    return out
