"""The escalation board, raising one, and one escalation's page (thread, history, actions).

Thin: rules live in ``services``. Another tenant's escalation answers 404 like a missing
one; a person who may not act answers 403. Due times are shown on the owner's clock (the one
the promise is kept by) and on the viewer's.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.audit.services import record, record_listing
from rcmdesk.escalations import services
from rcmdesk.escalations.models import Escalation, EscalationKind, EscalationStatus
from rcmdesk.workqueue.models import WorkItem

BOARD_COLUMNS = (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED,
                 EscalationStatus.RESPONDED, EscalationStatus.RESOLVED)
BOARD_LIMIT = 500


def _viewer_zone(request: HttpRequest) -> str:
    return services.owner_time_zone(request.user)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    f = services.BoardFilter(client=request.GET.get("client", "")[:60],
                             kind=request.GET.get("kind", "")[:16],
                             mine=request.GET.get("mine") == "1",
                             overdue_only=request.GET.get("overdue") == "1")
    now = timezone.now()
    rows = list(services.search(request.user, f, now)[:BOARD_LIMIT])
    record_listing(rows, "escalations.escalation", key="escalations")
    columns = [(status, [_card(e, now) for e in rows if e.status == status])
               for status in BOARD_COLUMNS]
    return render(request, "escalations/board.html", {
        "columns": [(EscalationStatus(s).label, s, cards) for s, cards in columns],
        "filter": f, "kinds": EscalationKind.choices,
        "clients": services.raisable_clients(request.user),
        "overdue_count": sum(1 for e in rows if e.is_overdue(now)),
        "viewer_zone": _viewer_zone(request)})


def _card(e: Escalation, now: Any) -> dict[str, Any]:
    return {"e": e, "overdue": e.is_overdue(now)}


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    item = _item(request, data.get("item", ""))
    slug = item.client.slug if item is not None else data.get("client", "")[:60]
    client = services.client_for(request.user, slug)
    if client is None:
        clients = services.raisable_clients(request.user)
        if item is not None or not clients:
            raise Http404("Not found.")
        return render(request, "escalations/choose_client.html", {"clients": clients})
    problem = ""
    values = {"kind": data.get("kind", EscalationKind.PAYER_STUCK),
              "subject": data.get("subject", "")[:services.SUBJECT_MAX],
              "body": data.get("body", ""), "owner": data.get("owner", "")}
    if request.method == "POST" and request.POST.get("submit") == "1":
        try:
            owner = (services.find_user(values["owner"])
                     if values["owner"] else None)
            esc = services.create_escalation(client, values["kind"],
                                             values["subject"], values["body"],
                                             acting_user=request.user, item=item,
                                             owner=owner)
        except services.EscalationProblem as exc:
            problem = str(exc)
        else:
            messages.info(request, f"Escalated to {esc.owner.username}.")
            return redirect("escalations:detail", escalation_id=esc.pk)
    return render(request, "escalations/new.html", {
        "client": client, "item": item, "values": values, "problem": problem,
        "kinds": EscalationKind.choices,
        "owners": services.owner_candidates(client, services.item_workflow(item)),
        "default_owner": services.default_owner(client, services.engagement_for(client, item),
                                                services.item_workflow(item)),
        "sla": {k: services.sla_hours(client, k) for k in EscalationKind.values}},
        status=400 if problem else 200)


def _item(request: HttpRequest, raw: str) -> WorkItem | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("Not found.")
    item: WorkItem = WorkItem.objects.get_visible_or_404(request.user, pk=int(raw))
    return item


def _page(request: HttpRequest, esc: Escalation, *, status: int = 200,
          problem: str = "") -> HttpResponse:
    """The escalation's page; after a refused post, the note or message comes back as
    typed."""
    record("read", client_id=esc.client_id, obj=esc)
    viewer_zone = _viewer_zone(request)
    user = request.user
    actions = [a for a, (sources, _) in services.TRANSITIONS.items()
               if esc.status in sources and services.may_take(user, esc, a)]
    return render(request, "escalations/detail.html", {
        "e": esc, "problem": problem, "overdue": esc.is_overdue(),
        "viewer_zone": viewer_zone, "note": request.POST.get("note", ""),
        "body": request.POST.get("body", ""), "chosen_owner": request.POST.get("owner", ""),
        "thread": esc.messages.select_related("author"),
        "history": esc.events.select_related("actor"),
        "actions": actions, "may_write": services.may_raise(user, esc.client_id)
        and esc.status != EscalationStatus.CLOSED,
        "owners": (services.owner_candidates(esc.client, services.item_workflow(esc.item))
                   if "reassign" in actions else [])},
        status=status)


@login_required
@require_GET
def detail(request: HttpRequest, escalation_id: int) -> HttpResponse:
    return _page(request, services.get_visible(request.user, escalation_id))


@login_required
@require_POST
def message(request: HttpRequest, escalation_id: int) -> HttpResponse:
    esc = services.get_visible(request.user, escalation_id)
    try:
        services.post_message(esc, request.POST.get("body", ""), acting_user=request.user)
    except services.EscalationProblem as exc:
        return _page(request, esc, status=400, problem=str(exc))
    return redirect("escalations:detail", escalation_id=esc.pk)


@login_required
@require_POST
def act(request: HttpRequest, escalation_id: int) -> HttpResponse:
    esc = services.get_visible(request.user, escalation_id)
    version = request.POST.get("version", "")
    if not version.isdigit():
        return _page(request, esc, status=400, problem="The form lost its version; reload.")
    try:
        owner_name = request.POST.get("owner", "")
        owner = services.find_user(owner_name) if owner_name else None
        services.transition(esc, request.POST.get("action", ""), int(version),
                            acting_user=request.user,
                            note=request.POST.get("note", ""), owner=owner)
    except services.Conflict as exc:
        return _page(request, services.get_visible(request.user, escalation_id), status=409,
                     problem=str(exc))
    except services.EscalationProblem as exc:
        return _page(request, esc, status=400, problem=str(exc))
    messages.info(request, "Escalation updated.")
    return redirect("escalations:detail", escalation_id=esc.pk)


@login_required
@require_http_methods(["GET", "POST"])
def response_slas(request: HttpRequest) -> HttpResponse:
    """A client admin's own response promises per kind (defaults otherwise)."""
    from decimal import Decimal, InvalidOperation

    from rcmdesk.tenancy.authz import require
    from rcmdesk.tenancy.roles import Action

    slug = (request.POST.get("client") or request.GET.get("client", ""))[:60]
    require(request.user, Action.EDIT_PLAYBOOKS, None)
    client = services.require_visible_client(request.user, slug) if slug else None
    if client is None:
        clients = services.raisable_clients(request.user)
        if not clients:
            raise Http404("Not found.")
        return render(request, "escalations/choose_client.html",
                      {"clients": clients, "slas": True})
    require(request.user, Action.EDIT_PLAYBOOKS, client.pk)
    problem = ""
    if request.method == "POST":
        try:
            hours = Decimal(request.POST.get("hours", ""))
            services.set_response_sla(client, request.POST.get("kind", ""),
                                      hours, acting_user=request.user)
        except InvalidOperation:
            problem = "Hours must be a number."
        except services.EscalationProblem as exc:
            problem = str(exc)
        else:
            messages.info(request, "Response time saved.")
            return redirect(f"{request.path}?client={client.slug}")
    rows = [(value, label, services.DEFAULT_SLA_HOURS[value],
             services.sla_hours(client, value)) for value, label in EscalationKind.choices]
    return render(request, "escalations/slas.html", {"client": client, "rows": rows,
                                                     "problem": problem},
                  status=400 if problem else 200)
