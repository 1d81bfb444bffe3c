"""This app's commands, mounted by ``rcmdesk.cli`` under its group."""

from __future__ import annotations

import importlib

import typer


def register(group: typer.Typer) -> None:
    """Add this app's commands to ``group``."""
    importlib.import_module("rcmdesk.reports.weekly_cli").register(group)


def register_root(app: typer.Typer) -> None:
    """Top-level commands (``rcmdesk kpi``)."""
    importlib.import_module("rcmdesk.reports.kpi_cli").register_root(app)
