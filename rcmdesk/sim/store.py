"""Small files of the simulator's state, written so that no reader ever sees half of one.

Everything the simulator must keep across a restart (users, faults, pending answers, its
clock) is a JSON file under the state directory, replaced in one ``os.replace``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def write_private(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically with an owner-only file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(partial, path)


def write_json(path: Path, value: Any) -> None:
    write_private(path, (json.dumps(value, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def read_json(path: Path, default: Any) -> Any:
    """The value in ``path``, or ``default`` when there is no such file yet."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
