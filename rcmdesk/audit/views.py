"""Client admins browse and export their own organization's audit trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from rcmdesk.audit import words
from rcmdesk.audit.models import AuditEventQuerySet
from rcmdesk.audit.services import (
    checkpoints_of_own_organization,
    events_of_own_organization,
    export_csv,
    own_organization_chain,
    record,
)


def own_org_events(request: HttpRequest) -> AuditEventQuerySet:
    """The filtered events of the user's own chain, sealed up to now."""
    own_organization_chain(request.user)
    return events_of_own_organization(request.user, request.GET.get("action", "")[:40],
                                      who=request.GET.get("who", "")[:150])


@login_required
def events(request: HttpRequest) -> HttpResponse:
    """The trail newest first, worded: actions and objects in words, the detail as
    "Key: value" pairs, times in the organization's zone with the zone named."""
    page = Paginator(own_org_events(request).order_by("-id"), 50).get_page(
        request.GET.get("page"))
    actions = (events_of_own_organization(request.user).order_by("action")
               .values_list("action", flat=True).distinct())
    rows = [(e, words.action_words(e.action), words.object_words(e.object_type, e.object_id),
             words.detail_pairs(e.detail)) for e in page.object_list]
    org = getattr(request.user, "organization", None)
    return render(request, "audit/events.html", {
        "page": page, "rows": rows, "zone": getattr(org, "time_zone", None),
        "action": request.GET.get("action", ""), "who": request.GET.get("who", ""),
        "actions": [(a, words.action_words(a)) for a in actions]})


@login_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    qs = own_org_events(request).order_by("id")
    record("export", client_id=request.user.organization_id,  # type: ignore[union-attr]
           object_type="audit.auditevent", detail={"action": request.GET.get("action", "")})
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(export_csv(qs.iterator()), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


@login_required
def export_checkpoints(request: HttpRequest) -> StreamingHttpResponse:
    """The client's signed chain checkpoints, to keep outside rcmdesk (audited)."""
    lines = checkpoints_of_own_organization(request.user)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(lines, content_type="application/jsonl")
    response["Content-Disposition"] = f'attachment; filename="audit-checkpoints-{stamp}.jsonl"'
    return response
