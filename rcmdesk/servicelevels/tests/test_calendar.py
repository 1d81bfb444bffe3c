"""The pure business calendar: due days across weekends and holidays, and its inverse."""

from __future__ import annotations

from datetime import date

import pytest

from rcmdesk.calendar import BusinessCalendar

THANKSGIVING = date(2026, 11, 26)  # a Thursday
CAL = BusinessCalendar(holidays=frozenset({THANKSGIVING}))


def test_a_saturday_arrival_counts_from_the_next_monday() -> None:
    assert CAL.first_business_day(date(2026, 11, 21)) == date(2026, 11, 23)
    assert CAL.due_day(date(2026, 11, 21), 2) == date(2026, 11, 25)


def test_a_holiday_is_skipped_when_counting_forward() -> None:
    assert CAL.due_day(date(2026, 11, 24), 2) == date(2026, 11, 27)
    assert BusinessCalendar().due_day(date(2026, 11, 24), 2) == date(2026, 11, 26)


def test_an_arrival_on_a_holiday_counts_from_the_next_business_day() -> None:
    assert CAL.due_day(THANKSGIVING, 0) == date(2026, 11, 27)
    assert CAL.due_day(THANKSGIVING, 2) == date(2026, 12, 1)


def test_business_days_between_is_the_inverse_of_adding_them() -> None:
    start = date(2026, 11, 20)
    for n in range(0, 25):
        assert CAL.business_days_between(start, CAL.add_business_days(start, n)) == n


def test_business_days_between_counts_nothing_backwards() -> None:
    assert CAL.business_days_between(date(2026, 11, 27), date(2026, 11, 20)) == 0


def test_a_six_day_week_counts_saturdays() -> None:
    six = BusinessCalendar(weekdays=frozenset(range(6)))
    assert six.is_business_day(date(2026, 11, 21))
    assert six.due_day(date(2026, 11, 20), 1) == date(2026, 11, 21)


def test_a_calendar_without_working_weekdays_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one working weekday"):
        BusinessCalendar(weekdays=frozenset())
