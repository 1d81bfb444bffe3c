"""Business-hour clocks in one person's time zone (pure: no Django).

An escalation's owner promises an answer within so many *working* hours of their own day,
not wall-clock hours: eight business hours raised on Friday at 16:00 in New York fall due on
Monday afternoon there, whatever time it is for the person who raised it. The clock runs
only inside the owner's opening hours on working days; outside them it waits for the next
opening. Windows are built from local wall times and compared in UTC, so a daylight-saving
change (which happens at night) moves the UTC instants of opening and closing but never the
length of a working day.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rcmdesk.calendar import MONDAY_TO_FRIDAY, is_business_day

# No real calendar goes ten years without a working day; a clock that finds none is
# misconfigured (every weekday a holiday), and says so instead of looping forever.
SEARCH_LIMIT_DAYS = 3660
_MICROS_PER_HOUR = Decimal(3_600_000_000)


class ClockError(ValueError):
    """The business hours cannot be used (no working time at all, bad times, naive input)."""


@dataclass(frozen=True)
class BusinessHours:
    time_zone: str
    start: time = time(9)
    end: time = time(17)
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY  # date.weekday(): Monday 0 .. Sunday 6
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)  # an unknown zone fails here, not at the first use
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ClockError(f"{self.time_zone!r} is not an IANA time zone.") from exc
        if self.start >= self.end:
            raise ClockError("Business hours must open before they close.")
        if not self.weekdays:
            raise ClockError("Business hours need at least one working weekday.")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        return is_business_day(day, self.weekdays, self.holidays)

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """That local day's opening and closing as UTC instants (None on a day off)."""
        if not self.is_working_day(day):
            return None
        zone = self.zone
        opens = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=zone).astimezone(UTC)
        return opens, closes

    def windows_from(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working windows in order, from the local day of ``instant`` on."""
        day = _aware(instant).astimezone(self.zone).date()
        for offset in range(SEARCH_LIMIT_DAYS):
            window = self.window(day + timedelta(days=offset))
            if window is not None:
                yield window
        raise ClockError(f"No working time within {SEARCH_LIMIT_DAYS} days.")

    def add_duration(self, start: datetime, duration: timedelta) -> datetime:
        """The UTC instant when ``duration`` of working time has passed after ``start``.

        A start outside hours begins at the next opening; a zero duration answers that
        opening (or ``start`` itself when it is inside hours)."""
        if duration < timedelta(0):
            raise ClockError("A business-hour duration cannot be negative.")
        cursor, remaining = _aware(start).astimezone(UTC), duration
        for opens, closes in self.windows_from(cursor):
            if cursor >= closes:
                continue
            begin = max(cursor, opens)
            available = closes - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
            cursor = closes
        raise AssertionError("unreachable: windows_from raises when it runs out")

    def add(self, start: datetime, hours: Decimal | int) -> datetime:
        return self.add_duration(start, _hours_to_duration(hours))

    def elapsed_duration(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two instants (zero when ``end`` is not after ``start``)."""
        start, end = _aware(start).astimezone(UTC), _aware(end).astimezone(UTC)
        total = timedelta(0)
        if end <= start:
            return total
        for opens, closes in self.windows_from(start):
            if opens >= end:
                break
            overlap = min(end, closes) - max(start, opens)
            if overlap > timedelta(0):
                total += overlap
        return total

    def elapsed(self, start: datetime, end: datetime) -> Decimal:
        """Working hours between two instants, exact (a Decimal from whole microseconds)."""
        duration = self.elapsed_duration(start, end)
        return Decimal(duration // timedelta(microseconds=1)) / _MICROS_PER_HOUR


def _hours_to_duration(hours: Decimal | int) -> timedelta:
    micros = Decimal(hours) * _MICROS_PER_HOUR
    if micros != micros.to_integral_value():
        raise ClockError(f"{hours} hours is not a whole number of microseconds.")
    return timedelta(microseconds=int(micros))


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ClockError("Business-hour clocks take aware datetimes only.")
    return instant
