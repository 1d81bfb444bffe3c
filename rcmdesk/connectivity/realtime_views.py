"""The "check now" buttons (a visit, an AR item, a claim) and the per-client log of real-time
inquiries. Reads go through visibility; the services check the role and audit.

An htmx click gets the page reloaded when the answer is in (so the benefits or the claim's
status show where they always do) and the panel with the reason when real time failed; a
plain form post gets a message and the page again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rcmdesk.audit.services import record_listing
from rcmdesk.claims.queries import get_claim
from rcmdesk.connectivity.models import InquiryState, RealtimeInquiry
from rcmdesk.connectivity.realtime import check_eligibility_now, check_status_now
from rcmdesk.connectivity.templatetags.realtime_tags import realtime_claim, realtime_visit
from rcmdesk.eligibility.queries import visible_visit
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue.models import WorkItem

PAGE_SIZE = 50


def _tell(request: HttpRequest, inquiry: RealtimeInquiry, where: str = "") -> None:
    """The outcome as a message for the page the person goes back to."""
    if inquiry.state == InquiryState.ANSWERED:
        messages.success(request, f"The payer answered in {inquiry.round_trip_ms} ms{where}.")
    else:
        messages.warning(request, f"No answer in real time: {inquiry.error}. "
                                  "The inquiry goes by batch instead.")


def _answered(request: HttpRequest, inquiry: RealtimeInquiry, panel: dict[str, object],
              back: HttpResponse) -> HttpResponse:
    if not request.headers.get("HX-Request"):
        _tell(request, inquiry)
        return back
    response = render(request, "connectivity/_realtime_panel.html", panel)
    if inquiry.state == InquiryState.ANSWERED:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def visit_check(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = visible_visit(request.user, visit_id)
    inquiry = check_eligibility_now(visit, acting_user=request.user)
    return _answered(request, inquiry, realtime_visit({"request": request}, visit),
                     redirect("eligibility:visit", visit_id=visit.pk))


@login_required
@require_POST
def item_check(request: HttpRequest, item_id: int) -> HttpResponse:
    item = WorkItem.objects.visible_to(request.user).select_related("claim__client").filter(
        pk=item_id).first()
    if item is None or item.claim is None:
        raise Http404("No such item with a claim.")
    inquiry = check_status_now(item.claim, acting_user=request.user)
    return _answered(request, inquiry, realtime_claim({"request": request}, item.claim,
                                                      item.pk),
                     redirect("workqueue:item", item_id=item.pk))


@login_required
@require_POST
def claim_check(request: HttpRequest, claim_id: int) -> HttpResponse:
    """The claim page's "Check status now": the answer (or why there is none yet) is told
    as a message on the claim page, whose timeline shows the 276 and its 277."""
    claim = get_claim(request.user, claim_id)
    inquiry = check_status_now(claim, acting_user=request.user)
    _tell(request, inquiry, where="; its answer is in the claim's story below")
    if request.headers.get("HX-Request"):
        refreshed = HttpResponse(status=204)
        refreshed["HX-Refresh"] = "true"
        return refreshed
    return redirect("claims:claim", claim_id=claim.pk)


@login_required
@require_GET
def inquiries(request: HttpRequest, client_slug: str) -> HttpResponse:
    """One client's real-time inquiries, newest first: the CORE log a partner or a payer
    asks for (control numbers, times, round trip, outcome)."""
    client = Organization.objects.filter(slug=client_slug).first()
    if client is None or not visibility_for(request.user).can_see(client.pk):
        raise Http404("No such client.")
    rows = RealtimeInquiry.objects.visible_to(request.user).filter(
        client=client).select_related("connection", "requested_by")
    page = Paginator(rows.order_by("-sent_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    record_listing(page, "connectivity.realtimeinquiry", key="realtime_inquiries",
                   detail={"client": client.pk, "page": page.number})
    return render(request, "connectivity/inquiries.html",
                  {"client": client, "page": page, "zone": client.time_zone})

