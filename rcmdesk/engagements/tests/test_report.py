"""The weekly report shows what each engagement's model asks: plan against use."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rcmdesk.calendar import week_of
from rcmdesk.engagements.models import EngagementModel, MonthlyUnit
from rcmdesk.engagements.tests.support import make_plan
from rcmdesk.reports.weekly import build, render_html

pytestmark = pytest.mark.django_db


def test_a_monthly_support_engagement_shows_its_month_against_the_plan(world):
    make_plan(world.acme_engagement, EngagementModel.MONTHLY_SUPPORT,
              monthly_unit=MonthlyUnit.ITEMS, monthly_amount=Decimal("120"))
    html = render_html(build(world.acme, week_of(world.acme.today())))
    assert "Engagements: against the plan" in html
    assert "0.0 of 120.0 items worked used" in html


def test_a_client_without_plans_has_no_engagement_section(world):
    html = render_html(build(world.acme, week_of(world.acme.today())))
    assert "Engagements: against the plan" not in html
