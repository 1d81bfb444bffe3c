"""The client's calendar: one instant is a different day in Los Angeles and in Kolkata."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rcmdesk import calendar

MONDAY_0100_UTC = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def test_one_instant_is_sunday_in_los_angeles_and_monday_in_kolkata() -> None:
    assert calendar.local_date(MONDAY_0100_UTC, "America/Los_Angeles") == date(2026, 11, 22)
    assert calendar.local_date(MONDAY_0100_UTC, "Asia/Kolkata") == date(2026, 11, 23)


def test_a_naive_instant_has_no_calendar_day() -> None:
    with pytest.raises(ValueError, match="naive"):
        calendar.local_date(datetime(2026, 11, 23, 1, 0), "Asia/Kolkata")


def test_a_day_starts_at_the_clients_midnight() -> None:
    start = calendar.day_start(date(2026, 11, 23), "Asia/Kolkata")
    assert start.astimezone(UTC) == datetime(2026, 11, 22, 18, 30, tzinfo=UTC)


def test_last_week_is_the_iso_week_before_today() -> None:
    assert calendar.last_week(date(2026, 11, 23)) == "2026-W47"
    assert calendar.last_week(date(2026, 11, 22)) == "2026-W46"
    assert calendar.previous_weeks("2026-W02", 3) == ["2025-W52", "2026-W01", "2026-W02"]


def test_business_days_skip_weekends_and_holidays() -> None:
    friday, thanksgiving = date(2026, 11, 20), date(2026, 11, 26)
    assert calendar.add_business_days(friday, 1) == date(2026, 11, 23)
    assert calendar.add_business_days(date(2026, 11, 25), 1, holidays={thanksgiving}) == \
        date(2026, 11, 27)
    assert calendar.add_business_days(friday, 0) == friday
    assert not calendar.is_business_day(thanksgiving, holidays={thanksgiving})
