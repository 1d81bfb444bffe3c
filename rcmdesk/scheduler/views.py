"""The schedules page and one schedule's page (its runs, run now, change it).

Thin: the rules of who sees and changes what are in ``queries``, the work in ``services``.
A schedule the viewer does not see answers 404 like a missing one; a button the viewer may
not press is not drawn, and its POST answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rcmdesk import errors
from rcmdesk.scheduler import queries, services
from rcmdesk.scheduler.models import Schedule


@login_required
@require_GET
def schedules(request: HttpRequest) -> HttpResponse:
    if not queries.may_open(request.user):
        raise PermissionDenied("Your role does not allow this.")
    # No ensure_schedules() here: a GET changes nothing; the worker makes them every tick.
    rows = queries.described(list(queries.visible(request.user)))
    return render(request, "scheduler/schedules.html", {"rows": rows})


def _visible(request: HttpRequest, schedule_id: int) -> Schedule:
    row: Schedule | None = queries.visible(request.user).filter(pk=schedule_id).first()
    if row is None:
        raise Http404("Not found.")
    return row


def _permitted(request: HttpRequest, schedule_id: int,
               may: Callable[[Any, Schedule], bool], refusal: str) -> Schedule:
    """The schedule a POST acts on: 404 when unseen, 403 when the person may not."""
    schedule = _visible(request, schedule_id)
    if not may(request.user, schedule):
        raise PermissionDenied(refusal)
    return schedule


def _page(request: HttpRequest, schedule: Schedule, *, problem: str = "",
          status: int = 200) -> HttpResponse:
    row = queries.described([schedule])[0]
    runs = [(run, queries.outcome_words(run.outcome)) for run in queries.runs(schedule)]
    return render(request, "scheduler/detail.html", {
        "row": row, "s": schedule, "runs": runs, "problem": problem,
        "may_run": queries.may_run(request.user, schedule),
        "may_change": queries.may_change(request.user, schedule)}, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, schedule_id: int) -> HttpResponse:
    return _page(request, _visible(request, schedule_id))


@login_required
@require_POST
def run_now(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _permitted(request, schedule_id, queries.may_run, "You may not run this job.")
    try:
        run = services.run_now(schedule, acting_user=request.user)
    except errors.Conflict as exc:
        return _page(request, schedule, problem=str(exc), status=409)
    if run.error:
        messages.error(request, f"The run failed: {run.error}")
    else:
        messages.info(request, "The job ran.")
    return redirect("scheduler:detail", schedule_id=schedule.pk)


@login_required
@require_POST
def change(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _permitted(request, schedule_id, queries.may_change,
                          "You may not change this schedule.")
    try:
        services.change(schedule, acting_user=request.user,
                        cron_expr=request.POST.get("cron", "")[:120],
                        enabled=request.POST.get("enabled") == "1")
    except errors.Invalid as exc:
        return _page(request, schedule, problem=str(exc), status=400)
    messages.info(request, "Schedule saved.")
    return redirect("scheduler:detail", schedule_id=schedule.pk)
