"""The file-transfer page (``/connections/transfers/``): what left for, and came from, a
client's trading partners, and the deliberate resend.

Reading is a report-level read (client admin and manager, partner lead: the people who
answer for whether claims went out); a resend moves the whole team's work, so it is offered
to client admins and partner leads only, and the service checks the same thing again.
Both lists are audited (``record_listing``); secrets never appear here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rcmdesk.accounts.requests import acting_user
from rcmdesk.audit.services import record_listing
from rcmdesk.connectivity import outbound
from rcmdesk.connectivity.models import InboundFile, Transmission, TransmissionState
from rcmdesk.errors import DomainError
from rcmdesk.tenancy.authz import allows, permits
from rcmdesk.tenancy.models import Organization

PAGE_SIZE = 50
MAILBOX_ROWS = 100
IN_FLIGHT = (TransmissionState.QUEUED, TransmissionState.SENDING)


class ResendForm(forms.Form):
    reason = forms.CharField(max_length=500, strip=True)


def transfer_clients(user: Any) -> list[Organization]:
    """The clients whose transfers this person may read (the menu asks the same)."""
    if not allows(user, outbound.SEE_TRANSMISSIONS):
        return []
    return [c for c in Organization.objects.visible_to(user).clients().order_by("name")
            if permits(user, outbound.SEE_TRANSMISSIONS, c.pk)]


@login_required
@require_GET
def transfers(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    clients = transfer_clients(user)
    if not allows(user, outbound.SEE_TRANSMISSIONS):
        raise PermissionDenied("Your role does not allow this.")
    slug = request.GET.get("client") or next((c.slug for c in clients), "")
    client = next((c for c in clients if c.slug == slug), None)
    if client is None and clients:
        raise Http404("Not found.")
    context: dict[str, Any] = {"clients": clients, "client": client}
    if client is not None:
        context.update(_lists(request, user, client))
    return render(request, "connectivity/transfers.html", context)


def _lists(request: HttpRequest, user: Any, client: Organization) -> dict[str, Any]:
    sent = (Transmission.objects.filter(client=client)
            .select_related("outbound", "connection", "ack_file", "requested_by", "resend_of")
            .defer("outbound__content", "ack_file__content").order_by("-queued_at", "-pk"))
    page = Paginator(sent, PAGE_SIZE).get_page(request.GET.get("page"))
    taken = list(InboundFile.objects.filter(client=client)
                 .select_related("connection", "received").defer("received__content")
                 .order_by("-first_seen_at", "-pk")[:MAILBOX_ROWS])
    record_listing({client.pk: [t.pk for t in page]}, "connectivity.transmission",
                   key="transmissions")
    record_listing({client.pk: [f.pk for f in taken]}, "connectivity.inboundfile",
                   key="inbound_files")
    return {"page": page, "mailbox": taken, "in_flight": IN_FLIGHT,
            "can_resend": permits(user, outbound.RESEND, client.pk)}


@login_required
@require_POST
def resend(request: HttpRequest, transmission_id: int) -> HttpResponse:
    user = acting_user(request)
    row = (Transmission.objects.select_related("client", "outbound")
           .defer("outbound__content").filter(pk=transmission_id).first())
    if row is None or row.client not in transfer_clients(user):
        raise Http404("Not found.")
    form = ResendForm(request.POST)
    target = reverse("transfers:transfers") + f"?client={row.client.slug}"
    if not form.is_valid():
        messages.error(request, "Say why the file is sent again; the reason is kept.")
        return redirect(target)
    try:
        again = outbound.resend(row, reason=form.cleaned_data["reason"], acting_user=user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(target)
    messages.success(request, f"{row.outbound.name} is queued to be sent again "
                              f"(transmission {again.pk}); the worker sends it shortly.")
    return redirect(target)
