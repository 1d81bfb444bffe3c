"""Visit pages: the list with filters and counts, the form, the import, one visit with its
benefits and the eligibility conversation, and the "request eligibility" button.

Reads go through ``visible_to``; writes call the services, which check the role
(``Action.WORK_ITEMS`` on the eligibility workflow) and write the audit events.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.audit.services import record
from rcmdesk.eligibility import queries, services
from rcmdesk.eligibility.benefits import explain
from rcmdesk.eligibility.forms import ImportForm, VisitForm
from rcmdesk.eligibility.imports import import_visits
from rcmdesk.eligibility.models import VisitStatus
from rcmdesk.tenancy.authz import permits
from rcmdesk.tenancy.roles import Action, Workflow

PAGE_SIZE = 50


@login_required
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    f = queries.VisitFilter.parse(request.GET)
    in_range = queries.visits(request.user, f)
    page = Paginator(queries.with_status(in_range, f).order_by("scheduled_on", "pk"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "eligibility/visit_list.html", {
        "page": page, "f": f, "counts": queries.counts(in_range),
        "statuses": VisitStatus.choices, "clients": queries.visible_clients(request.user),
        # The question visit_new and visit_import ask: a clerk without the eligibility
        # workflow at any client would get a 403 from "New visit".
        "may_write": bool(queries.writable_clients(request.user))})


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    clients = queries.writable_clients(request.user)
    if not clients:
        raise PermissionDenied("You may not enter visits.")
    form = VisitForm(request.POST or None, clients=clients)
    if request.method == "POST" and form.is_valid():
        client = form.by_slug[form.cleaned_data["client"]]
        visit = services.create_visit(client, form.visit_input(), acting_user=request.user)
        messages.success(request, f"Visit #{visit.pk} saved.")
        return redirect("eligibility:visit", visit_id=visit.pk)
    return render(request, "eligibility/visit_form.html", {"form": form}, status=(
        400 if request.method == "POST" else 200))


@login_required
@require_http_methods(["GET", "POST"])
def visit_import(request: HttpRequest) -> HttpResponse:
    clients = queries.writable_clients(request.user)
    if not clients:
        raise PermissionDenied("You may not import visits.")
    form = ImportForm(request.POST or None, request.FILES or None, clients=clients)
    result = None
    if request.method == "POST" and form.is_valid():
        client = form.by_slug[form.cleaned_data["client"]]
        upload = form.cleaned_data["file"]
        result = import_visits(client, form.content, upload.name or "upload",
                               acting_user=request.user)
        if result.ok:
            messages.success(request, f"Imported: {result.created} new, {result.updated} "
                                      f"updated, {result.cancelled} cancelled.")
            return redirect("eligibility:visits")
    status = 400 if request.method == "POST" else 200
    return render(request, "eligibility/visit_import.html", {"form": form, "result": result},
                  status=status)


@login_required
@require_GET
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = queries.visible_visit(request.user, visit_id)
    record("read", client_id=visit.client_id, obj=visit)
    requests, responses = queries.history(visit)
    latest = responses[0] if responses else None
    return render(request, "eligibility/visit_detail.html", {
        "visit": visit, "requests": requests, "responses": responses, "latest": latest,
        "items": queries.items(request.user, visit),
        "rejections": [(r, explain(r.get("reason", ""))) for r in
                       (latest.rejections if latest else [])],
        "may_write": permits(request.user, Action.WORK_ITEMS, visit.client_id,
                             Workflow.ELIGIBILITY)})


@login_required
@require_POST
def visit_request(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = queries.visible_visit(request.user, visit_id)
    try:
        out = services.request_eligibility([visit], acting_user=request.user)
    except services.VisitProblem as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"270 written: {out.name} (file #{out.pk}).")
    return redirect("eligibility:visit", visit_id=visit.pk)
