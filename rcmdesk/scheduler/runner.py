"""The scheduler's loop inside ``rcmdesk worker``: a thread beside the task worker.

Every ``RCMDESK_SCHEDULER_TICK`` seconds (15) it runs what is due (``services.run_due``) at
the wall clock's now. A tick's failure is logged and the next tick tries again; each job's
own failure is already recorded as its run. Stopping sets an event: the loop ends after the
job it is running (the worker waits a while for it, see ``stop``).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone

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


def run(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            once()
        except Exception:
            logger.exception("the scheduler's tick failed; trying again in %.0f s", tick())
        finally:
            connection.close()
        if stop.wait(tick()):
            return


class Runner:
    """The thread and its stop switch."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.thread = threading.Thread(target=run, args=(self.event,), name="rcmdesk-scheduler",
                                       daemon=True)

    def stop(self, grace: float = 30.0) -> None:
        """Ask the loop to end and wait up to ``grace`` seconds for the job it is running; a
        job still running after that is cut off with the process (its run is closed as
        failed when the schedule is next claimed)."""
        self.event.set()
        self.thread.join(grace)


def start() -> Runner | None:
    """Start the loop in this process (None when RCMDESK_SCHEDULER is off)."""
    if not enabled():
        logger.info("the scheduler is off (RCMDESK_SCHEDULER=off)")
        return None
    runner = Runner()
    runner.thread.start()
    return runner
