"""The KPI dashboard (``/reports/``): a client's week with formula and benchmark beside each
number, a 13-week trend table, aging and top denial causes. Filters are query parameters."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rcmdesk.reports import kpis, queries
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not allows(request.user, Action.VIEW_REPORTS):
        raise PermissionDenied("Your role does not allow this.")
    clients = Organization.objects.visible_to(request.user).clients()
    slug = request.GET.get("client") or next((c.slug for c in clients), "")
    week = request.GET.get("week", "")
    context: dict[str, Any] = {"clients": clients, "client_slug": slug, "week": week,
                               "workflows": [w.value for w in Workflow],
                               "params": request.GET}
    if slug:
        try:
            req = queries.resolve(request.user, client=slug, week=week,
                                  payer=request.GET.get("payer"),
                                  provider=request.GET.get("provider"),
                                  workflow=request.GET.get("workflow"))
        except ValueError as exc:
            return HttpResponseBadRequest(str(exc))
        data = queries.numbers(req)
        weeks = [w for w, _ in next(iter(data["trend"].values()), [])]
        context.update(req=req, data=data, week=req.week, weeks=weeks, trend_rows=[
            (kpis.BY_KEY[key], [v for _, v in points]) for key, points in data["trend"].items()])
        context["payers"] = _payers(req.client.pk)
    return render(request, "reports/dashboard.html", context)


def _payers(client_id: int) -> list[tuple[int, str]]:
    from rcmdesk.claims.models import Payer

    return list(Payer.objects.filter(client_id=client_id).order_by("name")
                .values_list("pk", "name"))
