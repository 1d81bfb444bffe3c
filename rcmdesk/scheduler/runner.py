"""The scheduler's loop inside ``rcmdesk worker``: a thread beside the task worker.

Every ``RCMDESK_SCHEDULER_TICK`` seconds (15) it runs what is due (``services.run_due``) at
the wall clock's now. A tick's failure is logged and the next tick tries again; each job's
own failure is already recorded as its run. Stopping ends the loop after the job it is
running (the worker waits up to 30 s for it; a job still running after that is cut off with
the process, and its run is closed as failed when the schedule is next claimed). The thread
and its stop switch are ``rcmdesk.db.loop.Loop``, shared with intake's recovery sweep.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone

from rcmdesk.db.loop import Loop
from rcmdesk.scheduler import services

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(getattr(settings, "RCMDESK_SCHEDULER", True))


def tick() -> float:
    return float(getattr(settings, "RCMDESK_SCHEDULER_TICK", 15))


def once() -> int:
    """One look: the schedules of every job and client made, then what is due run."""
    services.ensure_schedules()
    return len(services.run_due(timezone.now()))


def start() -> Loop | None:
    """Start the loop in this process (None when RCMDESK_SCHEDULER is off)."""
    if not enabled():
        logger.info("the scheduler is off (RCMDESK_SCHEDULER=off)")
        return None
    return Loop("rcmdesk-scheduler", once, tick, failure="the scheduler's tick",
                logger=logger).start()
