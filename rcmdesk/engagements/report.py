"""The weekly report's engagement section: what each engagement's model says to show.

Dedicated specialist and managed pod: the items worked in the week in the engagement's scope
(``workqueue.counts.worked``). Monthly support: the month's hours or items against the plan,
as of the week's end. Backlog clean-up: the frozen backlog's burn-down as of the week's end.
One function, ``weekly_section``, is all ``reports.weekly`` calls.
"""

from __future__ import annotations

from typing import Any

from rcmdesk.engagements.models import EngagementModel, EngagementPlan
from rcmdesk.engagements.progress import burndown, items_in_scope, monthly_usage
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue import counts


def weekly_section(client: Organization, window: Any) -> list[dict[str, Any]]:
    """One entry per engagement of the client with a plan, active in the week
    (``window``: ``reports.weekly.Window``: ``start``, ``end``, ``monday``, ``last_day``)."""
    plans = (EngagementPlan.objects.filter(engagement__client=client,
                                           engagement__start_date__lte=window.last_day)
             .select_related("engagement", "engagement__client", "specialist")
             .order_by("engagement__name"))
    worked = None
    out = []
    for plan in plans:
        engagement = plan.engagement
        if engagement.end_date is not None and engagement.end_date < window.monday:
            continue
        entry: dict[str, Any] = {"engagement": engagement, "plan": plan, "model": plan.model}
        if plan.model == EngagementModel.MONTHLY_SUPPORT:
            entry["usage"] = monthly_usage(plan, None, now=window.end)
        elif plan.model == EngagementModel.BACKLOG_CLEANUP:
            progress = burndown(plan, now=window.end)
            entry["burndown"] = progress
            entry["chart"] = progress.chart() if progress is not None else ""
        else:
            if worked is None:
                worked = counts.worked(None, client.pk, window.start, window.end)
            entry["worked"] = items_in_scope(worked, engagement)
        out.append(entry)
    return out
