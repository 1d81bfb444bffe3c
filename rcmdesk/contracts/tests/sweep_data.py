"""Birch's contract, with a version and a reference schedule, for the isolation sweep
(``tenancy/tests/test_isolation_sweep.py``): named with the foreign marker, so no Acme person
reaches any of them."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.contracts.references import load_reference
from rcmdesk.contracts.tests.factories import contract, payer


def birch_objects(world: World) -> dict[str, str]:
    schedule = load_reference(world.birch, name="birch-secret-marker PFS", year=2026,
                              text="HCPCS,MOD,NON-FACILITY PRICE,FACILITY PRICE\n"
                                   "99213,,$92.03,$65.11\n", acting_user=None)
    made = contract(world.birch, {"99213": "100.00"},
                    of=payer(world.birch, "P-BIRCH-1", "birch-secret-marker Health Plan"),
                    reference=schedule)
    made.name = "birch-secret-marker contract"
    made.save(update_fields=["name"])
    return {"contract_id": str(made.pk), "version_number": "1"}
