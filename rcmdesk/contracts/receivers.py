"""Receivers (placeholder interface file: the variance owner's version wins at merge)."""

from __future__ import annotations

from typing import Any


def on_file_applied(sender: Any, received: Any, **kwargs: Any) -> None:
    """Find the variances and recoupments of a committed file's 835s (not yet written)."""
