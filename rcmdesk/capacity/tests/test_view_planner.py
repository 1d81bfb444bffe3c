"""/capacity/: per queue the numbers, the curve as table and SVG, and the what-if form."""

from __future__ import annotations

import pytest
from django.test import Client

from rcmdesk.conftest import World, sign_in
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_lead_sees_the_queue_and_its_curve(signed_in, world: World, worked_queue) -> None:
    response = signed_in(Role.PARTNER_LEAD).get("/capacity/?client=acme")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="queue-ar_followup"' in body
    assert body.count("<polyline") == 1
    assert body.count("<tr><td data-value=") >= 28  # a row a day for four weeks


def test_the_planner_speaks_to_a_manager_in_words(signed_in, world: World,
                                                  worked_queue) -> None:
    body = signed_in(Role.PARTNER_LEAD).get("/capacity/?client=acme").content.decode()
    assert "M/M/c" not in body
    assert "fluid model" not in body
    assert "docs/capacity.md" not in body
    assert "how many specialists it needs" in body
    assert "<h2>AR follow-up</h2>" in body
    assert '<table class="sortable compact" data-testid="curve-ar_followup">' in body


def test_the_what_if_adds_a_second_curve_and_column(signed_in, world: World,
                                                    worked_queue) -> None:
    response = signed_in(Role.CLIENT_MANAGER).get(
        "/capacity/?client=acme&add=2&workflow=ar_followup&from=2026-12-01")
    body = response.content.decode()
    assert body.count("<polyline") == 2
    assert "+2 specialist(s) from 2026-12-01" in body
    assert "What-if backlog" in body


def test_a_bad_date_says_so(signed_in, world: World, worked_queue) -> None:
    response = signed_in(Role.PARTNER_LEAD).get("/capacity/?client=acme&add=1&from=soon")
    assert response.status_code == 400
    assert b"not a date" in response.content


def test_specialists_are_refused_and_other_tenants_hidden(signed_in, world: World) -> None:
    assert signed_in(Role.PARTNER_SPECIALIST).get("/capacity/?client=acme").status_code == 403
    assert sign_in(Client(), world.birch_admin).get("/capacity/?client=acme").status_code == 404
