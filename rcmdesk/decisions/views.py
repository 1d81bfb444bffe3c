"""Decision pages: the inbox (client managers decide, partners follow their proposals), one
proposal with its history, proposing from a work item, and the client admin's thresholds and
adjustment reasons.

Thin: rules live in ``services``. Out of sight answers 404, a role that may not act 403, a
decision already taken 409 with the page as it now stands.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.audit.services import record
from rcmdesk.decisions import queries, services
from rcmdesk.decisions.forms import DecideForm, ProposeForm, ReasonForm, RuleForm
from rcmdesk.decisions.models import (
    AdjustmentReason,
    DecisionRule,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from rcmdesk.decisions.reasons import ReasonProblem, save_reason
from rcmdesk.tenancy.authz import allows, permits, require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue.models import WorkItem

LIST_SIZE = 200


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    return _inbox(request)


def _inbox(request: HttpRequest, *, status: int = 200, problem: str = "") -> HttpResponse:
    user = request.user
    f = queries.InboxFilter.parse(request.GET)
    rows = list(queries.proposals(user, f)[:LIST_SIZE])
    appeals = list(queries.pending_appeals(user, f.client)) if f.kind in (
        "", ProposalKind.APPEAL_FILING) and f.status == ProposalStatus.PROPOSED else []
    counts = queries.waiting(user)
    queries.audit_listing(rows, detail={"status": f.status, "kind": f.kind})
    return render(request, "decisions/inbox.html", {
        "rows": [r for r in rows if f.kind != ProposalKind.APPEAL_FILING],
        "appeals": appeals,
        "counts": counts, "filter": f, "problem": problem,
        "statuses": ProposalStatus.choices, "kinds": ProposalKind.choices,
        "clients": queries.clients(user),
        "decidable": {r.pk for r in rows if services.may_decide(user, r)},
        "may_decide_appeals": {a.pk for a in appeals
                               if permits(user, Action.DECIDE, a.client_id, Workflow.DENIALS)},
        "may_edit_rules": allows(user, Action.EDIT_PLAYBOOKS)}, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _detail(request, queries.get_proposal(request.user, proposal_id))


def _detail(request: HttpRequest, proposal: Proposal, *, status: int = 200,
            problem: str = "", form: DecideForm | None = None,
            comment_problem: str = "") -> HttpResponse:
    record("read", client_id=proposal.client_id, obj=proposal)
    user = request.user
    return render(request, "decisions/detail.html", {
        "proposal": proposal, "events": proposal.events.select_related("actor"),
        "problem": problem, "comment_problem": comment_problem,
        "form": form or DecideForm(initial={"version": proposal.version}),
        "may_decide": services.may_decide(user, proposal),
        "may_withdraw": proposal.is_open and proposal.proposed_by_id == user.pk,
    }, status=status)


@login_required
@require_POST
def decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Approve or reject. A refusal the decider can fix (no comment on a rejection) comes
    back in place, beside the comment box, with what was typed: on the inbox row (htmx) or
    on the proposal's page. Only a decision taken meanwhile (409) replaces the page."""
    proposal = queries.get_proposal(request.user, proposal_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _decide_again(request, proposal, form, "Choose approve or reject.")
    try:
        done = services.decide(proposal, form.approve,
                               form.cleaned_data["comment"] or "", acting_user=request.user,
                               version=form.cleaned_data["version"])
    except services.AlreadyDecided as exc:
        if request.headers.get("HX-Request"):
            raise  # an inbox row: shown in the page's refusal region (web middleware)
        return _detail(request, queries.get_proposal(request.user, proposal_id),
                       status=409, problem=str(exc))
    except services.ProposalProblem as exc:
        return _decide_again(request, proposal, form, str(exc))
    if request.headers.get("HX-Request"):
        return render(request, "decisions/_row.html", {"r": done})
    messages.info(request, f"Proposal #{done.pk}: {done.get_status_display()}.")
    return redirect("decisions:inbox")


def _decide_again(request: HttpRequest, proposal: Proposal, form: DecideForm,
                  problem: str) -> HttpResponse:
    """The decide form again, the problem beside the comment box and the comment kept: the
    inbox row for htmx (marked as a refusal so app.js swaps it in although it is a 400),
    the proposal's page otherwise."""
    if not request.headers.get("HX-Request"):
        return _detail(request, proposal, status=400, form=form, comment_problem=problem)
    response = render(request, "decisions/_row.html", {
        "r": proposal, "decidable": {proposal.pk} if services.may_decide(
            request.user, proposal) else set(),
        "comment": form.data.get("comment", ""), "problem": problem}, status=400)
    response["X-RCM-Refusal"] = "1"
    return response


@login_required
@require_POST
def withdraw(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = queries.get_proposal(request.user, proposal_id)
    if proposal.proposed_by_id != request.user.pk:
        raise PermissionDenied("Only whoever proposed it may withdraw it.")
    try:
        services.withdraw(proposal, request.POST.get("comment", "")[:4000],
                          acting_user=request.user)
    except services.AlreadyDecided as exc:
        return _detail(request, proposal, status=409, problem=str(exc))
    return redirect("decisions:detail", proposal_id=proposal.pk)


@login_required
@require_POST
def propose(request: HttpRequest, item_id: int) -> HttpResponse:
    from rcmdesk.workqueue import queries as work_queries

    item: WorkItem = work_queries.get_item(request.user, item_id)
    form = ProposeForm(request.POST, client_id=item.client_id)
    if not form.is_valid():
        return _refused(request, item, 400, _form_problems(form))
    data = form.cleaned_data
    proposal = services.propose(item.client, data["kind"], acting_user=request.user, item=item,
                                amount=data["amount"], reasons=data["reasons"],
                                evidence=data["evidence"], account=data["account"],
                                adjustment_reason=data.get("adjustment_reason") or "")
    messages.info(request, f"Proposed (#{proposal.pk}): the item waits for the client's "
                           "decision." if proposal.is_open else
                  f"#{proposal.pk}: {proposal.decision_comment}")
    return redirect("decisions:detail", proposal_id=proposal.pk)


def _form_problems(form: ProposeForm) -> str:
    """The form's refusals in one line, each under its field's label ("Adjustment reason:
    Choose why ..."), never the field's code name."""
    return "; ".join(
        (f"{form[name].label}: " if name in form.fields else "")
        + " ".join(str(e) for e in errors) for name, errors in form.errors.items())


def _refused(request: HttpRequest, item: WorkItem, status: int, problem: str) -> HttpResponse:
    return render(request, "decisions/refused.html", {"item": item, "problem": problem},
                  status=status)


@login_required
@require_POST
def decide_appeal(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """An appeal's filing decision from the inbox, through ``denials.appeals.decide``."""
    from rcmdesk.denials import appeals as denial_appeals
    from rcmdesk.denials.models import Appeal

    appeal = Appeal.objects.get_visible_or_404(request.user, pk=appeal_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _inbox(request, status=400, problem="Choose approve or reject.")
    try:
        denial_appeals.decide(appeal, form.cleaned_data["version"] or
                              appeal.version, acting_user=request.user, approve=form.approve,
                              note=form.cleaned_data["comment"] or "")
    except denial_appeals.AppealConflict as exc:
        return _inbox(request, status=409, problem=str(exc))
    messages.info(request, f"Appeal #{appeal.pk}: {'approved' if form.approve else 'declined'}.")
    return redirect("decisions:inbox")


def _own_client(user: Any, what: str) -> Organization:
    """The signed-in person's own client: thresholds and reasons are the client's to keep."""
    org: Organization | None = user.organization
    client = org if org is not None and org.is_client else None
    if client is None:
        raise PermissionDenied(f"{what} belong to the client's admin.")
    require(user, Action.VIEW_TENANT_DATA, client.pk)
    return client


@login_required
@require_http_methods(["GET", "POST"])
def reasons(request: HttpRequest) -> HttpResponse:
    """The client's write-off (adjustment) reasons: its admin adds, renames and retires
    them; the client's other people read the list."""
    user: Any = request.user
    client = _own_client(user, "Adjustment reasons")
    form = ReasonForm(request.POST or None)
    problem, status = "", 200
    if request.method == "POST":
        require(user, Action.EDIT_PLAYBOOKS, client.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                save_reason(client, data["code"], data["label"], data.get("carc") or "",
                            bool(data.get("active")), acting_user=user)
                messages.info(request, "Adjustment reason saved.")
                return redirect("decisions:reasons")
            except ReasonProblem as exc:
                problem, status = str(exc), 400
        else:
            problem, status = "Check the form.", 400
    return render(request, "decisions/reasons.html", {
        "client": client, "form": form, "problem": problem,
        "rows": AdjustmentReason.objects.visible_to(user).filter(client=client)
        .select_related("updated_by").order_by("-active", "label"),
        "may_edit": allows(user, Action.EDIT_PLAYBOOKS)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """The client's thresholds: client admins edit, the client's other people read."""
    user: Any = request.user
    client = _own_client(user, "Thresholds")
    form = RuleForm(request.POST or None)
    problem, status = "", 200
    if request.method == "POST":
        require(user, Action.EDIT_PLAYBOOKS, client.pk)
        if form.is_valid():
            try:
                services.set_rule(client, form.cleaned_data["kind"],
                                  form.cleaned_data["threshold"],
                                  form.cleaned_data["note"] or "", acting_user=user)
                messages.info(request, "Threshold saved.")
                return redirect("decisions:rules")
            except services.ProposalProblem as exc:
                problem, status = str(exc), 400
        else:
            problem, status = "Check the form.", 400
    return render(request, "decisions/rules.html", {
        "client": client, "form": form, "problem": problem,
        "rows": _rule_rows(client), "may_edit": allows(user, Action.EDIT_PLAYBOOKS),
    }, status=status)


def _rule_rows(client: Organization) -> list[dict[str, Any]]:
    by_kind = {r.kind: r for r in DecisionRule.objects.filter(client=client)
               .select_related("updated_by")}
    return [{"kind": k, "rule": by_kind.get(k.value)} for k in ProposalKind
            if k is not ProposalKind.APPEAL_FILING]
