"""A job that keeps failing becomes a person's work.

Twice in a row for a client: one work item (kind "failed scheduled job", in the job's
workflow, so the partner lead and the client admin who see that workflow see it), keyed by
the job so later failures refresh the same item; the next success closes it.

A platform job (audit sealing, chain checks) has no client to own an item, and the platform
admin has no work queue: its repeated failure is recorded on the platform's audit trail
(``scheduler.job_failing``, once when the second failure in a row happens, and each run
after that) and logged at ERROR level for whoever watches the server's log.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from rcmdesk.audit.services import record
from rcmdesk.calendar import local_date, office_day
from rcmdesk.scheduler.models import JobRun, Schedule
from rcmdesk.scheduler.registry import Job
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.priority import Factor, Priority
from rcmdesk.workqueue.producers.common import Draft, close, upsert

logger = logging.getLogger(__name__)

FAILURES_FOR_AN_ITEM = 2
# A broken schedule stops work for a whole client: ahead of an ordinary claim's item.
PRIORITY = Priority(300, (Factor("scheduled job failing", 300,
                                 "a job the whole client depends on keeps failing"),))


def source_key(schedule: Schedule) -> str:
    return f"job:{schedule.job}"


def failed(schedule: Schedule, job: Job | None, run: JobRun, in_a_row: int,
           now: datetime) -> None:
    """After a failed run (inside its recording transaction)."""
    if in_a_row < FAILURES_FOR_AN_ITEM:
        return
    label = job.label if job else schedule.job
    client = schedule.client
    if client is None:
        logger.error("platform job %s failed %d times in a row: %s", schedule.job, in_a_row,
                     run.error)
        record("scheduler.job_failing", client_id=None, obj=schedule,
               detail={"job": schedule.job, "failures": in_a_row, "run": run.pk,
                       "message": run.error[:500]})
        return
    today = local_date(now, client.time_zone)
    upsert(client.pk, [Draft(
        kind=ItemKind.JOB_FAILURE, source_key=source_key(schedule),
        title=f"Scheduled job “{label}” failed {in_a_row} times in a row",
        amount=Decimal(0), priority=PRIORITY, workflow=schedule.workflow,
        detail={"why": f"“{label}” failed {in_a_row} times in a row, last on "
                       f"{office_day(today)}; it runs again on its schedule, and this item "
                       "closes when it next succeeds.",
                "message": run.error[:500]})], today)


def succeeded(schedule: Schedule, run: JobRun) -> None:
    """After a successful run: close the item its earlier failures opened, if any."""
    if schedule.client_id is None:
        return
    open_items = WorkItem.objects.active().filter(
        client_id=schedule.client_id, kind=ItemKind.JOB_FAILURE,
        source_key=source_key(schedule)).values_list("pk", flat=True)
    reasons = {pk: f"the job succeeded again (run {run.pk})" for pk in open_items}
    if reasons:
        close(schedule.client_id, reasons)
