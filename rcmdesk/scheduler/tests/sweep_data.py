"""Birch's schedules for the isolation sweep (``tenancy/tests/test_isolation_sweep.py``):
no Acme person, and no partner outside Birch's engagement, reaches one of them."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.scheduler import services
from rcmdesk.scheduler.models import Schedule


def birch_objects(world: World) -> dict[str, str]:
    services.ensure_schedules()
    schedule = Schedule.objects.filter(client=world.birch, job="weekly_report").get()
    return {"schedule_id": str(schedule.pk)}
