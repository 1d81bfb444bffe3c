"""The posting pages: exceptions (read-only) and the 835 remittances, list and detail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rcmdesk.audit.services import record, record_listing
from rcmdesk.remits import queries
from rcmdesk.remits.forms import RemittanceFilterForm
from rcmdesk.remits.models import ExceptionStatus

PAGE_SIZE = 50
CLAIMS_PAGE_SIZE = 100


@login_required
@require_GET
def exception_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ExceptionStatus.OPEN)
    status = status if status in (*ExceptionStatus.values, "all") else ExceptionStatus.OPEN
    qs = queries.exceptions(request.user, "" if status == "all" else status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [queries.row(e, now) for e in page]
    record_listing([r.exception for r in rows], "remits.postingexception", key="exceptions",
                   detail={"page": page.number, "status": status})
    return render(request, "remits/exception_list.html", {
        "page": page, "rows": rows, "status": status, "statuses": ExceptionStatus.choices})


@login_required
@require_GET
def remittance_list(request: HttpRequest) -> HttpResponse:
    clients = queries.remittance_clients(request.user)
    form = RemittanceFilterForm(request.GET or None, clients)
    f = form.to_filter()
    page = Paginator(queries.search_remittances(request.user, f), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = queries.remittance_rows(request.user, page)
    queries.audit_remittance_listing(rows, detail={"page": page.number, **f.as_detail()})
    return render(request, "remits/remittance_list.html", {
        "page": page, "rows": rows, "form": form, "several_clients": len(clients) > 1})


@login_required
@require_GET
def remittance_detail(request: HttpRequest, remittance_id: int) -> HttpResponse:
    remittance = queries.get_remittance(request.user, remittance_id)
    d = queries.remittance_detail(request.user, remittance)
    claims = Paginator(d.claims, CLAIMS_PAGE_SIZE).get_page(request.GET.get("page"))
    record("read", client_id=remittance.client_id, obj=remittance,
           detail={"claims_page": claims.number})
    return render(request, "remits/remittance_detail.html", {"d": d, "page": claims})
