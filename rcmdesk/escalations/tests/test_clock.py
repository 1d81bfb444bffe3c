"""Business-hour clocks, hand-worked across time zones, weekends, DST weeks and holidays,
plus properties that must hold for any start and any number of hours.

2026 dates used: US clocks spring forward on Sunday 8 March and fall back on Sunday
1 November; India keeps UTC+05:30 all year; Thanksgiving is Thursday 26 November.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rcmdesk.escalations.clock import BusinessHours, ClockError

NEW_YORK = BusinessHours("America/New_York")
LOS_ANGELES = BusinessHours("America/Los_Angeles")
KOLKATA = BusinessHours("Asia/Kolkata")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_a_friday_afternoon_start_runs_on_into_monday_after_the_spring_forward() -> None:
    # Fri 6 Mar 15:00 EST: two hours that day, six on Monday 9 Mar, now EDT (UTC-4).
    assert NEW_YORK.add(utc(2026, 3, 6, 20), 8) == utc(2026, 3, 9, 19)


def test_the_fall_back_weekend_does_not_lengthen_or_shorten_the_working_day() -> None:
    # Fri 30 Oct 16:00 EDT: one hour; Mon 2 Nov, now EST (UTC-5), three more: 12:00 EST.
    assert NEW_YORK.add(utc(2026, 10, 30, 20), 4) == utc(2026, 11, 2, 17)
    assert NEW_YORK.elapsed(utc(2026, 10, 30, 20), utc(2026, 11, 2, 17)) == 4


def test_a_weekend_spanning_the_clock_change_counts_no_business_time() -> None:
    # Fri 6 Mar 17:00 EST to Mon 9 Mar 09:00 EDT: 63 real hours, none of them working.
    assert NEW_YORK.elapsed(utc(2026, 3, 6, 22), utc(2026, 3, 9, 13)) == 0


def test_a_start_before_opening_waits_for_the_opening() -> None:
    # Tue 9 Jun 07:00 PDT: the clock starts at 09:00 PDT; four hours later is 13:00 PDT.
    assert LOS_ANGELES.add(utc(2026, 6, 9, 14), 4) == utc(2026, 6, 9, 20)


def test_a_start_after_closing_in_kolkata_runs_the_next_working_day() -> None:
    # Mon 8 Jun 17:30 IST (12:00 UTC): all of Tuesday 09:00-17:00 IST, due 11:30 UTC.
    assert KOLKATA.add(utc(2026, 6, 8, 12), 8) == utc(2026, 6, 9, 11, 30)


def test_the_same_escalation_falls_due_at_different_instants_for_each_owner() -> None:
    raised = utc(2026, 6, 10, 15)  # Wed: 11:00 in New York, 08:00 in LA, 20:30 in Kolkata
    assert NEW_YORK.add(raised, 8) == utc(2026, 6, 11, 15)  # Thu 11:00 EDT
    assert LOS_ANGELES.add(raised, 8) == utc(2026, 6, 11, 0)  # Wed 17:00 PDT
    assert KOLKATA.add(raised, 8) == utc(2026, 6, 11, 11, 30)  # Thu 17:00 IST


def test_a_holiday_is_skipped_like_a_weekend() -> None:
    thanksgiving = BusinessHours("America/New_York", holidays=frozenset({date(2026, 11, 26)}))
    # Wed 25 Nov 13:00 EST: four hours Wednesday, none Thursday, four Friday: 13:00 EST.
    assert thanksgiving.add(utc(2026, 11, 25, 18), 8) == utc(2026, 11, 27, 18)
    assert NEW_YORK.add(utc(2026, 11, 25, 18), 8) == utc(2026, 11, 26, 18)
    assert thanksgiving.elapsed(utc(2026, 11, 25, 18), utc(2026, 11, 27, 18)) == 8


def test_elapsed_over_a_weekend_counts_only_friday_and_monday_hours() -> None:
    assert NEW_YORK.elapsed(utc(2026, 6, 12, 20), utc(2026, 6, 15, 14)) == 2  # Fri 16 - Mon 10


def test_a_start_exactly_at_closing_begins_at_the_next_opening() -> None:
    assert NEW_YORK.add(utc(2026, 6, 12, 21), 0) == utc(2026, 6, 15, 13)  # Fri 17:00 -> Mon 09:00
    assert NEW_YORK.add(utc(2026, 6, 12, 21), Decimal("0.5")) == utc(2026, 6, 15, 13, 30)


def test_custom_hours_and_weekdays_are_honoured() -> None:
    saturdays = BusinessHours("Europe/London", start=time(10), end=time(12),
                              weekdays=frozenset({5}))
    # Fri 12 Jun 2026: the next working window is Sat 13 Jun 10:00-12:00 BST (09:00 UTC).
    assert saturdays.add(utc(2026, 6, 12, 9), 3) == utc(2026, 6, 20, 10)


def test_bad_clocks_and_naive_instants_are_refused() -> None:
    with pytest.raises(ClockError):
        BusinessHours("America/New_York", start=time(17), end=time(9))
    with pytest.raises(ClockError):
        BusinessHours("America/New_York", weekdays=frozenset())
    with pytest.raises(ClockError):
        NEW_YORK.add(datetime(2026, 6, 10, 12), 1)
    with pytest.raises(ClockError):
        NEW_YORK.add(utc(2026, 6, 10, 12), -1)
    with pytest.raises(ClockError):
        BusinessHours("Mars/Olympus_Mons")


ZONES = ["America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Europe/London",
         "Australia/Lord_Howe", "America/St_Johns", "Pacific/Chatham"]
starts = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31),
                      timezones=st.just(UTC))
quarter_hours = st.integers(min_value=0, max_value=400).map(lambda n: Decimal(n) / 4)
clocks = st.builds(BusinessHours, st.sampled_from(ZONES),
                   holidays=st.frozensets(st.dates(min_value=date(2024, 1, 1),
                                                   max_value=date(2029, 3, 1)), max_size=40))


@settings(max_examples=300, deadline=None)
@given(clock=clocks, start=starts, hours=quarter_hours)
def test_the_due_time_is_never_before_the_start_and_gives_back_exactly_the_hours(
        clock: BusinessHours, start: datetime, hours: Decimal) -> None:
    due = clock.add(start, hours)
    assert due >= start
    assert clock.elapsed(start, due) == hours


@settings(max_examples=200, deadline=None)
@given(clock=clocks, start=starts, a=quarter_hours, b=quarter_hours)
def test_more_hours_never_fall_due_sooner_and_elapsed_time_adds_up(
        clock: BusinessHours, start: datetime, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    first, second = clock.add(start, low), clock.add(start, high)
    assert first <= second
    assert clock.elapsed(start, second) == (clock.elapsed(start, first)
                                            + clock.elapsed(first, second))


@settings(max_examples=200, deadline=None)
@given(clock=clocks, start=starts, hours=st.integers(min_value=1, max_value=100))
def test_a_positive_due_time_falls_inside_the_owners_working_hours(
        clock: BusinessHours, start: datetime, hours: int) -> None:
    due = clock.add(start, hours).astimezone(clock.zone)
    assert clock.is_working_day(due.date())
    assert clock.start < due.time() <= clock.end
    assert clock.elapsed_duration(start, due) <= due - start


def test_the_clock_module_stays_free_of_django_and_of_rcmdesk_but_the_pure_calendar() -> None:
    import ast
    from pathlib import Path

    from rcmdesk.escalations import clock

    tree = ast.parse(Path(clock.__file__).read_text())
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported
                if m.startswith(("django", "rcmdesk")) and m != "rcmdesk.calendar"}
