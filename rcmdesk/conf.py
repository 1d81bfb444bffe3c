"""Environment helpers kept apart from settings so the CLI can use them before Django starts."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not a whole number") from exc


def var_dir() -> Path:
    """Where the database, keys and received files live; ``./var`` unless told otherwise."""
    path = Path(os.environ.get("RCMDESK_VAR_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_from_env_or_file(name: str, path: Path) -> str:
    """A secret from the environment, else from a file created once with owner-only access.

    Keeping the audit key outside the database is what makes the hash chain worth anything.
    """
    value = os.environ.get(name)
    if value:
        return value
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def is_loopback(host: str) -> bool:
    """This machine: where plain HTTP is allowed (``serve`` without TLS, the simulator)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
