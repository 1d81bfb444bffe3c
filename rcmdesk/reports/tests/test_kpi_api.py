"""/api/reports/kpis: the dashboard's numbers as JSON, with the page's access rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection

from rcmdesk.claims.models import Payer
from rcmdesk.conftest import World
from rcmdesk.reports.tests.kpi_world import WEEK, build
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_api_returns_the_same_numbers_with_decimals_as_strings(
        world: World, signed_in: object) -> None:
    build(world)
    response = signed_in(Role.CLIENT_MANAGER).get(  # type: ignore[operator]
        "/api/reports/kpis", {"client": "acme", "week": WEEK})
    assert response.status_code == 200, response.content
    body = response.json()
    by_key = {k["key"]: k for k in body["kpis"]}
    assert by_key["days_in_ar"]["value"] == "150.0"
    assert by_key["net_collection_rate"]["value"] == "70.6"
    assert by_key["days_in_ar"]["benchmark"] == "30-40 days"
    assert body["trend"]["clean_claim_rate"][-1] == [WEEK, "90.0"]
    assert body["aging"][-1] == {"bucket": "120+", "dollars": "300.00", "percent": "66.7"}
    assert body["denial_causes"][0] == {"category": "authorization", "items": 1,
                                        "dollars": "300.00"}


def test_filters_narrow_the_api_numbers(world: World, signed_in: object) -> None:
    kw = build(world)
    response = signed_in(Role.PARTNER_LEAD).get(  # type: ignore[operator]
        "/api/reports/kpis", {"client": "acme", "week": WEEK, "payer": kw.payer_a.pk,
                              "workflow": "denials"})
    by_key = {k["key"]: k["value"] for k in response.json()["kpis"]}
    assert by_key["days_in_ar"] == "50.0"
    assert by_key["items_worked"] == "0"  # payer A's claims have no denials work


def test_another_clients_numbers_answer_404_and_a_specialist_403(
        world: World, signed_in: object) -> None:
    manager = signed_in(Role.CLIENT_MANAGER)  # type: ignore[operator]
    assert manager.get("/api/reports/kpis", {"client": "birch"}).status_code == 404
    specialist = signed_in(Role.PARTNER_SPECIALIST)  # type: ignore[operator]
    assert specialist.get("/api/reports/kpis", {"client": "acme"}).status_code == 403


def test_a_malformed_week_is_a_400(world: World, signed_in: object) -> None:
    response = signed_in(Role.CLIENT_MANAGER).get(  # type: ignore[operator]
        "/api/reports/kpis", {"client": "acme", "week": "week 47"})
    assert response.status_code == 400


def test_payer_and_provider_are_documented_as_the_ids_the_route_takes(
        world: World, signed_in: object) -> None:
    """They were documented as text, but anything not a number was refused."""
    api = signed_in(Role.CLIENT_MANAGER)  # type: ignore[operator]
    route = api.get("/api/openapi.json").json()["paths"]["/api/reports/kpis"]["get"]
    params = {p["name"]: p["schema"] for p in route["parameters"]}
    for name in ("payer", "provider"):
        number = params[name]["anyOf"][0]
        assert (number["type"], number["minimum"]) == ("integer", 1)


def test_a_payer_that_is_not_an_id_is_a_422_naming_the_parameter(
        world: World, signed_in: object) -> None:
    response = signed_in(Role.CLIENT_MANAGER).get(  # type: ignore[operator]
        "/api/reports/kpis", {"client": "acme", "payer": "Aetna"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("The request was not accepted: payer (query)")


# A warm request (closed weeks read from the weekly roll-up): the session and user, the
# client, the week's visibility, the roll-up's pending changes and kept rows, the open-week
# pieces (denial causes, outcomes, days to pay) and the audit of the read.
KPI_API_QUERY_BUDGET = 30


def _more_history(kw: Any, world: World) -> None:
    """Postings spread over a year for acme and a second client's ledger (birch)."""
    from rcmdesk.reports.tests.kpi_world import _claim, _journal, at

    for month in range(1, 11):
        claim = _claim(kw.client, kw.payer_a, f"H{month}", "80.00", date(2026, month, 3),
                       at(month, 4))
        _journal(claim, "charge", at(month, 5), None, ("insurance_ar", "80.00"),
                 ("revenue", "-80.00"))
    payer = Payer.objects.create(client=world.birch, payer_id="BB", name="Birch payer",
                                 kind="commercial")
    other = _claim(world.birch, payer, "B1", "90.00", date(2026, 11, 2), at(11, 3))
    _journal(other, "charge", at(11, 17), None, ("insurance_ar", "90.00"),
             ("revenue", "-90.00"))


def _counted(api: Any, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """The request's queries, counted at the cursor (the test client resets the debug log
    when a request starts, so CaptureQueriesContext undercounts a second request)."""
    seen: list[str] = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        seen.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        body = api.get("/api/reports/kpis", query).json()
    return len(seen), body


def test_the_kpi_api_query_count_does_not_grow_with_weeks_of_history_or_clients(
        world: World, signed_in: object) -> None:
    kw = build(world)
    api = signed_in(Role.CLIENT_MANAGER)  # type: ignore[operator]
    query = {"client": "acme", "week": WEEK}
    assert api.get("/api/reports/kpis", query).status_code == 200  # builds the roll-up
    small, first = _counted(api, query)
    _more_history(kw, world)
    assert api.get("/api/reports/kpis", query).status_code == 200  # the back-dated rows
    large, again = _counted(api, query)
    assert again["kpis"] != first["kpis"]  # the back-dated charges moved A/R: recomputed
    assert large <= small <= KPI_API_QUERY_BUDGET
