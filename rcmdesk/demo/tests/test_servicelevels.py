"""The demo's service levels and its computed US holidays."""

from datetime import date

import pytest

from rcmdesk.demo.servicelevels import build_service_levels, us_holidays
from rcmdesk.demo.services import build_demo
from rcmdesk.servicelevels.models import ServiceLevel
from rcmdesk.tenancy.models import Holiday


def test_the_computed_holidays_fall_on_the_days_a_us_office_keeps() -> None:
    days = dict((name, day) for day, name in us_holidays(2026))
    assert days["Thanksgiving Day"] == date(2026, 11, 26)
    assert days["Independence Day"] == date(2026, 7, 3)  # the 4th is a Saturday
    assert days["Memorial Day"] == date(2026, 5, 25)
    assert days["Martin Luther King Jr. Day"] == date(2026, 1, 19)
    assert dict((n, d) for d, n in us_holidays(2027))["Christmas Day"] == date(2027, 12, 24)
    assert all(day.weekday() < 5 for year in (2025, 2026, 2027) for day, _ in us_holidays(year))


@pytest.mark.django_db
def test_acme_opens_with_athenahealth_like_targets_and_every_client_with_holidays() -> None:
    build_demo()
    first = build_service_levels()
    second = build_service_levels()
    assert first == second
    assert first.targets == 4
    assert set(ServiceLevel.objects.values_list("engagement__client__slug", flat=True)) == {
        "acme"}
    assert Holiday.objects.filter(client__slug="birch").count() == 27
