"""Capacity pages: the planner per queue (curve, staffing, what-if form) and productivity.

Thin: numbers come from ``services`` (which authorizes and audits the read). The client is
``?client=slug``, defaulting to the first client the user sees; one out of sight answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rcmdesk.capacity import services
from rcmdesk.capacity.planner import Forecast
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.visibility import visibility_for

CHART_W, CHART_H, PAD = 560, 160, 30


def _clients(user: Any) -> list[Organization]:
    ids = visibility_for(user).clients_for()
    return list(Organization.objects.filter(pk__in=ids, kind="client").order_by("name"))


def _chosen(request: HttpRequest) -> tuple[Organization, list[Organization]]:
    clients = _clients(request.user)
    slug = request.GET.get("client", "")
    found = next((c for c in clients if c.slug == slug), None) if slug else (
        clients[0] if clients else None)
    if found is None:
        raise Http404("Not found.")
    return found, clients


def chart(base: Forecast, what_if: Forecast | None) -> dict[str, Any]:
    """Polyline points for the backlog curves (numbers only, drawn by the template)."""
    curves = [base] + ([what_if] if what_if else [])
    top = max((d.backlog for f in curves for d in f.days), default=0.0) or 1.0
    n = max(len(base.days) - 1, 1)

    def points(f: Forecast) -> str:
        return " ".join(f"{PAD + i * (CHART_W - 2 * PAD) / n:.1f},"
                        f"{CHART_H - PAD - d.backlog / top * (CHART_H - 2 * PAD):.1f}"
                        for i, d in enumerate(f.days))

    return {"w": CHART_W, "h": CHART_H, "top": round(top), "base": points(base),
            "what_if": points(what_if) if what_if else "", "x0": PAD, "x1": CHART_W - PAD,
            "y0": CHART_H - PAD, "y1": PAD}


@login_required
@require_GET
def planner(request: HttpRequest) -> HttpResponse:
    client, clients = _chosen(request)
    workflow = request.GET.get("workflow", "")[:16]
    problem = ""
    add, start = 0.0, None
    try:
        add = float(request.GET.get("add") or 0)
        if request.GET.get("from"):
            start = services.parse_day(request.GET["from"][:10])
    except (ValueError, services.CapacityProblem) as exc:
        problem, add, start = str(exc), 0.0, None
    plans = services.plans(request.user, client, add=add, add_from=start)
    queues = [{"plan": p, "chart": chart(p.forecast, p.what_if if (
        not workflow or p.key == workflow) else None),
        "show_what_if": p.what_if is not None and (not workflow or p.key == workflow)}
        for p in plans]
    return render(request, "capacity/planner.html", {
        "client": client, "clients": clients, "queues": queues, "workflow": workflow,
        "add": request.GET.get("add", ""), "from": request.GET.get("from", "")[:10],
        "problem": problem}, status=400 if problem else 200)


@login_required
@require_GET
def productivity(request: HttpRequest) -> HttpResponse:
    client, clients = _chosen(request)
    result = services.productivity(request.user, client)
    return render(request, "capacity/productivity.html", {
        "client": client, "clients": clients, "result": result})
