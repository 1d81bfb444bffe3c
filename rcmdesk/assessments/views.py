"""The assessment report: findings, capacity with what-if on N weeks, the recommendation,
charts, and its two-page PDF.

Thin: who may open it is ``access.assessment_for`` (404 otherwise); the numbers are the
stored result (``compute.from_json``) or, for another number of weeks, ``compute.what_if``
over the same stored findings; what the page prints is ``report.build``. Every read, page
or PDF, goes to the audit chain: the report carries the prospect's money.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from rcmdesk.assessments import access, compute, report
from rcmdesk.assessments.compute import Assessed
from rcmdesk.assessments.models import Assessment
from rcmdesk.audit.services import record
from rcmdesk.pdf import PdfUnavailable

MIN_WEEKS, MAX_WEEKS = 1, 52


def _weeks(request: HttpRequest) -> tuple[int | None, str, str]:
    """(weeks asked, what was typed, the problem in words) from ``?weeks=``."""
    typed = request.GET.get("weeks", "").strip()
    if not typed:
        return None, "", ""
    if not typed.isdigit() or not MIN_WEEKS <= int(typed) <= MAX_WEEKS:
        return None, typed[:20], (f"Weeks to clear the backlog must be a whole number from "
                                  f"{MIN_WEEKS} to {MAX_WEEKS}; “{typed[:20]}” is not.")
    return int(typed), typed, ""


def _assessed(found: Assessment, weeks: int | None) -> Assessed | None:
    if not found.result:
        return None
    stored = compute.from_json(found.result)
    if weeks is None or weeks == stored.weeks:
        return stored
    return compute.what_if(found, weeks=weeks)


@login_required
@require_GET
def assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    found = access.assessment_for(request.user, assessment_id)
    weeks, typed, problem = _weeks(request)
    record("read", client_id=found.client_id, obj=found, acting_user=request.user)
    return _page(request, found, _assessed(found, weeks), typed=typed, problem=problem,
                 status=400 if problem else 200)


def _page(request: HttpRequest, found: Assessment, assessed: Assessed | None, *,
          typed: str = "", problem: str = "", status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {"assessment": found, "problem": problem, "typed": typed,
                               "min_weeks": MIN_WEEKS, "max_weeks": MAX_WEEKS}
    if assessed is not None:
        built = report.build(found, assessed,
                             claim_links=access.sees_claims(request.user, found))
        context.update(r=built, body=render_to_string("assessments/report_body.html",
                                                      {"r": built}, request=request))
    return render(request, "assessments/report.html", context, status=status)


@login_required
@require_GET
def pdf(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The two-page PDF of the stored result (or of ``?weeks=N``, as the page shows it)."""
    found = access.assessment_for(request.user, assessment_id)
    weeks, typed, problem = _weeks(request)
    assessed = _assessed(found, weeks)
    if problem or assessed is None:
        return _page(request, found, assessed, typed=typed, problem=problem or (
            "This assessment has no figures yet, so it has no PDF: load the practice's files "
            "and compute it first."), status=400 if problem else 409)
    try:
        content = report.pdf_bytes(found, assessed)
    except PdfUnavailable as exc:
        return _page(request, found, assessed, problem=str(exc), status=503)
    record("assessments.report.pdf", client_id=found.client_id, obj=found,
           acting_user=request.user, detail={"weeks": assessed.weeks})
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{found.client.slug}-assessment-{found.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

