"""What the dashboard, the API and the CLI share: a user's request for KPIs, checked.

Visibility first (a client the user cannot see answers 404 like a missing one), then
VIEW_REPORTS (403), so a partner lead sees only the clients of engagements they are on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.http import Http404

from rcmdesk.calendar import parse_week
from rcmdesk.reports import kpis
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action

TREND_WEEKS = 13


@dataclass(frozen=True)
class KpiRequest:
    client: Organization
    week: str
    payer_id: int | None = None
    provider_id: int | None = None
    workflow: str | None = None
    viewer: Any = None  # work counts show the items this person sees

    @property
    def filters(self) -> dict[str, Any]:
        return {"payer_id": self.payer_id, "provider_id": self.provider_id,
                "workflow": self.workflow}


def _int(value: str | int | None) -> int | None:
    """The page sends ids as text, the API as numbers."""
    if isinstance(value, int):
        return value
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an id") from None


def resolve(user: Any, *, client: str, week: str = "", payer: str | int | None = None,
            provider: str | int | None = None, workflow: str | None = None) -> KpiRequest:
    """ValueError on a malformed week or id; Http404 / PermissionDenied as ``require``.

    No week means the client's last complete week that has data (``kpis.last_week_with_data``)."""
    org = Organization.objects.visible_to(user).clients().filter(slug=client).first()
    if org is None:
        raise Http404("Not found.")
    require(user, Action.VIEW_REPORTS, org.pk)
    week = week.strip() or kpis.last_week_with_data(org)
    parse_week(week)
    return KpiRequest(org, week, _int(payer), _int(provider), workflow or None, user)


def week_problem(week: str) -> str:
    """A sentence for a typed week that is not one ("" when it is, or when none was typed):
    the dashboard and the weekly-report forms say it beside the field."""
    if not week:
        return ""
    try:
        parse_week(week)
    except ValueError:
        return (f"“{week}” is not a week. Pick one with the week box, or type it as "
                "year-W-week, like 2026-W47.")
    return ""


def numbers(req: KpiRequest) -> dict[str, Any]:
    """Everything the dashboard shows (the API sends the same, Decimals as strings)."""
    monday, _ = parse_week(req.week)
    trend = kpis.kpi_trend(req.client.pk, req.week, TREND_WEEKS, **req.filters, viewer=req.viewer)
    return {
        # the week's numbers are the trend's last point: one pass over the ledger, not two
        "kpis": kpis.of_trend(trend),
        "trend": trend,
        "aging": kpis.aging(req.client.pk, monday + timedelta(days=6),
                            payer_id=req.payer_id, provider_id=req.provider_id),
        "denial_causes": kpis.top_denial_causes(req.client.pk, req.week, payer_id=req.payer_id,
                                                provider_id=req.provider_id),
        "outcomes": kpis.outcomes(req.client.pk, req.week, workflow=req.workflow),
        "days_to_pay": kpis.days_to_pay_by_payer(req.client.pk, req.week),
    }


def as_json(req: KpiRequest, data: dict[str, Any]) -> dict[str, Any]:
    def text(value: Any) -> Any:
        return None if value is None else str(value) if not isinstance(value, int) else value

    return {
        "client": req.client.slug, "week": req.week, "filters": req.filters,
        "kpis": [k.as_json() for k in data["kpis"]],
        "trend": {key: [[w, text(v)] for w, v in points] for key, points in data["trend"].items()},
        "aging": [{k: text(v) if k != "bucket" else v for k, v in row.items()}
                  for row in data["aging"]],
        "denial_causes": [{k: text(v) if k != "category" else v for k, v in row.items()}
                          for row in data["denial_causes"]],
        "outcomes": [{k: text(v) if k != "close_reason" else v for k, v in row.items()}
                     for row in data["outcomes"]],
        "days_to_pay": [{**row, "days": text(row["days"])} for row in data["days_to_pay"]],
    }
