"""Service-level pages: an engagement's targets and 13 weeks of attainment, the units that
missed in a week, and the client's business calendar.

Thin: the rules live in ``services``, ``measure`` and ``tenancy.calendars``. Another
tenant's engagement, target or holiday answers 404 like a missing one; a role that may see
but not set answers 403 on a write.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.audit.services import record, record_listing
from rcmdesk.calendar import parse_week, week_of
from rcmdesk.errors import DomainError
from rcmdesk.servicelevels import measure, queries, services
from rcmdesk.servicelevels.forms import WEEKDAYS, HolidayForm, TargetForm, WeekdaysForm
from rcmdesk.servicelevels.models import ServiceLevel
from rcmdesk.tenancy import calendars
from rcmdesk.tenancy.authz import permits
from rcmdesk.tenancy.models import Holiday, Organization
from rcmdesk.tenancy.roles import Action
from rcmdesk.tenancy.services import visible_engagement


@login_required
@require_http_methods(["GET", "POST"])
def engagement_levels(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = visible_engagement(request.user, engagement_id)
    form = TargetForm(request.POST or None, scope=list(engagement.scope))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_target(engagement, data["kind"], data["workflow"],
                                    data["business_days"], data["target_percent"],
                                    acting_user=request.user)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Target saved.")
                return redirect("servicelevels:engagement", engagement_id=engagement.pk)
        status = 400
    weeks, rows = queries.table(engagement)
    record("read", client_id=engagement.client_id, obj=engagement,
           detail={"page": "service levels"})
    return render(request, "servicelevels/engagement.html", {
        "engagement": engagement, "weeks": weeks, "rows": rows, "form": form,
        "may_set": permits(request.user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id),
    }, status=status)


@login_required
@require_POST
def retire(request: HttpRequest, target_id: int) -> HttpResponse:
    level = _visible_level(request, target_id)
    services.retire_target(level, acting_user=request.user)
    messages.success(request, "Target retired.")
    return redirect("servicelevels:engagement", engagement_id=level.engagement_id)


@login_required
@require_GET
def missed(request: HttpRequest, target_id: int) -> HttpResponse:
    level = _visible_level(request, target_id)
    client = level.engagement.client
    week = request.GET.get("week", "").strip() or week_of(client.today())
    try:
        parse_week(week)
    except ValueError:
        week = week_of(client.today())
    units = measure.missed(level, week, now=timezone.now())
    record_listing({client.pk: [f"{u.ref}:{u.object_id}" for u in units]},
                   "servicelevels.missed", key="units",
                   detail={"target": level.pk, "week": week})
    return render(request, "servicelevels/missed.html", {
        "level": level, "engagement": level.engagement, "week": week, "units": units})


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest, client: str) -> HttpResponse:
    org: Organization = Organization.objects.clients().get_visible_or_404(request.user,
                                                                          slug=client)
    may_edit = permits(request.user, Action.MANAGE_ENGAGEMENT_SCOPE, org.pk)
    holiday_form = HolidayForm(request.POST if request.POST.get("form") == "holiday" else None)
    weekdays_form = WeekdaysForm(
        request.POST if request.POST.get("form") == "weekdays" else None,
        initial={"weekdays": org.working_weekdays})
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if holiday_form.is_bound and holiday_form.is_valid():
                calendars.add_holiday(org, holiday_form.cleaned_data["day"],
                                      holiday_form.cleaned_data["name"],
                                      acting_user=request.user)
                messages.success(request, "Holiday added.")
                return redirect("servicelevels:calendar", client=org.slug)
            if weekdays_form.is_bound and weekdays_form.is_valid():
                calendars.set_working_weekdays(org, weekdays_form.cleaned_data["weekdays"],
                                               acting_user=request.user)
                messages.success(request, "Working weekdays saved.")
                return redirect("servicelevels:calendar", client=org.slug)
        except DomainError as exc:
            (holiday_form if holiday_form.is_bound else weekdays_form).add_error(None, str(exc))
    holidays = list(Holiday.objects.visible_to(request.user).filter(client=org))
    record("read", client_id=org.pk, obj=org, detail={"page": "business calendar"})
    names = dict(WEEKDAYS)
    return render(request, "servicelevels/calendar.html", {
        "org": org, "holidays": holidays, "may_edit": may_edit,
        "holiday_form": holiday_form, "weekdays_form": weekdays_form,
        "weekday_names": [names[d] for d in sorted(org.working_weekdays)],
    }, status=status)


@login_required
@require_POST
def delete_holiday(request: HttpRequest, holiday_id: int) -> HttpResponse:
    holiday: Holiday = Holiday.objects.select_related("client").get_visible_or_404(
        request.user, pk=holiday_id)
    calendars.remove_holiday(holiday, acting_user=request.user)
    messages.success(request, "Holiday removed.")
    return redirect("servicelevels:calendar", client=holiday.client.slug)


def _visible_level(request: HttpRequest, target_id: int) -> Any:
    level: ServiceLevel = ServiceLevel.objects.select_related(
        "engagement__client", "engagement__partner").get_visible_or_404(request.user,
                                                                        pk=target_id)
    return level
