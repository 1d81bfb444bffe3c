"""Scheduled weekly reports, run by the database-backed task worker (queue "reports")."""

from __future__ import annotations

from typing import Any

from django.tasks import task
from django.utils import timezone

from rcmdesk.audit.context import acting
from rcmdesk.reports import weekly
from rcmdesk.tenancy.models import Engagement


@task(queue_name="reports")
def generate_weekly_reports(week: str | None = None, force: bool = False) -> dict[str, Any]:
    """Last week's report (or ``week``'s) for the client of every active engagement.

    Idempotent: a client's archived report for the week is kept unless ``force``, so cron and
    a retried task may both run. No person asks: ``generated_by`` stays empty (the schedule).
    """
    return generate_all(week, force=force)


def generate_all(week: str | None = None, *, force: bool = False) -> dict[str, Any]:
    week = week or weekly.last_week()
    today = timezone.now().date()
    engagements = (Engagement.objects.active_on(today).select_related("client")
                   .filter(client__is_active=True).order_by("client_id", "pk"))
    by_client: dict[int, list[Engagement]] = {}
    for engagement in engagements:
        by_client.setdefault(engagement.client_id, []).append(engagement)
    made: list[int] = []
    kept: list[int] = []
    with acting(None, channel="task"):
        for group in by_client.values():
            client = group[0].client
            report, new = weekly.generate(client, week, force=force,
                                          engagement=group[0] if len(group) == 1 else None)
            (made if new else kept).append(report.pk)
    return {"week": week, "generated": made, "kept": kept}
