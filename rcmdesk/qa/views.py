"""QA pages: the audit queue, plans (client admins edit, auditors draw), one audit (the
form for an auditor, read-only for everyone else who sees it), acknowledging feedback, and
accuracy.

Thin: rules live in ``services``; another tenant's row answers 404 like a missing one, a role
that may not act 403. Every read of tenant rows is recorded.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.audit.services import record
from rcmdesk.qa import checklists, queries, services
from rcmdesk.qa.forms import DrawForm, PlanForm
from rcmdesk.qa.models import Audit, AuditStatus, PointResult
from rcmdesk.tenancy.authz import allows, require
from rcmdesk.tenancy.roles import Action, Workflow


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_TENANT_DATA, None)
    pending, counts = queries.queue(request.user)
    queries.audit_listing(pending, detail={"page": "qa queue"})
    return render(request, "qa/queue.html", {
        "pending": pending, "counts": counts,
        "may_audit": allows(request.user, Action.AUDIT_QA)})


@login_required
@require_http_methods(["GET", "POST"])
def plans(request: HttpRequest) -> HttpResponse:
    """The plans the user sees; a client admin adds one here."""
    require(request.user, Action.VIEW_TENANT_DATA, None)
    may_edit = allows(request.user, Action.EDIT_PLAYBOOKS)
    form = PlanForm(request.POST or None, engagements=queries.engagements(request.user))
    problem = ""
    if request.method == "POST":
        require(request.user, Action.EDIT_PLAYBOOKS, None)
        if form.is_valid():
            try:
                plan = services.save_plan(form.cleaned_data["engagement"],
                                          form.values(), acting_user=request.user)
            except services.QaProblem as exc:
                problem = str(exc)
            else:
                messages.info(request, "Sampling plan saved.")
                return redirect("qa:plan", plan_id=plan.pk)
    rows = list(queries.plans(request.user))
    for plan in rows:
        record("read", client_id=plan.client_id, obj=plan)
    return render(request, "qa/plans.html", {
        "plans": rows, "form": form, "may_edit": may_edit, "problem": problem,
        "may_audit": allows(request.user, Action.AUDIT_QA)},
        status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """One plan: its draws, the edit form (client admins) and the draw form (auditors)."""
    found = queries.get_plan(request.user, plan_id)
    form = PlanForm(request.POST or None, instance=found,
                    engagements=queries.engagements(request.user))
    problem = ""
    if request.method == "POST":
        require(request.user, Action.EDIT_PLAYBOOKS, found.client_id)
        if form.is_valid():
            try:
                services.save_plan(found.engagement, form.values(), found, acting_user=request.user)
            except services.QaProblem as exc:
                problem = str(exc)
            else:
                messages.info(request, "Sampling plan saved.")
                return redirect("qa:plan", plan_id=found.pk)
    record("read", client_id=found.client_id, obj=found)
    return render(request, "qa/plan.html", {
        "plan": found, "form": form, "draw_form": DrawForm(), "problem": problem,
        "draws": list(found.draws.select_related("drawn_by")[:50]),
        "may_edit": allows(request.user, Action.EDIT_PLAYBOOKS),
        "may_audit": allows(request.user, Action.AUDIT_QA)},
        status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def draw(request: HttpRequest, plan_id: int) -> HttpResponse:
    found = queries.get_plan(request.user, plan_id)
    require(request.user, Action.AUDIT_QA, found.client_id)
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the week as 2026-W47 (and a whole number seed).")
        return redirect("qa:plan", plan_id=found.pk)
    try:
        made = services.draw_week(found, form.cleaned_data["week"], acting_user=request.user,
                                  seed=form.cleaned_data["seed"],
                                  redraw=form.cleaned_data["redraw"],
                                  reason=form.cleaned_data["reason"])
    except (services.QaProblem, ValueError) as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, f"Drew {made.sampled} of {made.population_size} items for "
                               f"{made.week} (seed {made.seed}).")
    return redirect("qa:plan", plan_id=found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def audit(request: HttpRequest, audit_id: int) -> HttpResponse:
    found = queries.get_audit(request.user, audit_id)
    may_score = found.status == AuditStatus.PENDING and _may_score(request, found)
    problem = ""
    if request.method == "POST":
        require(request.user, Action.AUDIT_QA, found.client_id, Workflow(found.workflow))
        scores = [services.PointScore(request.POST.get(f"result-{p.position}", ""),
                                      request.POST.get(f"comment-{p.position}", "")[:2000])
                  for p in found.points.all()]
        try:
            services.submit(found, scores, request.POST.get("summary", ""),
                            acting_user=request.user)
        except services.QaProblem as exc:
            problem = str(exc)
        else:
            messages.info(request, "Audit submitted.")
            return redirect("qa:audit", audit_id=found.pk)
    record("read", client_id=found.client_id, obj=found)
    return render(request, "qa/audit.html", {
        "audit": found, "points": list(found.points.all()), "may_score": may_score,
        "history": queries.history(found), "results": PointResult.choices,
        "sop_html": checklists.render_sop(found.sop_version), "problem": problem,
        "posted": request.POST, "may_acknowledge": _may_acknowledge(request, found)},
        status=400 if problem else 200)


def _may_score(request: HttpRequest, found: Audit) -> bool:
    try:
        require(request.user, Action.AUDIT_QA, found.client_id, Workflow(found.workflow))
    except (PermissionDenied, Http404):
        return False
    return True


def _may_acknowledge(request: HttpRequest, found: Audit) -> bool:
    return (found.feedback_item_id is not None and found.acknowledged_at is None
            and found.specialist_id == request.user.pk)


@login_required
@require_POST
def acknowledge(request: HttpRequest, audit_id: int) -> HttpResponse:
    found = queries.get_audit(request.user, audit_id)
    try:
        services.acknowledge(found, request.POST.get("note", ""), acting_user=request.user)
    except services.QaProblem as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, "Feedback acknowledged.")
    return redirect("qa:audit", audit_id=found.pk)


@login_required
@require_GET
def accuracy(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_TENANT_DATA, None)
    week = request.GET.get("week", "")[:8]
    rows = queries.accuracy(request.user, week=week)
    queries.audit_accuracy_read(request.user, rows, week)
    return render(request, "qa/accuracy.html", {"rows": rows, "week": week})
