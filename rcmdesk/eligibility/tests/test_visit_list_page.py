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
    assert 'data-status="scheduled">Scheduled: 1' in html
    assert 'data-status="verified">Verified: 1' in html
    only = client.get(reverse("eligibility:visits"), {"status": "verified"}).content.decode()
    assert "VERIFIEDONE" in only
    assert "SOON" not in only


def test_the_list_needs_a_signed_in_user(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(reverse("eligibility:visits")).status_code == 302


def test_the_visit_list_hides_new_visit_from_a_user_without_the_eligibility_workflow(
        world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """The specialist's engagement is AR follow-up and denials only: "New visit" would 403."""
    specialist = signed_in(Role.PARTNER_SPECIALIST)
    html = specialist.get(reverse("eligibility:visits")).content.decode()
    assert 'data-testid="new-visit"' not in html
    assert specialist.get(reverse("eligibility:new")).status_code == 403
    staff = signed_in(Role.CLIENT_STAFF)
    assert 'data-testid="new-visit"' in staff.get(reverse("eligibility:visits")).content.decode()


def test_the_visit_list_finds_a_patient_by_name_and_shows_days_as_the_office_writes_them(
        world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    visit = make_visit(world.acme, last="SOUGHT", days_ahead=1)
    make_visit(world.acme, last="OTHERONE", days_ahead=1)
    html = signed_in(Role.CLIENT_STAFF).get(reverse("eligibility:visits"),
                                            {"q": "sought"}).content.decode()
    assert "SOUGHT" in html
    assert "OTHERONE" not in html
    assert visit.scheduled_on.strftime("%m/%d/%Y") in html
