"""Expected allowed amounts per claim line (placeholder interface file: helper B's version
wins at merge; these signatures are the contract between helpers)."""

from __future__ import annotations

from collections.abc import Iterable

from rcmdesk.contracts.models import Contract


def price_claims(client_id: int, claim_ids: Iterable[int]) -> int:
    """Compute and store ``ExpectedLine`` rows for these claims; returns lines priced."""
    return 0


def recompute_open_claims(contract: Contract) -> int:
    """Reprice the open claims (not settled) of the contract's payer; returns lines written."""
    return 0
