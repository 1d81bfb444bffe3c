"""/api/capacity: the forecast (with staffing and the what-if) and productivity as JSON,
the same numbers the pages and ``rcmdesk capacity`` show. A client out of sight answers
404, a role that may not plan 403; reads are audited by the services."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from rcmdesk.api.problems import Problem
from rcmdesk.capacity import services
from rcmdesk.tenancy.models import Organization

router = Router(tags=["capacity"])


class ForecastQuery(Schema):
    client: str
    workflow: str = ""
    add: float = 0.0
    start: str = ""  # what-if from, YYYY-MM-DD (default: today)
    hours_per_day: float = 6.0
    sla_days: int = 7
    target: float = 0.90


class ProductivityQuery(Schema):
    client: str
    weeks: int = 8


def _client(slug: str) -> Organization:
    found: Organization | None = Organization.objects.filter(slug=slug, kind="client").first()
    if found is None:
        raise Http404("Not found.")
    return found


def _plans(request: HttpRequest, q: ForecastQuery) -> list[dict[str, Any]]:
    start = services.parse_day(q.start) if q.start else None
    if not 0 < q.hours_per_day <= 24 or not 0 < q.target < 1 or q.sla_days < 1:
        raise services.CapacityProblem("hours_per_day in (0, 24], target in (0, 1), "
                                       "sla_days >= 1")
    found = services.plans(request.user, _client(q.client), workflow=q.workflow or None,
                           add=q.add, add_from=start, hours_per_day=q.hours_per_day,
                           sla_days=q.sla_days, target=q.target)
    return [services.plan_json(p) for p in found]


@router.get("/forecast", response={200: list[dict[str, Any]], 400: Problem})
def forecast(request: HttpRequest, q: Query[ForecastQuery]) -> Any:
    """Per queue: arrivals, handle time, backlog, the 28-day curve, staffing, the what-if."""
    return _plans(request, q)


@router.get("/staffing", response={200: list[dict[str, Any]], 400: Problem})
def staffing(request: HttpRequest, q: Query[ForecastQuery]) -> Any:
    """Only the specialists needed per queue (no curves)."""
    rows = _plans(request, q)
    return [{"queue": r["queue"], "specialists": r["specialists"], **r["staffing"]}
            for r in rows]


@router.get("/productivity", response=dict[str, Any])
def productivity(request: HttpRequest, q: Query[ProductivityQuery]) -> dict[str, Any]:
    weeks = min(max(q.weeks, 1), 104)
    return services.productivity_json(
        services.productivity(request.user, _client(q.client), weeks=weeks))
