"""/api/reports/kpis: the dashboard's numbers as JSON, with the page's access rules."""

from __future__ import annotations

import pytest

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
