"""Client admins browse and export their own organization's audit trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from rcmdesk.audit.models import AuditEvent, AuditEventQuerySet
from rcmdesk.audit.services import export_csv, record
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.roles import Action


def own_org_events(request: HttpRequest) -> AuditEventQuerySet:
    if not allows(request.user, Action.VIEW_AUDIT_LOG):
        raise PermissionDenied("Only client admins read the audit log.")
    events = AuditEvent.objects.visible_to(request.user)
    action = request.GET.get("action", "").strip()
    return events.filter(action=action) if action else events


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
