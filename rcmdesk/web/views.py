"""The shell: the home page, its queue-count fragment and the header's search."""

from __future__ import annotations

from typing import cast
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rcmdesk.accounts.middleware import background_poll
from rcmdesk.accounts.models import User
from rcmdesk.claims import lookup
from rcmdesk.decisions.queries import waiting
from rcmdesk.tenancy.models import BreakGlassGrant, Engagement, Organization
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue.counts import Tile, open_by_queue


@login_required
def home(request: HttpRequest) -> HttpResponse:
    visibility = visibility_for(request.user)
    clients = [
        {"org": org, "workflows": sorted(visibility.workflows_by_client[org.pk])}
        for org in Organization.objects.visible_to(request.user)
    ]
    engagements = Engagement.objects.visible_to(request.user).select_related("client", "partner")
    grants = BreakGlassGrant.objects.filter(
        user=cast(User, request.user), ended_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("client")
    hour = timezone.localtime(timezone=ZoneInfo(request.user.time_zone)).hour  # type: ignore[union-attr]
    part = "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"
    return render(request, "web/home.html", {
        "clients": clients, "engagements": engagements.distinct(),
        "break_glass": list(grants), "part_of_day": part,
    })


@login_required
@background_poll
def queue_counts(request: HttpRequest, client: str) -> HttpResponse:
    """Polled by the home page; never extends the session (see ``background_poll``).

    The client's open items and the decisions waiting on it, as the workbench and the
    decisions inbox count them for this viewer (``workqueue.counts``, ``decisions.queries``)."""
    org = Organization.objects.get_visible_or_404(request.user, slug=client)
    rows = open_by_queue(request.user, org.pk)
    workflows: dict[str, Tile] = {}
    for row in rows:
        workflows[row["workflow"]] = workflows.get(row["workflow"], Tile()) + Tile(
            row["count"], row["amount"])
    return render(request, "web/_queue_counts.html", {
        "client": org, "total": sum(workflows.values(), Tile()),
        "workflows": sorted(workflows.items()),
        "decisions": waiting(request.user, [org.pk])})


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The header's search box: claims (and visits) by patient, PCN, ICN or member id."""
    query = request.GET.get("q", "")[:lookup.MAX_QUERY].strip()
    found = lookup.search(request.user, query) if query else None
    return render(request, "web/search.html", {"found": found, "search_q": query,
                                               "shown": lookup.CLAIMS_SHOWN})
