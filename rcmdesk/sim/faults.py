"""Faults on demand: what goes wrong next, switched on by a flag, a file or a call.

The switches live in ``<state_dir>/faults.json`` so another process (a test, the demo, a
person with an editor) can arm one while the simulator runs; every reader reads the file
afresh. One-shot faults count down as they fire ("the next N files"); the slow real-time
answer is a lasting setting that ``rcmdesk.sim.core_http`` reads.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from rcmdesk.sim.store import read_json, write_json

FAULTS_FILE = "faults.json"
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Faults:
    """What the simulator does wrong, and how often.

    ``drop_after_bytes``: the next upload or download to go past this many bytes is cut
    there (the connection aborted). ``duplicate_next``: the next N answer files are
    delivered twice (same bytes, a second name). ``late_999_next``: the next N 999s are
    due ``late_999_hours`` simulated hours late (the CORE rule is one hour).
    ``malformed_next``: the next N answer files are cut short, so no reader can accept
    them. ``slow_realtime_seconds``: every real-time answer waits this long first (a
    setting, never used up).
    """

    drop_after_bytes: int | None = None
    duplicate_next: int = 0
    late_999_next: int = 0
    late_999_hours: float = 3.0
    malformed_next: int = 0
    slow_realtime_seconds: float = 0.0

    @classmethod
    def load(cls, state_dir: Path) -> Faults:
        raw: dict[str, Any] = read_json(Path(state_dir) / FAULTS_FILE, {})
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def save(self, state_dir: Path) -> None:
        write_json(Path(state_dir) / FAULTS_FILE, asdict(self))


@contextmanager
def _locked(state_dir: Path) -> Iterator[None]:
    """One reader-writer at a time, across threads and processes (flock on a lock file)."""
    path = Path(state_dir) / ".faults.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK, path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def inject(state_dir: Path, **changes: Any) -> Faults:
    """Arm faults (``inject(d, duplicate_next=1)``), keeping the others as they are."""
    with _locked(state_dir):
        faults = replace(Faults.load(state_dir), **changes)
        faults.save(state_dir)
    return faults


def take_count(state_dir: Path, name: str) -> bool:
    """Use up one of a counted fault (``duplicate_next``...): True when it was armed."""
    with _locked(state_dir):
        faults = Faults.load(state_dir)
        left = getattr(faults, name)
        if left <= 0:
            return False
        replace(faults, **{name: left - 1}).save(state_dir)
        return True


def take_drop(state_dir: Path) -> int | None:
    """Disarm the drop fault: its byte budget, or None when it was not armed."""
    with _locked(state_dir):
        faults = Faults.load(state_dir)
        if faults.drop_after_bytes is None:
            return None
        replace(faults, drop_after_bytes=None).save(state_dir)
        return faults.drop_after_bytes


# ``--fault`` words of the command line, each with the field it arms and its default value.
FLAGS: dict[str, tuple[str, float]] = {
    "drop": ("drop_after_bytes", 1024),
    "duplicate": ("duplicate_next", 1),
    "late-999": ("late_999_next", 1),
    "malformed": ("malformed_next", 1),
    "slow": ("slow_realtime_seconds", 25.0),
}


def parse_flag(text: str) -> tuple[str, Any]:
    """``drop=4096``, ``duplicate``, ``slow=25``... as (field, value); ValueError if unknown."""
    word, _, value = text.partition("=")
    if word not in FLAGS:
        raise ValueError(f"unknown fault {word!r}; one of: {', '.join(FLAGS)}")
    name, default = FLAGS[word]
    number = float(value) if value else default
    return name, number if name == "slow_realtime_seconds" else int(number)
