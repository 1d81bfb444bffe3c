"""Engagement pages: the list with each engagement's stage, and one engagement's onboarding
path (checklist per step with dates and who, go-live, the model and its numbers, the
burn-down or the month's use).

Thin: the checklist is ``checklist.onboarding``, the rules ``services``; another client's
engagement answers 404 like a missing one (``tenancy.services.visible_engagement``), a role
that may not act 403, and a refused form comes back with the reason beside it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rcmdesk import errors
from rcmdesk.audit.services import record, record_listing
from rcmdesk.engagements import checklist, queries, services
from rcmdesk.engagements.forms import GoLiveForm, PlanForm
from rcmdesk.engagements.models import EngagementModel, EngagementPlan, Side
from rcmdesk.engagements.progress import burndown, monthly_usage
from rcmdesk.tenancy.authz import permits, require
from rcmdesk.tenancy.models import Engagement
from rcmdesk.tenancy.roles import Action, Role
from rcmdesk.tenancy.services import visible_engagement


@login_required
@require_GET
def engagement_list(request: HttpRequest) -> HttpResponse:
    engagements = list(Engagement.objects.visible_to(request.user).distinct()
                       .select_related("client", "partner"))
    plans = {p.engagement_id: p for p in
             EngagementPlan.objects.visible_to(request.user)
             .filter(engagement__in=[e.pk for e in engagements])}
    rows = [{"engagement": e, "plan": plans.get(e.pk), "stage": _stage(e, plans.get(e.pk))}
            for e in engagements]
    record_listing(engagements, "tenancy.engagement", key="engagements",
                   detail={"page": "engagements and their stage"})
    return render(request, "engagements/list.html", {"rows": rows})


def _stage(engagement: Engagement, plan: EngagementPlan | None) -> str:
    if plan is None:
        return "legacy"
    if engagement.end_date is not None and engagement.end_date < engagement.today():
        return "ended"
    return "production" if plan.go_live_day else "onboarding"


@login_required
@require_GET
def onboarding(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = visible_engagement(request.user, engagement_id)
    record("read", client_id=engagement.client_id, obj=engagement,
           detail={"page": "onboarding"})
    return _page(request, engagement)


def _people(engagement: Engagement) -> list[Any]:
    return [a.user for a in engagement.assignments.select_related("user")
            .order_by("user__first_name", "user__username")
            if Role(a.user.role) is Role.PARTNER_SPECIALIST]


def _page(request: HttpRequest, engagement: Engagement, *, plan_form: PlanForm | None = None,
          problem: str = "", status: int = 200) -> HttpResponse:
    path = checklist.onboarding(engagement)
    plan = path.plan
    may_decide = permits(request.user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id)
    if plan_form is None and may_decide:
        initial = {} if plan is None else {
            "model": plan.model, "specialist": str(plan.specialist_id or ""),
            "pod_specialists": plan.pod_specialists, "monthly_unit": plan.monthly_unit,
            "monthly_amount": plan.monthly_amount, "target_date": plan.target_date}
        plan_form = PlanForm(initial=initial, people=_people(engagement))
    today = engagement.client.today()
    progress = burndown(plan) if plan is not None else None
    return render(request, "engagements/onboarding.html", {
        "engagement": engagement, "path": path, "plan": plan, "stage": path.stage,
        "may_decide": may_decide,
        "may_tick": {side: queries.may_tick(request.user, engagement, side) for side in Side},
        "plan_form": plan_form, "problem": problem, "today": today,
        "burndown": progress, "chart": progress.chart() if progress is not None else "",
        "usage": monthly_usage(plan, request.user) if plan is not None else None,
        "may_freeze": may_decide and plan is not None
        and plan.model == EngagementModel.BACKLOG_CLEANUP and plan.frozen_at is None,
    }, status=status)


@login_required
@require_POST
def save_plan(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = visible_engagement(request.user, engagement_id)
    require(request.user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id)
    form = PlanForm(request.POST, people=_people(engagement))
    if not form.is_valid():
        return _page(request, engagement, plan_form=form,
                     problem="Please check the plan's numbers.", status=400)
    try:
        services.save_plan(engagement, form.terms(), acting_user=request.user)
    except errors.DomainError as exc:
        return _page(request, engagement, plan_form=form, problem=exc.detail,
                     status=exc.http_status)
    return redirect("engagements:onboarding", engagement_id=engagement.pk)


@login_required
@require_POST
def freeze(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = visible_engagement(request.user, engagement_id)
    services.freeze_backlog(engagement, acting_user=request.user)
    return redirect("engagements:onboarding", engagement_id=engagement.pk)


@login_required
@require_POST
def tick(request: HttpRequest, engagement_id: int, key: str) -> HttpResponse:
    engagement = visible_engagement(request.user, engagement_id)
    services.tick(engagement, key, acting_user=request.user)
    return redirect("engagements:onboarding", engagement_id=engagement.pk)


@login_required
@require_POST
def go_live(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = visible_engagement(request.user, engagement_id)
    require(request.user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id)
    form = GoLiveForm(request.POST)
    if not form.is_valid():
        return _page(request, engagement, problem="Give the workflow and the go-live day.",
                     status=400)
    try:
        services.record_go_live(engagement, form.cleaned_data["workflow"],
                                form.cleaned_data["day"], acting_user=request.user)
    except (services.OnboardingConflict, services.PlanProblem) as exc:
        return _page(request, engagement, problem=exc.detail, status=exc.http_status)
    return redirect("engagements:onboarding", engagement_id=engagement.pk)
