"""Service levels in the weekly report and on the KPI dashboard."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from rcmdesk.calendar import day_start, parse_week, week_of
from rcmdesk.conftest import World, sign_in
from rcmdesk.reports import weekly
from rcmdesk.servicelevels import queries
from rcmdesk.servicelevels.models import Kind
from rcmdesk.servicelevels.services import retire_target, set_target
from rcmdesk.servicelevels.tests.fixtures import act, item
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def _denials_target(world: World) -> None:
    set_target(world.acme_engagement, Kind.ACTED_ON, "denials", 0, Decimal("95"),
               acting_user=world.user(Role.CLIENT_ADMIN))


def test_the_weekly_report_shows_each_target_with_its_week_and_missed_count(
        world: World) -> None:
    _denials_target(world)
    """Two weeks ago (the engagement began 30 days ago), same-day service: one denial
    touched on its Monday, one never: 1 of 2, missed against 95%."""
    week = week_of(world.acme.today() - timedelta(days=14))
    monday = day_start(parse_week(week)[0], world.acme.time_zone)
    done = item(world.acme, 1, monday.replace(hour=9), kind="denial")
    act(done, world.user(Role.PARTNER_SPECIALIST), monday.replace(hour=10))
    item(world.acme, 2, monday.replace(hour=9), kind="denial")

    [row] = queries.weekly(world.acme, week)
    assert (row.latest.met, row.latest.total, row.latest.status) == (1, 2, "missed")
    html = weekly.render_html(weekly.build(world.acme, week))
    assert 'data-testid="service-levels"' in html
    assert "50.0% (1 of 2)" in html


def test_a_retired_target_leaves_the_weekly_report(world: World) -> None:
    _denials_target(world)
    level = world.acme_engagement.service_levels.get()
    retire_target(level, acting_user=world.user(Role.CLIENT_ADMIN))
    assert queries.weekly(world.acme, "2026-W48") == []


def test_the_dashboard_shows_the_attainment_panel_to_a_partner_lead(world: World) -> None:
    _denials_target(world)
    lead = sign_in(Client(), world.user(Role.PARTNER_LEAD))
    page = lead.get("/reports/?client=acme")
    assert page.status_code == 200
    assert b'data-testid="service-level-panel"' in page.content
