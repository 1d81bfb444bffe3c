"""A pass repeated in a daemon thread beside the task worker: the recovery sweep and the
scheduler's tick are both one.

Each pass runs on the thread's own database connection, closed after the pass (nothing else
closes a background thread's connection, and a long-lived one would outlive a database
restart); a pass's failure is logged and the next pass tries again. Stopping sets an event:
the loop ends after the pass it is running. It lives with the database plumbing because
that connection handling is what the loops share; what each pass does stays in its app.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Self

from django.db import connection


class Loop:
    """``step`` every ``interval()`` seconds (asked after each pass, so a setting changed in
    a test or at run time is honoured) in a daemon thread named ``name``."""

    def __init__(self, name: str, step: Callable[[], object], interval: Callable[[], float],
                 *, failure: str, logger: logging.Logger) -> None:
        self.name, self.step, self.interval = name, step, interval
        self.failure, self.logger = failure, logger  # "the recovery sweep", its module's log
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def run(self) -> None:
        """The loop itself, in the calling thread, until ``stop``."""
        while not self.stopping.is_set():
            try:
                self.step()
            except Exception:
                self.logger.exception("%s failed; trying again in %.0f s", self.failure,
                                      self.interval())
            finally:
                connection.close()
            if self.stopping.wait(self.interval()):
                return

    def start(self) -> Self:
        self.thread = threading.Thread(target=self.run, name=self.name, daemon=True)
        self.thread.start()
        return self

    def stop(self, grace: float = 30.0) -> None:
        """Ask the loop to end and wait up to ``grace`` seconds for the pass it is running;
        a pass still running after that is cut off with the process."""
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(grace)
