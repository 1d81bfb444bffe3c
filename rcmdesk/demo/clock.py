"""The demo's clock: the real services replay the past at the moment it "happened".

A demo that looks like a practice needs months of history written by the real services
(claims billed, remits posted, items worked, appeals, audits, decisions). The services take
no clock, rightly: nobody may backdate work in production; and the ledger, an item's history
and a proposal's events are append-only (database triggers), so nothing can be moved back
after it is written. So while the demo replays a moment it stops the process's clock there:
``timezone.now()`` (hence every default timestamp, ``Organization.today()`` and the audit
trail) reads that moment, and every row is written as it would have been on the day.

Only the demo uses this, single-threaded, inside ``rcmdesk demo``; the clock is restored on
leaving the block, exception or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.utils import timezone


class _AnyDatetime(type):
    """``isinstance(x, <the stopped class>)`` stays true of every datetime, as Django's
    ``timezone`` module asks of its ``datetime`` name."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, datetime)


class _Stopped(datetime, metaclass=_AnyDatetime):
    """``datetime`` as ``django.utils.timezone`` sees it while the clock is stopped."""

    moment: ClassVar[datetime]

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        # A plain datetime, as the real ``now`` returns: nothing downstream sees this class.
        instant = cls.moment.astimezone(UTC)
        return instant.astimezone(tz) if tz is not None else instant.replace(tzinfo=None)


def moment(day: date, time_zone: str, hour: int = 9, minutes: int = 0) -> datetime:
    """``day`` at ``hour`` plus ``minutes`` on the client's wall clock."""
    return (datetime.combine(day, time(hour), ZoneInfo(time_zone))
            + timedelta(minutes=minutes))


@contextmanager
def stopped_at(when: datetime) -> Iterator[None]:
    """Within the block, ``timezone.now()`` is ``when`` (nested blocks restore the outer)."""
    module: Any = timezone
    saved = module.datetime, getattr(_Stopped, "moment", None)
    _Stopped.moment = when
    module.datetime = _Stopped
    try:
        yield
    finally:
        module.datetime = saved[0]
        if saved[1] is not None:
            _Stopped.moment = saved[1]
