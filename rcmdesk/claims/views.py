"""Claim search and the claim page. Every lookup goes through ``visible_to``; showing patient
names (the list) and a claim (the page) is audited on the client's trail.

The claim page is where every other page links; from it a specialist starts what the claim
needs next (a 276, a corrected or void claim), each through the service that checks and
records it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.arfollowup.services import request_status
from rcmdesk.audit.services import record
from rcmdesk.claims import queries
from rcmdesk.claims.forms import CorrectedClaimForm
from rcmdesk.claims.models import ClaimStatus
from rcmdesk.denials.corrected import FREQUENCIES, corrected_claim, denied_lines
from rcmdesk.tenancy.models import Organization

PAGE_SIZE = 50


@login_required
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    f = queries.ClaimFilter(q=request.GET.get("q", "")[:100],
                            payer=request.GET.get("payer", "")[:100],
                            status=request.GET.get("status", ""),
                            client=request.GET.get("client", "")[:60])
    page = Paginator(queries.search(request.user, f), PAGE_SIZE).get_page(request.GET.get("page"))
    queries.audit_listing(page, detail={"page": page.number, "q": f.q, "payer": f.payer,
                                        "status": f.status})
    return render(request, "claims/claim_list.html", {
        "page": page, "filter": f, "statuses": ClaimStatus.choices,
        "clients": Organization.objects.visible_to(request.user).filter(kind="client")
        .order_by("name")})


@login_required
@require_GET
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = queries.get_claim(request.user, claim_id)
    record("read", client_id=claim.client_id, obj=claim)
    return render(request, "claims/claim_detail.html", {"d": queries.detail(request.user, claim)})


@login_required
@require_POST
def status_request(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = queries.get_claim(request.user, claim_id)
    out = request_status([claim], acting_user=request.user)
    messages.info(request, f"Claim status request (276) written: {out.name}. The payer's "
                           "277 answer will appear on this page when it arrives.")
    return redirect("claims:claim", claim_id=claim.pk)


@login_required
@require_http_methods(["GET", "POST"])
def corrected(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = queries.get_claim(request.user, claim_id)
    if request.method == "GET":
        form = CorrectedClaimForm(claim, initial={"lines": [ln.pk for ln in denied_lines(claim)]})
        return render(request, "claims/corrected.html", {"claim": claim, "form": form})
    form = CorrectedClaimForm(claim, request.POST)
    if not form.is_valid():
        return render(request, "claims/corrected.html", {"claim": claim, "form": form},
                      status=400)
    frequency = form.cleaned_data["frequency"]
    out = corrected_claim(claim, frequency, form.chosen_lines(), acting_user=request.user,
                          diagnoses=form.cleaned_data["diagnoses"])
    messages.info(request, f"{FREQUENCIES[frequency].capitalize()} claim written: {out.name}.")
    return redirect("claims:claim", claim_id=claim.pk)
