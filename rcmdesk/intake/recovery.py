"""Finishing files whose processing stopped, without waiting for a person.

``rcmdesk worker`` (which ``rcmdesk serve`` starts) runs ``sweep`` in a thread beside the
task loop: at start and then every quarter lease (at most every 30 seconds). A file is
stale when its lease ran out (or its holder on this machine is gone), or when it was
received, never claimed, no task waits for it and a whole lease has passed. Each one is
taken over (``intake.recovered`` audited, with the previous holder and since when) and
finished as the system; the task rows its dead worker left RUNNING are closed.

Recovery honours the same rule as the task: when the person who sent the file may no
longer send files for the client, the file is failed with that reason instead.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from rcmdesk.audit.context import acting
from rcmdesk.db.loop import Loop
from rcmdesk.intake import lease, services, tasks
from rcmdesk.intake.models import FileStatus, ReceivedFile
from rcmdesk.intake.services import IngestResult

logger = logging.getLogger(__name__)


def sweep(now: datetime | None = None) -> list[IngestResult]:
    """One pass: recover every stale file, then close abandoned task rows."""
    now = now or timezone.now()
    results = []
    with acting(None, channel="recovery"):
        for received in stale_files(now):
            sender = received.received_by
            reason = tasks.refusal(received, sender.pk if sender else None, sender)
            result = services.recover(received, refusal=reason)
            if result is not None:
                logger.warning("recovered %s", result.line())
                results.append(result)
        tasks.close_abandoned(now)
    return results


def stale_files(now: datetime) -> list[ReceivedFile]:
    """Files whose run stopped, oldest first: found from the indexes, then loaded."""
    leased = ReceivedFile.objects.filter(lease_expires__isnull=False).values_list(
        "pk", "lease_expires", "lease_process")
    stale = {pk for pk, expires, process in leased if expires < now or lease.gone(process)}
    waiting = set(ReceivedFile.objects.filter(
        status=FileStatus.RECEIVED, received_at__lt=now - lease.length(),
        lease_expires__isnull=True).values_list("pk", flat=True))
    if waiting:
        stale |= waiting - tasks.queued_files()
    return [ReceivedFile.objects.select_related("received_by").defer("content").get(pk=pk)
            for pk in sorted(stale)]


def interval() -> float:
    return max(0.5, min(30.0, lease.seconds() / 4))


def start() -> Loop:
    """Run the sweep in a daemon thread of this process (an error is logged and the next
    pass tries again); ``stop()`` on the answer ends it."""
    return Loop("rcmdesk-recovery", sweep, interval, failure="the recovery sweep",
                logger=logger).start()
