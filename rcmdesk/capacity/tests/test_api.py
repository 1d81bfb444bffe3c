"""/api/capacity: forecast, staffing, what-if and productivity by role and tenant."""

from __future__ import annotations

import pytest

from rcmdesk.conftest import World
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_forecast_carries_the_curve_and_the_what_if(signed_in, world: World,
                                                        worked_queue) -> None:
    response = signed_in(Role.PARTNER_LEAD).get(
        "/api/capacity/forecast?client=acme&add=-1&start=2099-01-01")
    assert response.status_code == 200, response.content
    [queue] = response.json()
    assert queue["queue"] == "ar_followup"
    assert len(queue["forecast"]) == len(queue["what_if"]) == 28
    assert queue["backlog"] == worked_queue["open"]


def test_staffing_names_the_specialists_needed(signed_in, world: World, worked_queue) -> None:
    response = signed_in(Role.CLIENT_MANAGER).get("/api/capacity/staffing?client=acme")
    [row] = response.json()
    assert row["needed"] == max(row["for_sla"], row["to_clear_backlog"])


def test_productivity_per_specialist(signed_in, world: World, worked_queue) -> None:
    response = signed_in(Role.CLIENT_ADMIN).get("/api/capacity/productivity?client=acme&weeks=104")
    assert response.status_code == 200
    assert response.json()["by_specialist"][0]["workflow"] == "ar_followup"


def test_a_bad_date_is_400(signed_in, world: World) -> None:
    response = signed_in(Role.PARTNER_LEAD).get("/api/capacity/forecast?client=acme&add=1"
                                                "&start=tomorrow")
    assert response.status_code == 400


def test_a_specialist_gets_403_and_a_foreign_admin_404(signed_in, world: World,
                                                       worked_queue) -> None:
    url = "/api/capacity/forecast?client=acme"
    assert signed_in(Role.PARTNER_SPECIALIST).get(url).status_code == 403
    from django.test import Client

    from rcmdesk.conftest import sign_in

    assert sign_in(Client(), world.birch_admin).get(url).status_code == 404
    assert signed_in(Role.PARTNER_LEAD).get("/api/capacity/forecast?client=nope"
                                            ).status_code == 404
