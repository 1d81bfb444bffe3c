"""Birch's prior-auth rows for the isolation sweep (``tenancy/tests/test_isolation_sweep.py``):
an authorization and a playbook requirement, with foreign markers where pages would show
them."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.priorauth.tests.factories import make_auth, make_patient, make_payer, require


def birch_objects(world: World) -> dict[str, str]:
    payer = make_payer(world.birch, "BIRCHPAYER")
    auth = make_auth(world.birch, make_patient(world.birch, "Birchpatient"), payer, ["72148"],
                     certification_number="BIRCHPCN-AUTH", note="birch-secret-marker")
    row = require(world.birch, "72148", payer)
    row.note = "birch-secret-marker"
    row.save(update_fields=["note"])
    return {"auth_id": str(auth.pk), "requirement_id": str(row.pk)}
