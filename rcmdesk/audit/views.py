"""Client admins browse and export their own organization's audit trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from rcmdesk.audit.models import AuditEventQuerySet
from rcmdesk.audit.services import events_of_own_organization, export_csv, record


def own_org_events(request: HttpRequest) -> AuditEventQuerySet:
    return events_of_own_organization(request.user, request.GET.get("action", ""))


@login_required
def events(request: HttpRequest) -> HttpResponse:
    page = Paginator(own_org_events(request).order_by("-seq"), 50).get_page(
        request.GET.get("page"))
    return render(request, "audit/events.html", {"page": page,
                                                 "action": request.GET.get("action", "")})


@login_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    qs = own_org_events(request).order_by("seq")
    record("export", client_id=request.user.organization_id,  # type: ignore[union-attr]
           object_type="audit.auditevent", detail={"action": request.GET.get("action", "")})
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(export_csv(qs.iterator()), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
