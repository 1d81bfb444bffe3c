"""Cron expressions evaluated in a client's time zone (cronsim), and said in words.

A schedule's expression is read on the client's wall clock: "0 6 * * 1" is 06:00 on Monday
in New York both sides of a daylight-saving change (cronsim keeps the wall time of a 5-field
expression with a fixed hour and minute, as Debian cron does). Instants stored are UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError

from rcmdesk.errors import Invalid

PLATFORM_ZONE = "UTC"  # platform jobs (audit sealing, chain checks) have no client clock

# The zones a US billing office names by one word; any other is shown as its key.
ZONE_WORDS = {
    "America/New_York": "Eastern", "America/Detroit": "Eastern",
    "America/Chicago": "Central", "America/Denver": "Mountain",
    "America/Phoenix": "Arizona", "America/Los_Angeles": "Pacific",
    "America/Anchorage": "Alaska", "Pacific/Honolulu": "Hawaii", "UTC": "UTC",
}


class BadCron(Invalid):
    """A cron expression cronsim cannot read."""


def check(expr: str) -> str:
    """``expr`` normalised (single spaces) when it is a 5-field expression; BadCron otherwise."""
    text = " ".join(expr.split())
    if len(text.split()) != 5:
        raise BadCron(f"“{expr}” is not a cron expression of five fields "
                      "(minute hour day-of-month month day-of-week).")
    try:
        CronSim(text, datetime.now(UTC))
    except CronSimError as exc:
        raise BadCron(f"“{expr}” is not a cron expression we can read: {exc}.") from None
    return text


def next_after(expr: str, after: datetime, zone: str) -> datetime:
    """The first time ``expr`` fires strictly after ``after``, on ``zone``'s wall clock, as UTC."""
    local = after.astimezone(ZoneInfo(zone))
    fire: datetime = next(CronSim(expr, local))
    return fire.astimezone(UTC)


def describe(expr: str, zone: str) -> str:
    """The expression in words ("At 06:00 on Monday, Eastern time"); the zone is named only
    when the hour matters (every five minutes is every five minutes anywhere)."""
    try:
        words = CronSim(expr, datetime.now(UTC)).explain()
    except (CronSimError, ValueError):
        return expr
    if expr.split()[1].startswith("*"):
        return words
    return f"{words}, {ZONE_WORDS.get(zone, zone)} time"
