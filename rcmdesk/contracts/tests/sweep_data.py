"""Birch's contract for the isolation sweep (``tenancy/tests/test_isolation_sweep.py``),
named with the foreign marker, so no Acme person reaches it (helper A's fuller version, with
a reference schedule and a version page, replaces this one at merge)."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.contracts.tests.factories import contract, payer


def birch_objects(world: World) -> dict[str, str]:
    made = contract(world.birch, {"99213": "100.00"},
                    of=payer(world.birch, "P-BIRCH-1", "birch-secret-marker Health Plan"))
    made.name = "birch-secret-marker contract"
    made.save(update_fields=["name"])
    return {"contract_id": str(made.pk)}
