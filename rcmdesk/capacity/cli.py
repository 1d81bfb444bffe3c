"""This app's commands, mounted by ``rcmdesk.cli`` under its group."""

from __future__ import annotations

import typer


def register(group: typer.Typer) -> None:
    """Add this app's commands to ``group`` (nothing yet)."""
