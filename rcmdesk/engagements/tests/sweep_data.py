"""Birch's engagement plan, a ticked item and a go-live for the isolation sweep
(``tenancy/tests/test_isolation_sweep.py``): the routes take Birch's ``engagement_id``,
which the sweep already names; ``key`` is a manual checklist item the tick route takes."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.engagements.models import EngagementModel, ManualCheck, WorkflowGoLive
from rcmdesk.engagements.tests.support import make_plan, write_sop


def birch_objects(world: World) -> dict[str, str]:
    engagement = world.birch_engagement
    make_plan(engagement, EngagementModel.MANAGED_POD, pod_specialists=1)
    write_sop(world.birch, "eligibility", author=world.birch_admin)
    ManualCheck.objects.create(engagement=engagement, key="kickoff", ticked_by=world.birch_admin)
    WorkflowGoLive.objects.create(engagement=engagement, workflow="eligibility",
                                  day=engagement.start_date, recorded_by=world.birch_admin)
    return {"key": "kickoff"}
