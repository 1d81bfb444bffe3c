"""Birch's service-level target and holiday, for the isolation sweep
(``tenancy/tests/test_isolation_sweep.py``): the holiday named with the foreign marker, so
no Acme person reaches either and no page of theirs shows it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rcmdesk.conftest import World
from rcmdesk.servicelevels.models import Kind
from rcmdesk.servicelevels.services import set_target
from rcmdesk.tenancy.calendars import add_holiday


def birch_objects(world: World) -> dict[str, str]:
    level = set_target(world.birch_engagement, Kind.ACTED_ON, "eligibility", 2,
                       Decimal("95"), acting_user=world.birch_admin)
    holiday = add_holiday(world.birch, date(2026, 12, 24), "birch-secret-marker closure",
                          acting_user=world.birch_admin)
    return {"target_id": str(level.pk), "holiday_id": str(holiday.pk)}
