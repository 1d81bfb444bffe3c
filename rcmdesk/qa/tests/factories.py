"""Completed work to sample from, plans, and drawn audits for QA tests."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rcmdesk.qa import services
from rcmdesk.qa.models import Audit, SampleDraw, SamplingPlan
from rcmdesk.qa.sampling import parse_week
from rcmdesk.tenancy.models import Engagement
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem

WEEK = "2026-W47"


def done_items(engagement: Engagement, specialist: Any, count: int, *, week: str = WEEK,
               workflow: str = "ar_followup", title: str = "Claim follow-up") -> list[WorkItem]:
    """Items the specialist closed during the week (Tuesday noon, client time)."""
    monday, _ = parse_week(week)
    closed = datetime.combine(monday + timedelta(days=1), time(12),
                              ZoneInfo(engagement.time_zone))
    kind = ItemKind.AR_FOLLOWUP if workflow == "ar_followup" else ItemKind.DENIAL
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
          seed: int = 11) -> tuple[SampleDraw, list[Audit]]:
    """A draw whose minimum takes every one of ``count`` items: one audit each."""
    done_items(engagement, specialist, count)
    made = services.draw_week(qa, plan(engagement, minimum_per_week=count), WEEK, seed=seed)
    return made, list(made.audits.order_by("pk"))
