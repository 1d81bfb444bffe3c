"""The posting pages: exceptions (the list, and one resolved in place), unapplied cash and
its aging, and the 835 remittances, list and detail. Thin: resolving is done by the services
in ``remits.resolution``, the same ones the API and the CLI call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.audit.services import record, record_listing
from rcmdesk.remits import queries, resolution
from rcmdesk.remits.forms import ApplyForm, ClaimSearchForm, RemittanceFilterForm, ResolveForm
from rcmdesk.remits.models import ExceptionStatus, PostingException
from rcmdesk.tenancy.authz import permits
from rcmdesk.tenancy.roles import Action, Workflow

PAGE_SIZE = 50
CLAIMS_PAGE_SIZE = 100


@login_required
@require_GET
def exception_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ExceptionStatus.OPEN)
    status = status if status in (*ExceptionStatus.values, "all") else ExceptionStatus.OPEN
    qs = queries.exceptions(request.user, "" if status == "all" else status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [queries.row(e, now) for e in page]
    record_listing([r.exception for r in rows], "remits.postingexception", key="exceptions",
                   detail={"page": page.number, "status": status})
    return render(request, "remits/exception_list.html", {
        "page": page, "rows": rows, "status": status, "statuses": ExceptionStatus.choices})


@login_required
@require_GET
def remittance_list(request: HttpRequest) -> HttpResponse:
    clients = queries.remittance_clients(request.user)
    form = RemittanceFilterForm(request.GET or None, clients)
    f = form.to_filter()
    page = Paginator(queries.search_remittances(request.user, f), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = queries.remittance_rows(request.user, page)
    queries.audit_remittance_listing(rows, detail={"page": page.number, **f.as_detail()})
    return render(request, "remits/remittance_list.html", {
        "page": page, "rows": rows, "form": form, "several_clients": len(clients) > 1})


@login_required
@require_GET
def remittance_detail(request: HttpRequest, remittance_id: int) -> HttpResponse:
    remittance = queries.get_remittance(request.user, remittance_id)
    d = queries.remittance_detail(request.user, remittance)
    claims = Paginator(d.claims, CLAIMS_PAGE_SIZE).get_page(request.GET.get("page"))
    record("read", client_id=remittance.client_id, obj=remittance,
           detail={"claims_page": claims.number})
    return render(request, "remits/remittance_detail.html", {"d": d, "page": claims})


@login_required
@require_http_methods(["GET", "POST"])
def exception_detail(request: HttpRequest, exception_id: int) -> HttpResponse:
    exception = queries.get_exception(request.user, exception_id)
    if request.method == "POST":
        return _act(request, exception)
    search = ClaimSearchForm(request.GET or None)
    found = queries.search_claims(request.user, exception, search.to_search())
    record("read", client_id=exception.client_id, obj=exception)
    if found:
        record_listing(found, "claims.claim", key="claims",
                       detail={"search": "posting exception", "exception": exception.pk})
    may_resolve = permits(request.user, Action.WORK_ITEMS, exception.client_id, Workflow.POSTING)
    return render(request, "remits/exception_detail.html", {
        "e": exception, "kind": resolution.kind_of(exception), "may_resolve": may_resolve,
        "actions": resolution.actions_for(exception) if may_resolve else (),
        "item": queries.exception_item(request.user, exception),
        "amount": queries.row(exception).amount, "search": search, "found": found})


def _act(request: HttpRequest, exception: PostingException) -> HttpResponse:
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an action.")
        return redirect("remits:exception", exception.pk)
    action, text = form.cleaned_data["action"], form.cleaned_data["text"] or ""
    user = request.user
    if action in (resolution.MATCH, resolution.LINK):
        claim = queries.client_claim(user, exception.client_id, pk=form.cleaned_data["claim"])
        act = resolution.match if action == resolution.MATCH else resolution.link_takeback
        outcome = act(exception, claim, acting_user=user)
        messages.success(request, f"Claim {claim.patient_control_number}: "
                                  f"{outcome.replace('_', ' ')}.")
    elif action == resolution.PARK:
        cash = resolution.park(exception, text, acting_user=user)
        messages.success(request, f"Parked {cash.amount} as unapplied cash #{cash.pk}.")
    elif action == resolution.REFUND:
        proposal = resolution.request_refund(exception, text, acting_user=user)
        messages.success(request, f"Refund of {proposal.amount} asked of the client "
                                  f"(decision #{proposal.pk}: {proposal.status}).")
    else:
        resolution.review(exception, text, acting_user=user)
        messages.success(request, "Reviewed.")
    return redirect("remits:exception", exception.pk)


@login_required
@require_GET
def unapplied_list(request: HttpRequest) -> HttpResponse:
    held = list(queries.unapplied_cash(request.user))
    record_listing(held, "remits.unappliedcash", key="unapplied_cash",
                   detail={"report": "unapplied cash aging"})
    return render(request, "remits/unapplied.html", {
        "held": held, "aging": queries.unapplied_aging(held), "form": ApplyForm()})


@login_required
@require_POST
def unapplied_apply(request: HttpRequest, unapplied_id: int) -> HttpResponse:
    cash = queries.get_unapplied(request.user, unapplied_id)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the claim's patient control number and an amount "
                                "above zero.")
        return redirect("remits:unapplied")
    claim = queries.client_claim(request.user, cash.client_id, pcn=form.cleaned_data["pcn"])
    applied = resolution.apply_cash(cash, claim, form.cleaned_data["amount"],
                                    acting_user=request.user)
    messages.success(request, f"Applied {applied.amount} of unapplied cash #{cash.pk} to "
                              f"claim {claim.patient_control_number}.")
    return redirect("remits:unapplied")
