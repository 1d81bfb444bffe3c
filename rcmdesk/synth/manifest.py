"""The run summary: counts and money per payer, small whatever the number of claims."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")


@dataclass(slots=True)
class PayerTotals:
    """Money one payer moved in the run; ``payments`` is the sum of BPR02."""

    remittances: int = 0
    claim_payments: int = 0
    billed: Decimal = ZERO
    paid: Decimal = ZERO
    patient_responsibility: Decimal = ZERO
    provider_adjustments: Decimal = ZERO
    payments: Decimal = ZERO


@dataclass(slots=True)
class Manifest:
    """What a run wrote; also written as ``manifest.json`` (amounts as strings)."""

    seed: int
    claims: int
    anchor: str
    files: dict[str, int] = field(default_factory=dict)
    claim_kinds: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    overlays: dict[str, int] = field(default_factory=dict)
    provider_adjustments: dict[str, int] = field(default_factory=dict)
    payers: dict[str, PayerTotals] = field(default_factory=dict)
    # Contract mode only (left out of the JSON otherwise): payers with a contract and the
    # seeded underpaid lines and recoupments, by kind.
    contracts: dict[str, int] = field(default_factory=dict)

    def count(self, table: dict[str, int], key: str, n: int = 1) -> None:
        table[key] = table.get(key, 0) + n

    def to_json(self) -> str:
        """Deterministic JSON (sorted keys; Decimal as plain strings, never floats)."""
        data = asdict(self)
        if not self.contracts:
            del data["contracts"]
        return json.dumps(data, default=_plain, indent=2, sort_keys=True) + "\n"


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
