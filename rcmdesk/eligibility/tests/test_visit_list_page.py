"""The visits list: filtered by day range and status, with counts per status."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.eligibility.models import VisitStatus
from rcmdesk.eligibility.tests.builders import make_visit
from rcmdesk.tenancy.roles import Role


def test_the_list_filters_by_day_range_and_status_and_counts_each_status(
        world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    make_visit(world.acme, last="SOON", days_ahead=1)
    make_visit(world.acme, last="VERIFIEDONE", days_ahead=2, status=VisitStatus.VERIFIED)
    make_visit(world.acme, last="FARAWAY", days_ahead=40)
    make_visit(world.birch, last="BIRCHPERSON", days_ahead=1)
    today = world.acme.today()
    client = signed_in(Role.CLIENT_STAFF)
    page = client.get(reverse("eligibility:visits"), {
        "from": today.isoformat(), "to": (today + timedelta(days=7)).isoformat()})
    html = page.content.decode()
    assert page.status_code == 200
    assert "SOON" in html
    assert "VERIFIEDONE" in html
    assert "FARAWAY" not in html
    assert "BIRCHPERSON" not in html
    assert 'data-status="scheduled">scheduled: 1' in html
    assert 'data-status="verified">verified: 1' in html
    only = client.get(reverse("eligibility:visits"), {"status": "verified"}).content.decode()
    assert "VERIFIEDONE" in only
    assert "SOON" not in only


def test_the_list_needs_a_signed_in_user(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(reverse("eligibility:visits")).status_code == 302
