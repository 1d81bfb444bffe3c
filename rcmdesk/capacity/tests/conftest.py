"""A worked queue for Acme: eight weeks of AR items, a specialist's actions, an open backlog.

Every weekday four AR items arrive; the specialist works and closes three of them the same
morning in 20-minute steps (touch, close), so each closed item took 40 minutes of handle
time and the fourth joins the backlog."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from rcmdesk.conftest import World
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ActionKind, ItemStatus, WorkAction, WorkItem

TODAY = date(2026, 11, 23)  # a Monday
WEEKS = 8


@pytest.fixture
def worked_queue(world: World) -> dict[str, int]:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    zone = ZoneInfo(world.acme.time_zone)
    n = 0
    open_items = 0
    for offset in range(WEEKS * 7, 0, -1):
        day = TODAY - timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        clock = datetime.combine(day, time(8), zone)
        for k in range(4):
            n += 1
            done = k < 3
            item = WorkItem.objects.create(
                client=world.acme, workflow="ar_followup", kind="ar_followup",
                source_key=f"cap-{n}", title=f"AR {n}", created_at=clock,
                status=ItemStatus.DONE if done else ItemStatus.OPEN,
                closed_at=clock + timedelta(hours=1) if done else None)
            if not done:
                open_items += 1
                continue
            start = datetime.combine(day, time(9), zone) + timedelta(minutes=40 * k)
            WorkAction.objects.create(item=item, actor=specialist,
                                      kind=ActionKind.CALLED_PAYER, at=start)
            WorkAction.objects.create(item=item, actor=specialist, kind=ActionKind.CLOSED,
                                      at=start + timedelta(minutes=20))
    return {"items": n, "open": open_items}
