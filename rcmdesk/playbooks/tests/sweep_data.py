"""Birch's SOP for the isolation sweep (``tenancy/tests/test_isolation_sweep.py``), with a
foreign marker in its title and body where the pages would show them."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.playbooks.tests.factories import make_sop


def birch_objects(world: World) -> dict[str, str]:
    doc = make_sop(world, "birch-secret-marker SOP", client=world.birch, workflow="eligibility",
                   body="birch-secret-marker: how Birch checks eligibility")
    return {"sop_id": str(doc.pk)}
