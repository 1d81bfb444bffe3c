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
    assert "<td>authorization</td><td>1</td><td>$300.00</td>" in html  # top denial cause
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


def test_a_malformed_week_is_a_bad_request(world: World, signed_in: object) -> None:
    page = signed_in(Role.CLIENT_MANAGER).get("/reports/", {"client": "acme", "week": "47"})  # type: ignore[operator]
    assert page.status_code == 400
