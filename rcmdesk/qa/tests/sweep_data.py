"""Birch's QA rows for the isolation sweep (``tenancy/tests/test_isolation_sweep.py``): a plan
and an audit of an item whose title carries the foreign marker."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.qa.tests.factories import birch_audit


def birch_objects(world: World) -> dict[str, str]:
    audit = birch_audit(world, title="birch-secret-marker follow-up")
    return {"audit_id": str(audit.pk), "plan_id": str(audit.draw.plan_id)}
