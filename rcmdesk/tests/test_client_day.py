"""Every day-counting rule follows the client's calendar, not the server's.

A server on UTC is already Monday at 16:01 on Sunday in Los Angeles and still Sunday at
00:01 on Monday in Kolkata. One minute either side of each client's midnight, the queue's
aging, SLA due dates and days to the timely-filing or appeal deadline, the follow-ups that
fall due, "last week" in a report and the QA week all turn over with the client's day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rcmdesk.calendar import week_of
from rcmdesk.conftest import World, sign_in
from rcmdesk.qa import services as qa
from rcmdesk.qa.tests.factories import plan
from rcmdesk.reports import queries as reports
from rcmdesk.tenancy.models import Engagement
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import services as work
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.producers.common import SLA
from rcmdesk.workqueue.producers.tasks import refresh_queues
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 1, 20)  # ISO week 2025-W04
MIDNIGHT = {  # the client's midnight opening MONDAY, as a UTC instant
    "America/Los_Angeles": datetime(2025, 1, 20, 8, 0, tzinfo=UTC),
    "Asia/Kolkata": datetime(2025, 1, 19, 18, 30, tzinfo=UTC),
}
MINUTE = timedelta(minutes=1)
SIDES = [pytest.param(zone, MIDNIGHT[zone] + side, day, id=f"{zone}-{name}")
         for zone in MIDNIGHT
         for name, side, day in (("before-midnight", -MINUTE, MONDAY - timedelta(days=1)),
                                 ("after-midnight", MINUTE, MONDAY))]


@pytest.fixture
def client_at(world: World, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Put Acme in ``zone`` and stop the server's clock at ``instant``."""
    def _at(zone: str, instant: datetime) -> None:
        world.acme.time_zone = zone
        world.acme.save(update_fields=["time_zone"])
        Engagement.objects.filter(client=world.acme).update(
            time_zone=zone, start_date=date(2024, 1, 1))
        world.acme_engagement.refresh_from_db()
        monkeypatch.setattr(timezone, "now", lambda: instant)
    return _at


def test_each_zone_has_one_side_where_the_server_is_on_another_day() -> None:
    """Otherwise the cases below could pass with the server's date."""
    assert [instant.date() != day for _, instant, day in (p.values for p in SIDES)] == [
        True, False, False, True]


@pytest.mark.parametrize(("zone", "instant", "day"), SIDES)
def test_the_clients_day_turns_over_at_its_own_midnight_not_the_servers(
        world: World, client_at: Any, zone: str, instant: datetime, day: date) -> None:
    client_at(zone, instant)
    assert world.acme.today() == day
    assert world.acme_engagement.today() == day


@pytest.mark.parametrize(("zone", "instant", "day"), SIDES)
def test_a_queue_refresh_ages_and_dates_items_by_the_clients_day(
        world: World, client_at: Any, zone: str, instant: datetime, day: date) -> None:
    client_at(zone, instant)
    make_claim(world.acme, "EDGE", service=MONDAY - timedelta(days=61))
    refresh_queues.call(world.acme.pk)
    item = WorkItem.objects.get(kind=ItemKind.AR_FOLLOWUP)
    assert item.aging_bucket == ("61-90" if day == MONDAY else "31-60")
    assert item.due_on == SLA[ItemKind.AR_FOLLOWUP].due_on(day)
    assert item.deadline == MONDAY - timedelta(days=61) + timedelta(days=90)  # timely filing


@pytest.mark.parametrize(("zone", "instant", "day"), SIDES)
def test_days_to_the_timely_filing_and_appeal_deadlines_count_from_the_clients_day(
        world: World, client_at: Any, zone: str, instant: datetime, day: date) -> None:
    api = sign_in(Client(), world.user(Role.PARTNER_SPECIALIST))
    client_at(zone, instant)
    deadline = MONDAY + timedelta(days=10)
    for n, kind in enumerate((ItemKind.AR_FOLLOWUP, ItemKind.DENIAL)):
        item = make_item(world.acme, n, kind=kind, deadline=deadline)
        body = api.get(f"/api/work/items/{item.pk}").json()
        assert body["days_to_deadline"] == (deadline - day).days


@pytest.mark.parametrize(("zone", "instant", "day"), SIDES)
def test_a_follow_up_falls_due_when_the_clients_day_reaches_it(
        world: World, client_at: Any, zone: str, instant: datetime, day: date) -> None:
    client_at(zone, instant)
    waiting = make_item(world.acme, kind=ItemKind.AR_FOLLOWUP, status=ItemStatus.PENDING_PAYER,
                        follow_up_on=MONDAY)
    due = work.claimable(world.user(Role.PARTNER_SPECIALIST)).filter(pk=waiting.pk).exists()
    assert due is (day == MONDAY)


@pytest.mark.parametrize(("zone", "instant", "day"), SIDES)
def test_last_week_in_the_reports_turns_over_at_the_clients_monday(
        world: World, client_at: Any, zone: str, instant: datetime, day: date) -> None:
    client_at(zone, instant)
    asked = reports.resolve(world.user(Role.CLIENT_MANAGER), client="acme")
    assert asked.week == ("2025-W03" if day == MONDAY else "2025-W02")


@pytest.mark.parametrize(("zone", "instant", "day"), SIDES)
def test_the_qa_week_holding_an_instant_is_the_clients_week(
        world: World, client_at: Any, zone: str, instant: datetime, day: date) -> None:
    client_at(zone, instant)
    start, end = qa.week_bounds(plan(world.acme_engagement), week_of(world.acme.today()))
    assert start <= instant < end
    assert week_of(world.acme.today()) == ("2025-W04" if day == MONDAY else "2025-W03")
