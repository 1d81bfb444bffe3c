"""Service levels as the pages and reports show them: rows of targets with their weeks.

The weekly report calls ``weekly`` (every active target of the client's engagements, the
report's week, the operator's view); the KPI dashboard calls ``panel`` (the targets the
viewer's engagements hold); the engagement's page calls ``table`` (13 weeks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from rcmdesk.calendar import parse_week, previous_weeks, week_of
from rcmdesk.servicelevels.measure import Attainment, attainment
from rcmdesk.servicelevels.models import ServiceLevel
from rcmdesk.tenancy.models import Engagement, Organization

WEEKS = 13


@dataclass(frozen=True)
class Row:
    level: ServiceLevel
    weeks: list[Attainment]

    @property
    def latest(self) -> Attainment:
        return self.weeks[-1]


def table(engagement: Engagement, *, now: datetime | None = None,
          weeks: int = WEEKS) -> tuple[list[str], list[Row]]:
    """The engagement's active targets over the last ``weeks`` ISO weeks, this one last."""
    now = now or timezone.now()
    shown = previous_weeks(week_of(engagement.client.today(now)), weeks)
    levels = engagement.service_levels.filter(active=True).select_related("engagement__client")
    return shown, [Row(level, attainment(level, shown, now=now)) for level in levels]


def weekly(client: Organization, week: str, *, now: datetime | None = None) -> list[Row]:
    """Every active target of the client's engagements that ran during ``week``."""
    monday, next_monday = parse_week(week)
    levels = (ServiceLevel.objects.filter(engagement__client=client, active=True)
              .filter(engagement__in=Engagement.objects.filter(client=client)
                      .filter(start_date__lt=next_monday)
                      .exclude(end_date__lt=monday))
              .select_related("engagement__client"))
    return _rows(levels, week, now or timezone.now())


def panel(user: Any, client: Organization, week: str, *,
          now: datetime | None = None) -> list[Row]:
    """The dashboard's compact panel: the viewer's visible targets for the client."""
    levels = (ServiceLevel.objects.visible_to(user).filter(engagement__client=client,
                                                           active=True)
              .select_related("engagement__client"))
    return _rows(levels, week, now or timezone.now())


def _rows(levels: Any, week: str, now: datetime) -> list[Row]:
    return [Row(level, attainment(level, [week], now=now)) for level in levels]
