"""The one definition of each work-queue count (``rcmdesk.workqueue.counts``)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from rcmdesk.conftest import World
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import counts
from rcmdesk.workqueue.counts import Tile, Worked
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkAction
from rcmdesk.workqueue.tests.factories import make_item


def test_open_items_are_every_status_but_done_as_the_viewer_sees_them(world: World) -> None:
    make_item(world.acme, 1, amount=Decimal("100.00"))
    make_item(world.acme, 2, kind=ItemKind.AR_FOLLOWUP, amount=Decimal("50.00"),
              status=ItemStatus.PENDING_PAYER)
    make_item(world.acme, 3, amount=Decimal("900.00"), status=ItemStatus.DONE)
    make_item(world.birch, 4, kind=ItemKind.ELIGIBILITY, amount=Decimal("7.00"))
    specialist = world.user(Role.PARTNER_SPECIALIST)
    assert counts.open_by_client(specialist) == {world.acme.pk: Tile(2, Decimal("150.00"))}
    assert counts.open_by_client(None)[world.birch.pk] == Tile(1, Decimal("7.00"))
    assert [(r["workflow"], r["count"], r["amount"])
            for r in counts.open_by_queue(specialist)] == [
        ("ar_followup", 1, Decimal("50.00")), ("denials", 1, Decimal("100.00"))]


def test_the_backlog_counts_items_opened_today_and_leaves_qa_work_out(world: World) -> None:
    make_item(world.acme, 1)
    make_item(world.acme, 2, created_at=timezone.now() - timedelta(days=3))
    make_item(world.acme, 3, kind=ItemKind.QA_AUDIT)  # a QA audit of an AR item
    manager = world.user(Role.CLIENT_MANAGER)
    assert counts.backlog(manager, world.acme.pk) == {"denials": 2}
    ages = counts.backlog_ages(manager, world.acme.pk, world.acme.today(),
                               world.acme.time_zone)
    assert sorted(ages["denials"]) == [0, 3]


def test_only_a_persons_touch_is_work_not_an_event_or_bookkeeping(world: World) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    worked, claimed_only = make_item(world.acme, 1), make_item(world.acme, 2)
    now = timezone.now()
    for item, actor, kind in (
            (worked, None, ActionKind.CREATED), (worked, None, ActionKind.UPDATED),
            (worked, specialist, ActionKind.CLAIMED), (worked, specialist, ActionKind.CALLED_PAYER),
            (worked, specialist, ActionKind.NOTE), (worked, None, ActionKind.NOTE),
            (claimed_only, None, ActionKind.CREATED),
            (claimed_only, specialist, ActionKind.CLAIMED)):
        WorkAction.objects.create(item=item, actor=actor, kind=kind, at=now)
    window = (now - timedelta(hours=1), now + timedelta(hours=1))
    assert counts.worked(specialist, world.acme.pk, *window) == {"denials": Worked(1, 2)}
    assert counts.worked(None, world.acme.pk, *window) == {"denials": Worked(1, 2)}
    assert counts.worked(specialist, world.acme.pk, now + timedelta(hours=1),
                         now + timedelta(hours=2)) == {}


def test_work_on_items_out_of_the_viewers_sight_is_not_counted_for_them(world: World) -> None:
    item = make_item(world.birch, 1, kind=ItemKind.ELIGIBILITY)
    now = timezone.now()
    WorkAction.objects.create(item=item, actor=world.birch_admin, kind=ActionKind.NOTE, at=now)
    window = (now - timedelta(hours=1), now + timedelta(hours=1))
    assert counts.worked(world.user(Role.PARTNER_SPECIALIST), world.birch.pk, *window) == {}
    assert counts.worked(world.birch_admin, world.birch.pk, *window) == {
        "eligibility": Worked(1, 1)}
