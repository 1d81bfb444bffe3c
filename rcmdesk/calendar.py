"""The client's calendar (pure: no Django).

Every rule in billing that counts days counts the *client's* days: a timely-filing limit, an
appeal window, a follow-up date, an SLA, an aging bucket, "last week" in a report. A server
in UTC is a day ahead of a Los Angeles client every evening and a day behind a Kolkata
client every early morning, so "today" is always the date of an instant in the client's time
zone, never the server's date. This module is the one place that turns an instant into a
client's day, and the one home for ISO weeks and business days; the Django side
(``Organization.today``) only supplies the instant and the zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MONDAY_TO_FRIDAY = frozenset(range(5))  # date.weekday(): Monday 0 .. Sunday 6
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def office_day(day: date) -> str:
    """A day as a US billing office writes it, 12/05/2026: the one style of every page, PDF
    and sentence we store (an item's title, a priority's reason)."""
    return day.strftime("%m/%d/%Y")


def local_date(instant: datetime, time_zone: str) -> date:
    """The calendar day ``instant`` falls on in ``time_zone``.

    A naive instant is refused: guessing its zone is how a deadline slips by a day."""
    if instant.tzinfo is None:
        raise ValueError("A naive datetime has no calendar day; pass an aware instant.")
    return instant.astimezone(ZoneInfo(time_zone)).date()


def day_start(day: date, time_zone: str) -> datetime:
    """The client's midnight opening ``day``: the lower bound of that day's activity."""
    return datetime.combine(day, time.min, ZoneInfo(time_zone))


def week_of(day: date) -> str:
    """The ISO week ("2026-W47") that ``day`` belongs to."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> tuple[date, date]:
    """An ISO week ("2026-W47") as its Monday and the next Monday; ValueError otherwise."""
    match = _WEEK.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not an ISO week like 2026-W47")
    monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    return monday, monday + timedelta(days=7)


def week_window(week: str, time_zone: str) -> tuple[datetime, datetime]:
    """An ISO week as the client's local Monday midnight to the next: the one window of a
    weekly report, a KPI week and a service level's week (so they count the same things)."""
    monday, next_monday = parse_week(week)
    return day_start(monday, time_zone), day_start(next_monday, time_zone)


def last_week(today: date) -> str:
    """The ISO week before the one ``today`` is in: what a weekly report covers."""
    return week_of(today - timedelta(days=7))


def previous_weeks(week: str, n: int) -> list[str]:
    """``n`` ISO weeks ending with ``week``, oldest first."""
    monday, _ = parse_week(week)
    return [week_of(monday - timedelta(weeks=i)) for i in range(n - 1, -1, -1)]


def is_business_day(day: date, weekdays: frozenset[int] = MONDAY_TO_FRIDAY,
                    holidays: Iterable[date] = ()) -> bool:
    """A working weekday that is not a holiday."""
    return day.weekday() in weekdays and day not in set(holidays)


def add_business_days(day: date, n: int, weekdays: frozenset[int] = MONDAY_TO_FRIDAY,
                      holidays: Iterable[date] = ()) -> date:
    """The ``n``-th business day after ``day`` (``n`` >= 0; 0 answers ``day`` itself)."""
    if n < 0:
        raise ValueError("Count business days forward only.")
    if not weekdays:
        raise ValueError("A calendar needs at least one working weekday.")
    off = frozenset(holidays)
    while n:
        day += timedelta(days=1)
        if is_business_day(day, weekdays, off):
            n -= 1
    return day


@dataclass(frozen=True)
class BusinessCalendar:
    """A client's working days: the weekdays it works and the holidays it keeps.

    The one home of "N business days" for anything measured on the client's calendar (a
    service level's due day, a review period): the data lives per client (``tenancy.Holiday``
    and ``Organization.working_weekdays``, read by ``tenancy.calendars.business_calendar``),
    the arithmetic here, pure, so it is tested without a database."""

    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.weekdays:
            raise ValueError("A calendar needs at least one working weekday.")
        if not self.weekdays <= frozenset(range(7)):
            raise ValueError("Working weekdays are 0 (Monday) to 6 (Sunday).")

    def is_business_day(self, day: date) -> bool:
        return is_business_day(day, self.weekdays, self.holidays)

    def add_business_days(self, day: date, n: int) -> date:
        """The ``n``-th business day after ``day`` (0: ``day`` itself)."""
        return add_business_days(day, n, self.weekdays, self.holidays)

    def first_business_day(self, day: date) -> date:
        """``day`` if it is a business day, else the next one: where a count of business days
        starts for something that arrived on a weekend or a holiday."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def business_days_between(self, start_day: date, end_day: date) -> int:
        """Business days after ``start_day`` up to and including ``end_day`` (0 when
        ``end_day`` is not after ``start_day``): the inverse of ``add_business_days``, so
        ``business_days_between(d, add_business_days(d, n)) == n``."""
        if end_day <= start_day:
            return 0
        weeks, extra = divmod((end_day - start_day).days, 7)
        count = weeks * len(self.weekdays)
        for offset in range(1, extra + 1):
            if (start_day + timedelta(days=offset)).weekday() in self.weekdays:
                count += 1
        return count - sum(1 for h in self.holidays
                           if start_day < h <= end_day and h.weekday() in self.weekdays)

    def due_day(self, arrival_day: date, n: int) -> date:
        """The last day to act on something that arrived on ``arrival_day`` within ``n``
        business days: counted from the arrival's business day (a Saturday arrival counts
        from Monday, a holiday's from the next working day), so n = 0 means the same
        business day."""
        return self.add_business_days(self.first_business_day(arrival_day), n)


# --- deadline flags ---------------------------------------------------------------------------

# A week: the window a specialist plans in (issue 18: "past or within 7 days flagged").
DEADLINE_NEAR = timedelta(days=7)


@dataclass(frozen=True)
class DeadlineFlag:
    """How a limit (timely filing, an appeal's deadline) reads on a page: "past" or "near"
    (within ``DEADLINE_NEAR`` of the client's today) with words, or nothing to flag. One rule
    for every page, so a deadline is never amber on one and plain on another."""

    level: str  # "past", "near" or "" (nothing to flag)
    words: str  # "3 days past the deadline", "due in 5 days", "due today"

    def __bool__(self) -> bool:
        return bool(self.level)


NO_FLAG = DeadlineFlag("", "")


def deadline_flag(deadline: date | None, today: date) -> DeadlineFlag:
    if deadline is None:
        return NO_FLAG
    days = (deadline - today).days
    if days < 0:
        return DeadlineFlag("past", f"{-days} day{'s' if days != -1 else ''} past the deadline")
    if days > DEADLINE_NEAR.days:
        return NO_FLAG
    return DeadlineFlag("near", "due today" if days == 0
                        else f"due in {days} day{'s' if days != 1 else ''}")
