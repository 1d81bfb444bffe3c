"""Client and engagement pages. Every lookup goes through ``visible_to``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rcmdesk.audit.services import record
from rcmdesk.tenancy import services
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.forms import AssignForm, ScopeForm
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import Action


@login_required
def client_detail(request: HttpRequest, client: str) -> HttpResponse:
    org = Organization.objects.get_visible_or_404(request.user, slug=client)
    engagements = Engagement.objects.visible_to(request.user).filter(client=org).distinct()
    record("read", client_id=org.pk, obj=org)
    return render(request, "tenancy/client_detail.html", {"org": org, "engagements": engagements})


@login_required
def engagement_detail(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _visible_engagement(request, engagement_id)
    record("read", client_id=engagement.client_id, obj=engagement)
    return render(request, "tenancy/engagement_detail.html", {
        "engagement": engagement,
        "assignments": engagement.assignments.select_related("user"),
        "scope_form": ScopeForm(initial={"scope": engagement.scope}),
        "can_change_scope": allows(request.user, Action.MANAGE_ENGAGEMENT_SCOPE),
        "can_assign": allows(request.user, Action.ASSIGN_WORK),
        "assign_form": AssignForm(),
    })


@login_required
@require_POST
def change_scope(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _visible_engagement(request, engagement_id)
    form = ScopeForm(request.POST)
    if form.is_valid():
        services.change_scope(request.user, engagement, form.cleaned_data["scope"])
    return redirect("tenancy:engagement", engagement_id=engagement.pk)


@login_required
@require_POST
def assign(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _visible_engagement(request, engagement_id)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.assign_username(request.user, engagement, form.cleaned_data["username"])
        except (ValidationError, Http404):
            messages.error(request, "No such user at this engagement's partner, or not "
                                    "assignable.")
    return redirect("tenancy:engagement", engagement_id=engagement.pk)


@login_required
@require_POST
def unassign(request: HttpRequest, engagement_id: int, assignment_id: int) -> HttpResponse:
    engagement = _visible_engagement(request, engagement_id)
    services.unassign_id(request.user, engagement, assignment_id)
    return redirect("tenancy:engagement", engagement_id=engagement.pk)


def _visible_engagement(request: HttpRequest, engagement_id: int) -> Engagement:
    return services.visible_engagement(request.user, engagement_id)
