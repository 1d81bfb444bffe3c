"""The KPI dashboard (``/reports/``): a client's week led by charts (13-week trends, A/R
aging, denial causes), then the numbers with formula and benchmark. Filters are query
parameters; with no week it opens on the last complete week that has data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rcmdesk.calendar import parse_week
from rcmdesk.reports import charts, kpis, queries
from rcmdesk.servicelevels import queries as service_levels
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.web.templatetags.present import label


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not allows(request.user, Action.VIEW_REPORTS):
        raise PermissionDenied("Your role does not allow this.")
    clients = Organization.objects.visible_to(request.user).clients()
    slug = request.GET.get("client") or next((c.slug for c in clients), "")
    week = request.GET.get("week", "").strip()
    context: dict[str, Any] = {"clients": clients, "client_slug": slug, "week": week,
                               "workflows": _workflows(request.user),
                               "params": request.GET}
    if not slug:
        return render(request, "reports/dashboard.html", context)
    problem = queries.week_problem(week)
    try:
        req = queries.resolve(request.user, client=slug, week="" if problem else week,
                              payer=request.GET.get("payer"),
                              provider=request.GET.get("provider"),
                              workflow=request.GET.get("workflow"))
    except ValueError as exc:
        context["problem"] = f"{exc}: choose from the lists."
        return render(request, "reports/dashboard.html", context, status=400)
    context.update(_numbers(req))
    context["service_levels"] = service_levels.panel(request.user, req.client, req.week)
    if problem:  # the message, and the week it opens on without one beneath it
        context.update(problem=f"{problem} Showing {req.week} instead.", week=week)
        return render(request, "reports/dashboard.html", context, status=400)
    return render(request, "reports/dashboard.html", context)


def _numbers(req: queries.KpiRequest) -> dict[str, Any]:
    data = queries.numbers(req)
    weeks = [w for w, _ in next(iter(data["trend"].values()), [])]
    units = {k.key: (k.label, k.unit) for k in data["kpis"]}
    causes = [label(r["category"], "root_cause") for r in data["denial_causes"]]
    monday, next_monday = parse_week(req.week)
    return {
        "req": req, "data": data, "week": req.week, "weeks": weeks, "monday": monday,
        "sunday": next_monday - timedelta(days=1),
        "trend_rows": [(kpis.BY_KEY[key], points) for key, points in data["trend"].items()],
        "trend_charts": charts.kpi_trends(data["trend"], units),
        "aging_chart": charts.aging_bars(data["aging"]),
        "denial_chart": charts.denial_pareto(data["denial_causes"], causes),
        "causes": list(zip(causes, data["denial_causes"], strict=True)),
        "payers": _payers(req.client.pk),
    }


def _workflows(user: Any) -> list[str]:
    """The workflow filter lists only the workflows this user sees somewhere."""
    seen = visibility_for(user)
    return [w.value for w in Workflow if seen.clients_for(w)]


def _payers(client_id: int) -> list[tuple[int, str]]:
    from rcmdesk.claims.models import Payer

    return list(Payer.objects.filter(client_id=client_id).order_by("name")
                .values_list("pk", "name"))
