"""Recoupments traced to claim lines (placeholder interface file: helper C's version wins)."""

from __future__ import annotations

from collections.abc import Iterable


def trace_remittances(client_id: int, remittance_ids: Iterable[int]) -> int:
    """Write ``Recoupment`` rows for the PLB takebacks and reversals of these remittances
    (idempotent) and the recoupment work items; returns recoupments written."""
    return 0
