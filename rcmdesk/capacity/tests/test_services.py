"""Loading history from the work queue, and productivity, against the worked queue."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.capacity import services
from rcmdesk.capacity.tests.conftest import TODAY
from rcmdesk.conftest import World
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_history_counts_arrivals_backlog_and_handle_time(world: World, worked_queue) -> None:
    [history] = services.histories(world.user(Role.PARTNER_LEAD), world.acme, TODAY)
    assert history.key == "ar_followup"
    assert sum(n for _, n in history.daily_arrivals) == worked_queue["items"]
    assert len(history.backlog_ages) == worked_queue["open"]
    assert max(history.backlog_ages) <= services.HISTORY_DAYS
    # first action of a session is credited 5 minutes, the close 20 more after it
    first, *rest = history.handle_hours
    assert first == pytest.approx(25 / 60)
    assert all(h == pytest.approx(40 / 60) for h in rest if h != pytest.approx(25 / 60))
    assert history.specialists == 1


def test_the_plan_sees_the_weekday_pattern_and_the_growing_backlog(world: World,
                                                                   worked_queue) -> None:
    [plan] = services.plans(world.user(Role.CLIENT_MANAGER), world.acme, today=TODAY)
    assert plan.arrivals.dow[5] == 0
    assert plan.arrivals.level == pytest.approx(4 * 5 / 7, rel=0.05)
    assert plan.backlog_now == worked_queue["open"]
    assert plan.answer.needed >= 1


def test_productivity_is_items_per_productive_hour(world: World, worked_queue) -> None:
    result = services.productivity(world.user(Role.PARTNER_LEAD), world.acme, today=TODAY)
    [row] = result.rows
    assert row.specialist == "pillar.specialist"
    assert row.closed == worked_queue["items"] - worked_queue["open"]
    # a day: 5 opening minutes + five 20-minute gaps = 105 minutes for three items
    assert row.items_per_hour == pytest.approx(3 / (105 / 60), abs=0.01)
    assert result.handle["ar_followup"].p50 == pytest.approx(40 / 60)
    assert {w["workflow"] for w in result.weekly} == {"ar_followup"}


def test_a_specialist_may_not_plan_capacity(world: World, worked_queue) -> None:
    with pytest.raises(PermissionDenied):
        services.plans(world.user(Role.PARTNER_SPECIALIST), world.acme)


def test_another_client_is_out_of_sight(world: World, worked_queue) -> None:
    with pytest.raises(Http404):
        services.productivity(world.birch_admin, world.acme)


def test_items_opened_today_are_in_todays_backlog(world: World) -> None:
    """The planner's backlog is the workbench's open items: today's arrivals included."""
    from rcmdesk.workqueue.models import ItemKind
    from rcmdesk.workqueue.tests.factories import make_item

    make_item(world.acme, 1, kind=ItemKind.AR_FOLLOWUP)
    make_item(world.acme, 2, kind=ItemKind.QA_AUDIT)  # QA's own work: no queue's backlog
    [plan] = services.plans(world.user(Role.CLIENT_MANAGER), world.acme)
    assert (plan.key, plan.backlog_now) == ("ar_followup", 1)
