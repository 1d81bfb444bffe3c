"""/reports/: the KPI dashboard for roles with VIEW_REPORTS, scoped to what the user sees."""

from __future__ import annotations

import pytest

from rcmdesk.conftest import World
from rcmdesk.reports.tests.kpi_world import WEEK, build
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, Role.CLIENT_ADMIN, Role.PARTNER_LEAD])
def test_reporting_roles_see_each_number_with_its_formula_and_benchmark(
        world: World, signed_in: object, role: Role) -> None:
    build(world)
    page = signed_in(role).get("/reports/", {"client": "acme", "week": WEEK})  # type: ignore[operator]
    assert page.status_code == 200
    html = page.content.decode()
    assert "150.0 days" in html  # days in A/R
    assert "net patient service revenue" in html
    assert "30-40 days" in html
    assert ('<td>Authorization</td><td data-value="1">1</td>'
            '<td data-value="300.00">$300.00</td>') in html  # top denial cause, in words
    assert "<th>W35</th>" in html  # the 13-week trend starts at 2026-W35


def test_a_payer_filter_changes_the_numbers(world: World, signed_in: object) -> None:
    kw = build(world)
    page = signed_in(Role.CLIENT_MANAGER).get(  # type: ignore[operator]
        "/reports/", {"client": "acme", "week": WEEK, "payer": kw.payer_a.pk})
    assert "50.0 days" in page.content.decode()


def test_a_specialist_may_not_open_the_dashboard(world: World, signed_in: object) -> None:
    page = signed_in(Role.PARTNER_SPECIALIST).get("/reports/")  # type: ignore[operator]
    assert page.status_code == 403


def test_a_client_out_of_sight_answers_404(world: World, signed_in: object) -> None:
    page = signed_in(Role.CLIENT_MANAGER).get("/reports/", {"client": "birch"})  # type: ignore[operator]
    assert page.status_code == 404


def test_a_partner_lead_sees_only_their_engagements_clients(world: World,
                                                           signed_in: object) -> None:
    """The lead is assigned to Acme's engagement only; Birch is another engagement."""
    lead = signed_in(Role.PARTNER_LEAD)  # type: ignore[operator]
    assert lead.get("/reports/", {"client": "birch"}).status_code == 404
    assert "Birch Valley" not in lead.get("/reports/").content.decode()


def test_a_mistyped_week_answers_a_message_on_the_page_not_a_bare_400(
        world: World, signed_in: object) -> None:
    page = signed_in(Role.CLIENT_MANAGER).get("/reports/", {"client": "acme", "week": "47"})  # type: ignore[operator]
    assert page.status_code == 400
    html = page.content.decode()
    assert 'data-testid="problem">“47” is not a week.' in html
    assert 'data-testid="week-picker"' in html  # the picker is there to try again
    assert "<title>KPIs · rcmdesk</title>" in html  # the site's page, not a bare error


def test_without_a_week_the_dashboard_opens_on_the_last_complete_week_with_data(
        world: World, signed_in: object) -> None:
    """The world's ledger and work are in 2026-W47; the weeks since are empty."""
    build(world)
    html = signed_in(Role.CLIENT_MANAGER).get("/reports/").content.decode()  # type: ignore[operator]
    assert f"({WEEK})" in html
    assert f'name="week" value="{WEEK}"' in html
    assert "150.0 days" in html


def test_the_charts_are_inline_svg_without_styles_the_csp_would_block(
        world: World, signed_in: object) -> None:
    build(world)
    html = signed_in(Role.CLIENT_MANAGER).get(  # type: ignore[operator]
        "/reports/", {"client": "acme", "week": WEEK}).content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 6  # 4 trends, aging, causes
    assert 'aria-label="Days in A/R (HFMA MAP)"' in html
    assert "style=" not in html
    assert "<style" not in html
