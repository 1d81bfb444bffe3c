"""Claim search and the claim page. Every lookup goes through ``visible_to``; showing patient
names (the list) and a claim (the page) is audited on the client's trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rcmdesk.audit.services import record
from rcmdesk.claims import queries
from rcmdesk.claims.models import ClaimStatus

PAGE_SIZE = 50


@login_required
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    f = queries.ClaimFilter(q=request.GET.get("q", "")[:100],
                            payer=request.GET.get("payer", "")[:100],
                            status=request.GET.get("status", ""))
    page = Paginator(queries.search(request.user, f), PAGE_SIZE).get_page(request.GET.get("page"))
    queries.audit_listing(page, detail={"page": page.number, "q": f.q, "payer": f.payer,
                                        "status": f.status})
    return render(request, "claims/claim_list.html", {
        "page": page, "filter": f, "statuses": ClaimStatus.choices})


@login_required
@require_GET
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = queries.get_claim(request.user, claim_id)
    record("read", client_id=claim.client_id, obj=claim)
    return render(request, "claims/claim_detail.html", {"d": queries.detail(request.user, claim)})
