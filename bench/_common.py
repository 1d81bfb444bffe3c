"""What the database benchmarks share: Django on a throwaway var dir, and the load average
printed beside every timing (timings are noisy on a shared machine)."""

from __future__ import annotations

import os
from pathlib import Path


def setup_django(tmp: Path) -> str:
    """Django on a throwaway var dir (and SQLite file), migrated; returns the vendor.
    DATABASE_URL, when set (``scripts/with-postgres``), wins."""
    os.environ["RCMDESK_VAR_DIR"] = str(tmp / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rcmdesk.settings")
    os.environ.setdefault("RCMDESK_HTTPS", "false")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    return connection.vendor


def loadavg_figures() -> list[str]:
    """The machine's 1, 5 and 15-minute load averages."""
    try:
        return Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        return ["?"]
