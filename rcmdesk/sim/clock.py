"""Simulated time for the running simulator: a day passes in ``day_seconds`` real seconds.

Payers answer days after a claim; a demo user should not wait days. The clock runs from the
last simulated instant it reached (kept in ``clock.json``) or from the real now, whichever
is later, so a restart never sends simulated time backwards past answers already due.
Tests do not use it: they pass ``Clearinghouse`` their own clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from rcmdesk.sim.clearinghouse import utc_now
from rcmdesk.sim.store import read_json, write_json

CLOCK_FILE = "clock.json"
DAY = 86_400.0
# One simulated day per real minute: an 835 due two to six days out arrives in minutes.
DEFAULT_DAY_SECONDS = 60.0


class SimClock:
    """``start`` plus the real seconds since, scaled by ``DAY / day_seconds``."""

    def __init__(self, start: datetime, day_seconds: float = DEFAULT_DAY_SECONDS, *,
                 real: Callable[[], float] = time.monotonic) -> None:
        if day_seconds <= 0:
            raise ValueError("day_seconds must be positive")
        self.start = start
        self.day_seconds = day_seconds
        self._real = real
        self._origin = real()

    def __call__(self) -> datetime:
        elapsed = self._real() - self._origin
        return self.start + timedelta(seconds=elapsed * DAY / self.day_seconds)

    @classmethod
    def resume(cls, state_dir: Path, day_seconds: float = DEFAULT_DAY_SECONDS, *,
               now: Callable[[], datetime] = utc_now) -> SimClock:
        saved = read_json(Path(state_dir) / CLOCK_FILE, {}).get("now")
        start = now()
        if saved is not None:
            start = max(start, datetime.fromisoformat(saved))
        return cls(start, day_seconds)

    def save(self, state_dir: Path) -> None:
        write_json(Path(state_dir) / CLOCK_FILE, {"now": self().isoformat()})
