"""Completed work to sample from, plans, and drawn audits for QA tests."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rcmdesk.calendar import parse_week
from rcmdesk.conftest import World, make_user
from rcmdesk.qa import services
from rcmdesk.qa.models import Audit, SampleDraw, SamplingPlan
from rcmdesk.tenancy.models import Assignment, Engagement
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem

WEEK = "2026-W47"


def done_items(engagement: Engagement, specialist: Any, count: int, *, week: str = WEEK,
               workflow: str = "ar_followup", title: str = "Claim follow-up") -> list[WorkItem]:
    """Items the specialist closed during the week (Tuesday noon, client time)."""
    monday, _ = parse_week(week)
    closed = datetime.combine(monday + timedelta(days=1), time(12),
                              ZoneInfo(engagement.time_zone))
    kind = {"ar_followup": ItemKind.AR_FOLLOWUP, "denials": ItemKind.DENIAL}.get(
        workflow, ItemKind.ELIGIBILITY)
    start = WorkItem.objects.count()
    return WorkItem.objects.bulk_create(
        WorkItem(client_id=engagement.client_id, workflow=workflow, kind=kind,
                 source_key=f"test:{start + n}", title=f"{title} {n}",
                 status=ItemStatus.DONE, assignee=specialist, closed_at=closed,
                 close_reason="paid") for n in range(count))


def plan(engagement: Engagement, **values: Any) -> SamplingPlan:
    fields = {"base_percent": 5, "new_specialist_percent": 20, "new_specialist_days": 30,
              "after_failure_percent": 25, "after_failure_weeks": 2, "minimum_per_week": 2,
              **values}
    return SamplingPlan.objects.create(engagement=engagement, **fields)


def drawn(engagement: Engagement, qa: Any, specialist: Any, count: int = 4,
          seed: int = 11, workflow: str = "ar_followup",
          title: str = "Claim follow-up") -> tuple[SampleDraw, list[Audit]]:
    """A draw whose minimum takes every one of ``count`` items: one audit each."""
    done_items(engagement, specialist, count, workflow=workflow, title=title)
    made = services.draw_week(plan(engagement, minimum_per_week=count), WEEK, acting_user=qa,
                              seed=seed)
    return made, list(made.audits.order_by("pk"))


def birch_audit(world: World, title: str = "Claim follow-up") -> Audit:
    """An audit in the other tenant (Birch's eligibility work, by its own Pillar staff)."""
    specialist = make_user("pillar.birch", Role.PARTNER_SPECIALIST, world.pillar)
    qa = make_user("pillar.birchqa", Role.PARTNER_QA, world.pillar)
    for user in (specialist, qa):
        Assignment.objects.create(engagement=world.birch_engagement, user=user)
    return drawn(world.birch_engagement, qa, specialist, count=1, workflow="eligibility",
                 title=title)[1][0]
