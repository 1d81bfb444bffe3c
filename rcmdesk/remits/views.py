"""The posting exceptions page: what the poster would not post on its own (read-only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rcmdesk.audit.services import record_listing
from rcmdesk.remits import queries
from rcmdesk.remits.models import ExceptionStatus

PAGE_SIZE = 50


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
