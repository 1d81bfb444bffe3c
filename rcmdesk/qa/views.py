"""QA pages: the audit queue, plans (client admins edit, auditors draw), one audit (the
form for an auditor, read-only for everyone else who sees it), acknowledging feedback, and
accuracy.

Thin: rules live in ``services``; another tenant's row answers 404 like a missing one, a role
that may not act 403. Every read of tenant rows is recorded.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.audit.services import record
from rcmdesk.calendar import day_start, local_date
from rcmdesk.qa import accuracy as estimates
from rcmdesk.qa import checklists, forms, queries, services
from rcmdesk.qa.forms import DrawForm, PeriodForm, PlanForm, SampleSizeForm
from rcmdesk.qa.models import (
    Audit,
    AuditPoint,
    AuditStatus,
    PointResult,
    SamplingMethod,
    SamplingPlan,
)
from rcmdesk.tenancy.authz import allows, permits, require
from rcmdesk.tenancy.roles import Action, Role, Workflow

DEFAULT_ZONE = "America/New_York"  # Organization.time_zone's default


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
    return _plan_page(request, found, form=form, problem=problem,
                      status=400 if request.method == "POST" else 200)


def _plan_page(request: HttpRequest, found: SamplingPlan, *, form: PlanForm | None = None,
               draw_form: DrawForm | None = None, problem: str = "",
               status: int = 200) -> HttpResponse:
    """The plan's page; either form comes back as posted when it was refused."""
    record("read", client_id=found.client_id, obj=found)
    draws = list(found.draws.select_related("drawn_by")[:50])
    return render(request, "qa/plan.html", {
        "plan": found, "problem": problem,
        "form": form or PlanForm(instance=found, engagements=queries.engagements(request.user)),
        "draw_form": draw_form or DrawForm(),
        "draws": draws,
        "estimates": ({} if getattr(request.user, "role", None) == Role.PARTNER_SPECIALIST
                      else {d.pk: estimates.draw_estimate(d) for d in draws}),
        "may_edit": permits(request.user, Action.EDIT_PLAYBOOKS, found.client_id),
        "may_audit": permits(request.user, Action.AUDIT_QA, found.client_id)}, status=status)


@login_required
@require_POST
def draw(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Draw a week's sample; a refused draw comes back on the plan's page with the week,
    seed and reason as typed and the problem beside the form."""
    found = queries.get_plan(request.user, plan_id)
    require(request.user, Action.AUDIT_QA, found.client_id)
    form = DrawForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, found, draw_form=form, status=400)
    try:
        made = services.draw_week(found, form.cleaned_data["week"], acting_user=request.user,
                                  seed=form.cleaned_data["seed"],
                                  redraw=form.cleaned_data["redraw"],
                                  reason=form.cleaned_data["reason"])
    except (services.QaProblem, ValueError) as exc:
        form.add_error(None, str(exc))
        return _plan_page(request, found, draw_form=form, status=400)
    messages.info(request, f"Drew {made.sampled} of {made.population_size} items for "
                           f"{made.week} (seed {made.seed}).")
    return redirect("qa:plan", plan_id=found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def audit(request: HttpRequest, audit_id: int) -> HttpResponse:
    """The audit; a refused scoring comes back with every answer as given and the points
    at fault marked (a re-render used to clear every radio button)."""
    found = queries.get_audit(request.user, audit_id)
    may_score = found.status == AuditStatus.PENDING and _may_score(request, found)
    points = list(found.points.all())
    problem, at_fault = "", {}
    if request.method == "POST":
        require(request.user, Action.AUDIT_QA, found.client_id, Workflow(found.workflow))
        scores = [services.PointScore(request.POST.get(f"result-{p.position}", ""),
                                      request.POST.get(f"comment-{p.position}", "")[:2000])
                  for p in points]
        try:
            services.submit(found, scores, request.POST.get("summary", ""),
                            acting_user=request.user,
                            misstatement=forms.dollars(request.POST.get("misstatement", "")))
        except services.ScoreProblem as exc:
            problem, at_fault = str(exc), exc.points
        except services.QaProblem as exc:
            problem = str(exc)
        else:
            messages.info(request, "Audit submitted.")
            return redirect("qa:audit", audit_id=found.pk)
    record("read", client_id=found.client_id, obj=found)
    return render(request, "qa/audit.html", {
        "audit": found, "points": points, "may_score": may_score,
        "scoring": _scoring(points, request.POST, at_fault),
        "summary": request.POST.get("summary", ""),
        "history": queries.history(found), "results": PointResult.choices,
        "sop_html": checklists.render_sop(found.sop_version), "problem": problem,
        "monetary": found.draw.design.get("method") == SamplingMethod.MONETARY,
        "misstatement": request.POST.get("misstatement", "")[:20],
        "may_acknowledge": _may_acknowledge(request, found)},
        status=400 if problem else 200)


def _scoring(points: list[AuditPoint], posted: QueryDict,
             at_fault: dict[int, str]) -> list[dict[str, Any]]:
    """Each point with the answer and comment as given (none on a first visit) and what is
    wrong with it, for the scoring form."""
    return [{"point": p, "result": posted.get(f"result-{p.position}", ""),
             "comment": posted.get(f"comment-{p.position}", ""),
             "problem": at_fault.get(p.position, "")} for p in points]


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
    """Accuracy with its confidence interval per engagement, workflow and specialist over a
    period (default: the 13 weeks to the viewer's today), the dollar error of monetary-unit
    draws, and the points per week as before."""
    require(request.user, Action.VIEW_TENANT_DATA, None)
    week = request.GET.get("week", "")[:8]
    rows = queries.accuracy(request.user, week=week)
    queries.audit_accuracy_read(request.user, rows, week)
    org = getattr(request.user, "organization", None)  # the platform admin has none
    zone = org.time_zone if org is not None else DEFAULT_ZONE
    period = PeriodForm(request.GET or None, today=local_date(timezone.now(), zone))
    first, last = period.days()
    start, end = day_start(first, zone), day_start(last + timedelta(days=1), zone)
    groups = queries.accuracy_estimates(request.user, start, end)
    queries.estimates_read(request.user, start, end)
    projections = queries.dollar_projections(request.user)
    for shown in projections:
        record("read", client_id=shown.draw.plan.client_id, obj=shown.draw)
    return render(request, "qa/accuracy.html", {
        "rows": rows, "week": week, "period": period, "first": first, "last": last,
        "zone": zone, "groups": groups, "projections": projections})


@login_required
@require_GET
def sample_size(request: HttpRequest) -> HttpResponse:
    """The calculator: population, expected error rate, precision, confidence -> n."""
    require(request.user, Action.VIEW_TENANT_DATA, None)
    form = SampleSizeForm(request.GET or None)
    size = form.size() if form.is_valid() else None
    return render(request, "qa/sample_size.html", {"form": form, "size": size},
                  status=400 if request.GET and size is None else 200)
