"""Weekly report pages: the archive list, one report, its PDF, and "generate now".

Visibility first (another client's report answers 404), then VIEW_REPORTS (403). Every read
of a report (page or PDF) goes to the audit chain: reports carry the client's money.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rcmdesk.audit.services import record
from rcmdesk.calendar import last_week, parse_week
from rcmdesk.reports import queries, weekly
from rcmdesk.reports.models import WeeklyReport
from rcmdesk.tenancy.authz import allows, require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action
from rcmdesk.tenancy.visibility import visibility_for


def _report(user: Any, report_id: int) -> WeeklyReport:
    report: WeeklyReport = (WeeklyReport.objects.select_related("client", "generated_by")
                            .get_visible_or_404(user, pk=report_id))
    require(user, Action.VIEW_REPORTS, report.client_id)
    return report


@login_required
@require_GET
def weekly_list(request: HttpRequest) -> HttpResponse:
    if not allows(request.user, Action.VIEW_REPORTS):
        raise PermissionDenied("Your role does not allow this.")
    client, week = request.GET.get("client", ""), request.GET.get("week", "").strip()
    problem = queries.week_problem(week)
    return _list(request, client=client, week="" if problem else week, typed_week=week,
                 problem=problem)


def _list(request: HttpRequest, *, client: str, week: str, typed_week: str = "",
          problem: str = "", generate: dict[str, str] | None = None,
          status: int = 200) -> HttpResponse:
    """The archive with its two forms; a refused form comes back with what was typed and
    the reason beside it (``problem`` for the filter, ``generate["problem"]`` for "generate")."""
    reports = WeeklyReport.objects.visible_to(request.user).select_related("client",
                                                                            "generated_by")
    if client:
        reports = reports.filter(client__slug=client)
    if week:
        reports = reports.filter(week=week)
    clients = Organization.objects.visible_to(request.user).clients()
    chosen = next((c for c in clients if c.slug == client), None) or clients.first()
    rows = [(r, monday, monday + timedelta(days=6))
            for r in reports[:200] for monday in [parse_week(r.week)[0]]]
    return render(request, "reports/weekly_list.html", {
        "rows": rows, "clients": clients, "client": client, "week": typed_week or week,
        "problem": problem,
        "generate": generate or {"week": last_week(chosen.today()) if chosen else "",
                                 "client": chosen.slug if chosen else ""}}, status=status)


@login_required
@require_GET
def weekly_report(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request.user, report_id)
    return _page(request, report)


def _page(request: HttpRequest, report: WeeklyReport, *, status: int = 200,
          problem: str = "") -> HttpResponse:
    record("read", client_id=report.client_id, obj=report)
    return render(request, "reports/weekly_report.html", {"report": report, "problem": problem},
                  status=status)


@login_required
@require_GET
def weekly_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request.user, report_id)
    if not report.pdf:
        problem = ("This report has no PDF: it was generated where WeasyPrint or the Pango "
                   "text library (libpango-1.0) was missing. Install them and regenerate.")
        return _page(request, report, status=503, problem=problem)
    record("reports.weekly.pdf", client_id=report.client_id, obj=report)
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    name = f"{report.client.slug}-{report.week}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def weekly_generate(request: HttpRequest) -> HttpResponse:
    client = Organization.objects.clients().visible_to(request.user).filter(
        slug=request.POST.get("client", "")).first()
    if client is None:
        raise Http404("Not found.")
    require(request.user, Action.VIEW_REPORTS, client.pk)
    if not visibility_for(request.user).can_write(client.pk):
        raise PermissionDenied("Break-glass access is read-only.")
    week = request.POST.get("week", "").strip()
    problem = queries.week_problem(week) or ("" if week else "Choose the week to report on.")
    if problem:
        return _list(request, client="", week="", status=400, generate={
            "client": client.slug, "week": week, "force": request.POST.get("force", ""),
            "problem": problem})
    report, made = weekly.generate(client, week, acting_user=request.user,
                                   force=request.POST.get("force") == "1")
    messages.success(request, f"Generated {client.name} {week}." if made else
                     f"{client.name} {week} was already archived; tick “Replace an archived "
                     "report” to make it again.")
    return redirect("reports:weekly_report", report_id=report.pk)
