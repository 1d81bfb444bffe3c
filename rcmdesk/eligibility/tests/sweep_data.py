"""Birch rows for the isolation sweep (``rcmdesk.tenancy.tests.test_isolation_sweep``)."""

from __future__ import annotations

from typing import Any

from rcmdesk.eligibility.tests.builders import make_visit


def birch_objects(world: Any) -> dict[str, str]:
    visit = make_visit(world.birch, last="birch-secret-marker", member_id="BIRCHTRACE-M")
    return {"visit_id": str(visit.pk)}
