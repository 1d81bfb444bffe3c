"""A week of Acme work for the report tests: items closed, touched and left open."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from rcmdesk.conftest import World
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkAction
from rcmdesk.workqueue.tests.factories import make_item

WEEK = "2026-W45"  # Monday 2 Nov 2026
IN_WEEK = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)


def acme_week(world: World) -> None:
    """Three denials a specialist closed (their notes are touches), and the event that
    opened an AR item (an event: not a touch)."""
    specialist = world.user(Role.PARTNER_SPECIALIST)
    for n, (reason, amount) in enumerate([("paid after appeal", "120.00"),
                                          ("paid after appeal", "80.00"),
                                          ("written off", "45.50")], start=1):
        item = make_item(world.acme, n, kind=ItemKind.DENIAL, category="authorization",
                         amount=Decimal(amount), status=ItemStatus.DONE, created_at=IN_WEEK,
                         closed_at=IN_WEEK, close_reason=reason)
        WorkAction.objects.create(item=item, actor=specialist, kind="note", at=IN_WEEK,
                                  to_status="done")
    opened = make_item(world.acme, 9, kind=ItemKind.AR_FOLLOWUP, amount=Decimal("300.00"),
                       created_at=IN_WEEK)
    WorkAction.objects.create(item=opened, kind="created", at=IN_WEEK, to_status="open")
