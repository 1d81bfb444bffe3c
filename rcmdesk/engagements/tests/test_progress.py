"""A clean-up's burn-down and monthly support's usage equal a count by hand."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from rcmdesk.engagements import services
from rcmdesk.engagements.models import EngagementModel, MonthlyUnit
from rcmdesk.engagements.progress import burndown, monthly_usage
from rcmdesk.engagements.report import weekly_section
from rcmdesk.engagements.tests.support import make_plan
from rcmdesk.reports.weekly import Window
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkAction, WorkItem
from rcmdesk.workqueue.tests.factories import make_item

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), CHICAGO)


def close(item, instant):
    WorkItem.objects.filter(pk=item.pk).update(status=ItemStatus.DONE, closed_at=instant)


def test_the_burn_down_counts_frozen_items_still_open_at_each_of_the_clients_weeks(world):
    engagement = world.birch_engagement  # eligibility, Chicago
    today = world.birch.today()
    monday0 = today - timedelta(days=today.weekday() + 21)
    engagement.start_date = monday0 - timedelta(days=7)
    engagement.save()
    admin = world.birch_admin
    items = [make_item(world.birch, n, kind=ItemKind.ELIGIBILITY, amount=Decimal("10.00"),
                       created_at=at(monday0 - timedelta(days=3), 9)) for n in range(1, 5)]
    make_item(world.birch, 9, kind=ItemKind.DENIAL)  # not in scope
    make_plan(engagement, EngagementModel.BACKLOG_CLEANUP,
              target_date=monday0 + timedelta(days=34))
    plan = services.freeze_backlog(engagement, acting_user=admin, now=at(monday0, 10))
    assert (plan.frozen_count, plan.frozen_amount) == (4, Decimal("40.00"))
    make_item(world.birch, 5, kind=ItemKind.ELIGIBILITY,
              created_at=at(monday0, 11))  # arrives after the freeze
    close(items[0], at(monday0 + timedelta(days=6), 23, 30))  # Sunday night, Chicago
    close(items[1], at(monday0 + timedelta(days=7), 0, 30))  # Monday just after midnight
    close(items[2], at(monday0 + timedelta(days=16), 12))  # Wednesday of week 2

    progress = burndown(plan)
    assert progress is not None
    assert [p.remaining for p in progress.points] == [4, 3, 2, 1, 1, None]
    assert [p.ideal for p in progress.points] == [
        Decimal("4.0"), Decimal("3.3"), Decimal("2.5"), Decimal("1.6"), Decimal("0.8"),
        Decimal("0.0")]
    assert progress.remaining == 1
    assert progress.closed == 3
    assert 'role="img"' in progress.chart()
    assert "<style" not in progress.chart()

    week1 = Window.of(world.birch, progress.points[2].label)
    as_of_week1 = burndown(plan, now=week1.end)
    assert as_of_week1 is not None
    assert as_of_week1.remaining == 2
    section = weekly_section(world.birch, week1)
    assert section[0]["burndown"].remaining == 2


def touch(item, who, instant, kind=ActionKind.CALLED_PAYER):
    WorkAction.objects.create(item=item, actor=who, kind=kind, at=instant)


def test_monthly_items_worked_are_the_work_queues_count_in_the_scope(world):
    engagement = world.acme_engagement  # AR follow-up and denials
    specialist = world.user(Role.PARTNER_SPECIALIST)
    plan = make_plan(engagement, EngagementModel.MONTHLY_SUPPORT,
                     monthly_unit=MonthlyUnit.ITEMS, monthly_amount=Decimal("10"))
    now = timezone.now()
    zone = ZoneInfo(world.acme.time_zone)
    first = datetime.combine(world.acme.today().replace(day=1), time.min, zone)
    ar = make_item(world.acme, 1, kind=ItemKind.AR_FOLLOWUP)
    denial = make_item(world.acme, 2, kind=ItemKind.DENIAL)
    posting = make_item(world.acme, 3, kind=ItemKind.POSTING_EXCEPTION)
    recent = max(first, now - timedelta(minutes=30))
    touch(ar, specialist, recent)
    touch(ar, specialist, recent + timedelta(seconds=1))
    touch(denial, specialist, recent, ActionKind.NOTE)
    touch(posting, specialist, recent)  # out of scope
    touch(make_item(world.acme, 4, kind=ItemKind.DENIAL), None, recent)  # a producer's
    touch(make_item(world.acme, 5, kind=ItemKind.DENIAL), specialist,
          first - timedelta(hours=1))  # last month
    usage = monthly_usage(plan)
    assert usage is not None
    assert (usage.used, usage.left, usage.share) == (Decimal(2), Decimal(8), Decimal("20.0"))


def test_monthly_hours_are_the_capacity_planners_productive_hours_of_the_assigned_staff(world):
    engagement = world.acme_engagement
    specialist = world.user(Role.PARTNER_SPECIALIST)
    plan = make_plan(engagement, EngagementModel.MONTHLY_SUPPORT,
                     monthly_unit=MonthlyUnit.HOURS, monthly_amount=Decimal("40"))
    zone = ZoneInfo(world.acme.time_zone)
    first = datetime.combine(world.acme.today().replace(day=1), time.min, zone)
    start = max(first, timezone.now() - timedelta(minutes=40))
    ar = make_item(world.acme, 1, kind=ItemKind.AR_FOLLOWUP)
    for minutes in (0, 10, 20):  # 5 minutes to open the session, then 10 and 10
        touch(ar, specialist, start + timedelta(minutes=minutes))
    touch(ar, world.user(Role.CLIENT_STAFF), start)  # not the partner's staff
    usage = monthly_usage(plan)
    assert usage is not None
    assert usage.used == Decimal("0.4")  # 25 minutes
    assert usage.unit == "hours"
