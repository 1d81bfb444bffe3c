"""Variance at posting (placeholder interface file: helper C's version wins at merge)."""

from __future__ import annotations

from collections.abc import Iterable


def assess_remittances(client_id: int, remittance_ids: Iterable[int]) -> int:
    """Write ``LineVariance`` rows for the posted lines of these remittances (idempotent)
    and the underpayment / overpayment work items; returns variances written."""
    return 0
