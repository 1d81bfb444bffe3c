"""Client and engagement pages. Every lookup goes through ``visible_to``."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rcmdesk.accounts.requests import acting_user
from rcmdesk.audit.services import record
from rcmdesk.tenancy import services
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.forms import AssignForm, BreakGlassForm, ScopeForm
from rcmdesk.tenancy.models import BreakGlassGrant, Engagement, Organization
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
        "assignments": engagement.assignments.select_related("user")
                       .order_by("user__first_name", "user__username"),
        "scope_form": ScopeForm(initial={"scope": engagement.scope}),
        "can_change_scope": allows(request.user, Action.MANAGE_ENGAGEMENT_SCOPE),
        "can_assign": allows(request.user, Action.ASSIGN_WORK),
        "assign_form": AssignForm(people=services.assignable_people(engagement)),
    })


@login_required
@require_POST
def change_scope(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _visible_engagement(request, engagement_id)
    form = ScopeForm(request.POST)
    if form.is_valid():
        services.change_scope(engagement, form.cleaned_data["scope"], acting_user=request.user)
    return redirect("tenancy:engagement", engagement_id=engagement.pk)


@login_required
@require_POST
def assign(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _visible_engagement(request, engagement_id)
    form = AssignForm(request.POST, people=services.assignable_people(engagement))
    try:
        if not form.is_valid():
            raise ValidationError("not one of the people listed")
        services.assign_username(engagement, form.cleaned_data["username"],
                                 acting_user=request.user)
    except (ValidationError, Http404):
        messages.error(request, "No such user at this engagement's partner, or not "
                                "assignable.")
    return redirect("tenancy:engagement", engagement_id=engagement.pk)


@login_required
@require_POST
def unassign(request: HttpRequest, engagement_id: int, assignment_id: int) -> HttpResponse:
    engagement = _visible_engagement(request, engagement_id)
    services.unassign_id(engagement, assignment_id, acting_user=request.user)
    return redirect("tenancy:engagement", engagement_id=engagement.pk)


def _visible_engagement(request: HttpRequest, engagement_id: int) -> Engagement:
    return services.visible_engagement(request.user, engagement_id)


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    """The platform admin's emergency access: reasoned, time-boxed, read-only, audited."""
    if not allows(request.user, Action.MANAGE_ORGANIZATIONS):
        raise PermissionDenied("Break-glass access is for platform admins.")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.open_break_glass_for_slug(
                form.cleaned_data["client"], form.cleaned_data["reason"],
                timedelta(minutes=form.cleaned_data["minutes"]), acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.warning(request, "Break-glass access is open. Every read is audited "
                                      "on the client's own trail.")
            return redirect("web:home")
    grants = BreakGlassGrant.objects.filter(user=acting_user(request)).select_related("client")[:20]
    return render(request, "tenancy/break_glass.html", {"form": form, "grants": grants})


@login_required
@require_POST
def break_glass_close(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = BreakGlassGrant.objects.filter(user=acting_user(request), pk=grant_id).first()
    if grant is None:
        raise Http404("Not found.")
    services.close_break_glass(grant, acting_user=request.user)
    return redirect("tenancy:break_glass")
