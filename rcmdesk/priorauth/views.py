"""Authorization pages: the tracker, manual entry, one authorization (history, edit, ask the
payer with a 278), and the playbook's "needs authorization" rows for client admins.

Thin: rules live in ``services``; another tenant's row answers 404 like a missing one, a role
that may not act 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.audit.services import record
from rcmdesk.eligibility.models import Visit
from rcmdesk.playbooks.models import AuthRequirement
from rcmdesk.priorauth import queries, services
from rcmdesk.priorauth.decisions import describe
from rcmdesk.priorauth.forms import AuthEditForm, AuthForm, RequirementForm
from rcmdesk.priorauth.models import Authorization, AuthSource, AuthStatus
from rcmdesk.priorauth.producers import EXPIRING_DAYS
from rcmdesk.tenancy.authz import permits, require
from rcmdesk.tenancy.roles import Action

PAGE_SIZE = 50
NEEDED_SHOWN = 50


@login_required
@require_GET
def tracker(request: HttpRequest) -> HttpResponse:
    f = queries.AuthFilter(client=request.GET.get("client", "")[:60],
                           status=request.GET.get("status", ""),
                           expiring=request.GET.get("expiring") == "1",
                           q=request.GET.get("q", "")[:100])
    page = Paginator(queries.search(request.user, f), PAGE_SIZE).get_page(
        request.GET.get("page"))
    needed = list(queries.needed_items(request.user, f.client)[:NEEDED_SHOWN])
    queries.audit_listing(page, detail={"page": page.number, "status": f.status,
                                        "expiring": f.expiring, "q": f.q})
    return render(request, "priorauth/tracker.html", {
        "page": page, "filter": f, "statuses": AuthStatus.choices, "needed": needed,
        "expiring_days": EXPIRING_DAYS,
        "may_work": bool(queries.writable_clients(request.user)),
        "clients": queries.visible_clients(request.user),
        # The questions requirements() asks: a role may edit playbooks yet see no client.
        "may_edit_playbooks": bool(queries.writable_clients(request.user, None,
                                                            Action.EDIT_PLAYBOOKS))})


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    slug = (request.POST.get("client") or request.GET.get("client", ""))[:60]
    client = queries.client_for(request.user, slug)
    if client is None:
        clients = queries.writable_clients(request.user)
        if not clients:
            require(request.user, Action.WORK_ITEMS, None)  # 403 for a role that may not
            raise Http404("Not found.")
        return render(request, "priorauth/choose_client.html", {"clients": clients})
    form = AuthForm(request.POST or None, client=client,
                    initial={"status": AuthStatus.APPROVED, "source": AuthSource.PHONE})
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            auth = services.record_manual(client, form.new_input(), acting_user=request.user)
        except services.AuthProblem as exc:
            problem = str(exc)
        else:
            messages.info(request, "Authorization recorded.")
            return redirect("priorauth:detail", auth_id=auth.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "priorauth/new.html", {"form": form, "client": client,
                                                  "problem": problem}, status=status)


def _page(request: HttpRequest, auth: Authorization, *, form: AuthEditForm | None = None,
          status: int = 200, problem: str = "") -> HttpResponse:
    record("read", client_id=auth.client_id, obj=auth)
    # edit() asks this of the authorization's own client and workflow.
    may_work = permits(request.user, Action.WORK_ITEMS, auth.client_id, auth.tenant_workflow)
    if form is None and may_work:
        form = AuthEditForm(client=auth.client, initial={
            "codes": ", ".join(auth.codes), "status": auth.status,
            "source": auth.source if auth.source != AuthSource.X278 else AuthSource.PHONE,
            "certification_number": auth.certification_number,
            "decision_code": auth.decision_code, "reason_code": auth.reason_code,
            "approved_units": auth.approved_units, "start_date": auth.start_date,
            "end_date": auth.end_date, "provider": auth.provider_id, "visit": auth.visit_id,
            "note": auth.note})
    return render(request, "priorauth/detail.html", {
        "a": auth, "form": form, "problem": problem, "may_work": may_work,
        "decision_words": describe(auth.decision_code),
        "history": [(d, describe(d.decision_code)) for d in queries.history(auth)],
        "requests": auth.requests.select_related("outbound", "requested_by").order_by(
            "-requested_at"),
        "splits": auth.splits.order_by("pk")}, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, auth_id: int) -> HttpResponse:
    return _page(request, queries.get_auth(request.user, auth_id))


@login_required
@require_POST
def edit(request: HttpRequest, auth_id: int) -> HttpResponse:
    auth = queries.get_auth(request.user, auth_id)
    require(request.user, Action.WORK_ITEMS, auth.client_id, auth.tenant_workflow)
    form = AuthEditForm(request.POST, client=auth.client)
    if not form.is_valid():
        return _page(request, auth, form=form, status=400)
    try:
        services.update_manual(auth, form.auth_input(auth.patient_id,
                                                                   auth.payer_id),
                                                                   acting_user=request.user)
    except services.AuthProblem as exc:
        return _page(request, auth, form=form, status=400, problem=str(exc))
    messages.info(request, "Authorization updated.")
    return redirect("priorauth:detail", auth_id=auth.pk)


@login_required
@require_POST
def request_278(request: HttpRequest, auth_id: int) -> HttpResponse:
    auth = queries.get_auth(request.user, auth_id)
    codes = [c for c in request.POST.get("codes", "").replace(";", ",").split(",") if c.strip()]
    try:
        services.request_authorization(auth, codes or None, acting_user=request.user)
    except services.AuthProblem as exc:
        return _page(request, auth, status=400, problem=str(exc))
    messages.info(request, "278 request written; the payer's answer will update this page.")
    return redirect("priorauth:detail", auth_id=auth.pk)


@login_required
@require_POST
def request_for_visit(request: HttpRequest) -> HttpResponse:
    """Ask the payer about a visit's codes (from the tracker's needed-and-missing list)."""
    visit_id = request.POST.get("visit_id", "")
    visit = Visit.objects.filter(pk=int(visit_id)).first() if visit_id.isdigit() else None
    if visit is None:
        raise Http404("Not found.")
    try:
        auth = services.request_authorization(visit, acting_user=request.user)
    except services.AuthProblem as exc:
        messages.error(request, str(exc))
        return redirect("priorauth:tracker")
    messages.info(request, "278 request written.")
    return redirect("priorauth:detail", auth_id=auth.pk)


# --- the playbook's requirement rows (client admins) ----------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def requirements(request: HttpRequest) -> HttpResponse:
    slug = (request.POST.get("client") or request.GET.get("client", ""))[:60]
    client = queries.client_for(request.user, slug, None, Action.EDIT_PLAYBOOKS)
    if client is None:
        require(request.user, Action.EDIT_PLAYBOOKS, None)
        clients = queries.writable_clients(request.user, None, Action.EDIT_PLAYBOOKS)
        if not clients:
            raise Http404("Not found.")
        return render(request, "priorauth/choose_client.html", {"clients": clients,
                                                                "requirements": True})
    require(request.user, Action.EDIT_PLAYBOOKS, client.pk)
    form = RequirementForm(request.POST or None, client=client)
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.add_requirement(client, acting_user=request.user,
                                     payer=form.cleaned_data["payer"],
                                     codes=form.cleaned_data["codes"],
                                     note=form.cleaned_data.get("note") or "")
        except services.AuthProblem as exc:
            problem = str(exc)
        else:
            messages.info(request, "Requirement added.")
            return redirect(f"{request.path}?client={client.slug}")
    rows = AuthRequirement.objects.filter(client=client).select_related("payer").order_by(
        "-active", "payer__name", "pk")
    status = 400 if request.method == "POST" else 200
    return render(request, "priorauth/requirements.html", {
        "client": client, "rows": rows, "form": form, "problem": problem}, status=status)


@login_required
@require_POST
def deactivate_requirement(request: HttpRequest, requirement_id: int) -> HttpResponse:
    row: Any = AuthRequirement.objects.get_visible_or_404(request.user, pk=requirement_id)
    services.deactivate_requirement(row, acting_user=request.user)
    messages.info(request, "Requirement deactivated.")
    return redirect(f"{reverse('priorauth:requirements')}?client={row.client.slug}")
