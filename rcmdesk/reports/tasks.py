"""Scheduled weekly reports, run by the database-backed task worker (queue "reports")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.tasks import task
from django.utils import timezone

from rcmdesk.audit.context import acting
from rcmdesk.calendar import last_week
from rcmdesk.reports import weekly
from rcmdesk.tenancy.models import Engagement


@task(queue_name="reports")
def generate_weekly_reports(week: str | None = None, force: bool = False) -> dict[str, Any]:
    """Last week's report (or ``week``'s) for the client of every active engagement.

    Idempotent: a client's archived report for the week is kept unless ``force``, so cron and
    a retried task may both run. No person asks: ``generated_by`` stays empty (the schedule).
    """
    return generate_all(week, force=force)


def generate_all(week: str | None = None, *, force: bool = False,
                 now: datetime | None = None, client_id: int | None = None) -> dict[str, Any]:
    """Without ``week``, each client gets *its* last week: a cron run late on Sunday in UTC
    is already Monday in Kolkata and still Sunday in Los Angeles, so the default is read
    from each client's calendar, never the server's. ``client_id``: that client only (the
    scheduler runs the report per client, on the client's own Monday)."""
    now = now or timezone.now()
    by_client: dict[int, list[Engagement]] = {}
    engagements = Engagement.objects.select_related("client").filter(client__is_active=True)
    if client_id is not None:
        engagements = engagements.filter(client_id=client_id)
    for engagement in engagements.order_by("client_id", "pk"):
        if engagement.is_active(engagement.today(now)):
            by_client.setdefault(engagement.client_id, []).append(engagement)
    made: list[int] = []
    kept: list[int] = []
    weeks: set[str] = set()
    with acting(None, channel="task"):
        for group in by_client.values():
            client = group[0].client
            client_week = week or last_week(client.today(now))
            weeks.add(client_week)
            report, new = weekly.generate(client, client_week, force=force,
                                          engagement=group[0] if len(group) == 1 else None)
            (made if new else kept).append(report.pk)
    only = next(iter(weeks)) if len(weeks) == 1 else week
    return {"week": only, "weeks": sorted(weeks), "generated": made, "kept": kept}
