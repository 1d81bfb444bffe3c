"""Headless Chromium opens the KPI dashboard and the weekly report as a client manager: the
inline SVG charts load under the strict CSP with no console error, and nothing overflows the
page sideways at 1280 px."""

from __future__ import annotations

from typing import Any

from rcmdesk.reports import weekly
from rcmdesk.reports.tests.kpi_world import WEEK, build
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    BROWSER_TEST,
    _sign_in,
    http_cookies,
    page,
)

pytestmark = BROWSER_TEST


def _overflows(page: Any) -> bool:  # noqa: F811
    return bool(page.evaluate("document.documentElement.scrollWidth > innerWidth"))


def test_the_dashboard_and_the_weekly_report_draw_their_charts_without_a_csp_error(
        page: Any, world: Any) -> None:  # noqa: F811
    build(world)
    report, _ = weekly.generate(world.acme, WEEK)
    _sign_in(page, world, Role.CLIENT_MANAGER)

    page.goto("/reports/")
    assert page.get_by_test_id("week-shown").inner_text().endswith(f"({WEEK}) · Weekly reports")
    assert page.locator("svg.chart").count() == 6
    assert not _overflows(page)

    page.goto(f"/reports/weekly/{report.pk}/")
    assert page.get_by_test_id("tiles").locator("li").count() == 8
    assert page.locator("svg.chart").count() >= 3
    assert not _overflows(page)
    assert page.csp_errors == []  # type: ignore[attr-defined]
