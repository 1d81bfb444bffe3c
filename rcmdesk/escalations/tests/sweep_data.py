"""Birch's escalation for the isolation sweep (``tenancy/tests/test_isolation_sweep.py``)."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.escalations.tests.factories import birch_escalation


def birch_objects(world: World) -> dict[str, str]:
    return {"escalation_id": str(birch_escalation(world).pk)}
