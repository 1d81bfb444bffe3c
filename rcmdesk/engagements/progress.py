"""What a plan is measured by: a backlog clean-up's burn-down, monthly support's usage.

Burn-down: of the items frozen at the start, how many are still open at the end of each of
the client's calendar weeks (an item closed at 23:30 on Sunday in Chicago counts in that
week), against the ideal straight line from the frozen count on the freeze day to zero on
the target date. Items that arrive later are not in it: a clean-up is of what was there.

Monthly usage: the client's calendar month so far. Items worked come from
``workqueue.counts.worked`` (the one definition of worked), hours from the capacity
planner's productive hours (``capacity.services.action_durations``) of the engagement's
assigned staff, both in the workflows of the engagement's scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString

from rcmdesk.calendar import day_start, local_date, week_of
from rcmdesk.capacity.services import action_durations
from rcmdesk.engagements.checklist import workflows
from rcmdesk.engagements.models import EngagementPlan, MonthlyUnit
from rcmdesk.reports import charts
from rcmdesk.tenancy.models import Engagement
from rcmdesk.workqueue import counts

TENTH = Decimal("0.1")
JUST_BEFORE = timedelta(microseconds=1)


@dataclass(frozen=True)
class BurnPoint:
    label: str  # "Frozen" or the ISO week
    day: date  # the freeze day, or the week's last day
    remaining: int | None  # None: a week still to come
    ideal: Decimal


@dataclass(frozen=True)
class Burndown:
    frozen_count: int
    frozen_amount: Decimal
    frozen_on: date
    target_date: date
    points: list[BurnPoint]
    remaining: int  # still open at ``as of``
    ideal_now: Decimal

    @property
    def closed(self) -> int:
        return self.frozen_count - self.remaining

    @property
    def behind(self) -> bool:
        return Decimal(self.remaining) > self.ideal_now

    def chart(self) -> SafeString:
        if not self.frozen_count:
            return charts.empty("Backlog burn-down", "Nothing was open when it was frozen.")
        return charts.burndown(
            "Frozen backlog still open", [p.label[-3:] if p.label != "Frozen" else "Start"
                                          for p in self.points],
            [p.remaining for p in self.points], [p.ideal for p in self.points])


def _ideal(count: int, start: date, target: date, day: date) -> Decimal:
    span = (target - start).days
    if span <= 0:
        return Decimal(0)
    left = min(max((target - day).days, 0), span)
    return (Decimal(count) * left / span).quantize(TENTH, ROUND_HALF_UP)


def burndown(plan: EngagementPlan, *, now: datetime | None = None) -> Burndown | None:
    """The burn-down as of ``now`` (a report passes its week's end); None before freezing."""
    if plan.frozen_at is None or plan.target_date is None:
        return None
    engagement = plan.engagement
    zone = engagement.client.time_zone
    as_of = min(now or timezone.now(), timezone.now())
    today = local_date(as_of - JUST_BEFORE, zone)  # a week's end is the next Monday's midnight
    start = local_date(plan.frozen_at, zone)
    closes = [closed for (closed,) in counts.items(None, engagement.client_id)
              .filter(pk__in=plan.frozen_item_ids).values_list("closed_at")]

    def open_at(instant: datetime) -> int:
        return sum(1 for closed in closes if closed is None or closed >= instant)

    points = [BurnPoint("Frozen", start, plan.frozen_count,
                        Decimal(plan.frozen_count).quantize(TENTH))]
    monday = start - timedelta(days=start.weekday())
    last = max(plan.target_date, today)
    while monday <= last:
        sunday = monday + timedelta(days=6)
        end = day_start(monday + timedelta(days=7), zone)
        remaining = open_at(min(end, as_of)) if monday <= today else None
        points.append(BurnPoint(week_of(monday), sunday, remaining,
                                _ideal(plan.frozen_count, start, plan.target_date, sunday)))
        monday += timedelta(days=7)
    return Burndown(plan.frozen_count, plan.frozen_amount, start, plan.target_date, points,
                    open_at(as_of), _ideal(plan.frozen_count, start, plan.target_date, today))


@dataclass(frozen=True)
class MonthUsage:
    month: date  # its first day
    through: date  # the last day counted
    unit: str
    planned: Decimal
    used: Decimal

    @property
    def left(self) -> Decimal:
        return self.planned - self.used

    @property
    def share(self) -> Decimal | None:
        """Used as a percentage of the plan."""
        if not self.planned:
            return None
        return (self.used * 100 / self.planned).quantize(TENTH, ROUND_HALF_UP)

    @property
    def over_by(self) -> Decimal:
        return max(self.used - self.planned, Decimal(0))

    @property
    def over(self) -> bool:
        return self.used > self.planned


def items_in_scope(worked: Mapping[str, counts.Worked], engagement: Engagement) -> int:
    """Items worked in the engagement's scope (``counts.worked`` per workflow, summed over
    the workflows the engagement covers): the one count of a month's use and of the
    weekly report's "items worked", so the two never disagree."""
    scope = set(workflows(engagement))
    return sum(w.items for wf, w in worked.items() if wf in scope)


def monthly_usage(plan: EngagementPlan, viewer: Any | None = None, *,
                  now: datetime | None = None) -> MonthUsage | None:
    """This month's use against the plan, as of ``now`` (the client's calendar month)."""
    if not plan.monthly_unit or plan.monthly_amount is None:
        return None
    engagement = plan.engagement
    client = engagement.client
    as_of = min(now or timezone.now(), timezone.now())
    today = local_date(as_of - JUST_BEFORE, client.time_zone)
    first = today.replace(day=1)
    since = day_start(first, client.time_zone)
    if plan.monthly_unit == MonthlyUnit.ITEMS:
        used = Decimal(items_in_scope(counts.worked(viewer, client.pk, since, as_of),
                                      engagement))
    else:
        scope = set(workflows(engagement))
        staff = set(engagement.assignments.values_list("user__username", flat=True))
        durations = action_durations(viewer, client, since, as_of)
        hours = sum(h for (who, wf), h in durations.per_actor_workflow.items()
                    if wf in scope and who in staff)
        used = Decimal(str(hours)).quantize(TENTH, ROUND_HALF_UP)
    return MonthUsage(first, today, plan.monthly_unit, plan.monthly_amount, used)
