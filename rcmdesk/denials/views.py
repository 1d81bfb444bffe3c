"""Appeal pages: draft from a denial item, read and edit the letter, hand the filing decision
to the client, record the client's answer, download the PDF.

Thin: every rule (who may, which status may follow which) lives in ``appeals``; a stale
version answers 409 with the current state, a refused step 403 with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rcmdesk.audit.services import record
from rcmdesk.denials import appeals, letters
from rcmdesk.denials.models import Appeal, AppealStatus
from rcmdesk.pdf import PdfUnavailable
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.roles import Action
from rcmdesk.workqueue import services as work
from rcmdesk.workqueue.models import WorkItem

CONFLICT = ("This appeal was changed by someone else since you opened it — here is the "
            "current state. Your change was not saved.")


def _appeal(user: Any, appeal_id: int) -> Appeal:
    appeal: Appeal = Appeal.objects.select_related("item", "claim", "claim__payer",
                                                   "client").get_visible_or_404(user,
                                                                                pk=appeal_id)
    return appeal


@login_required
@require_POST
def draft(request: HttpRequest, item_id: int) -> HttpResponse:
    item = WorkItem.objects.get_visible_or_404(request.user, pk=item_id)
    try:
        appeal = appeals.draft_appeal(item, acting_user=request.user)
    except (work.NotAllowed, appeals.AppealConflict) as exc:
        messages.error(request, str(exc))
        return redirect("workqueue:item", item_id=item.pk)
    return redirect("denials:appeal", appeal_id=appeal.pk)


@login_required
@require_GET
def appeal_page(request: HttpRequest, appeal_id: int) -> HttpResponse:
    return _page(request, _appeal(request.user, appeal_id))


def _page(request: HttpRequest, appeal: Appeal, *, status: int = 200,
          problem: str = "") -> HttpResponse:
    record("read", client_id=appeal.client_id, obj=appeal)
    user = request.user
    return render(request, "denials/appeal.html", {
        "a": appeal, "problem": problem,
        "needs_decision": appeals.needs_client_decision(appeal),
        "may_work": allows(user, Action.WORK_ITEMS),
        "may_decide": allows(user, Action.DECIDE),
        "Status": AppealStatus,
    }, status=status)


def _step(request: HttpRequest, appeal_id: int,
          change: Callable[[Appeal, int], Appeal], done: str) -> HttpResponse:
    appeal = _appeal(request.user, appeal_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return _page(request, appeal, status=400, problem="The form lost the appeal's version.")
    try:
        change(appeal, version)
    except appeals.AppealConflict:
        return _page(request, _appeal(request.user, appeal_id), status=409, problem=CONFLICT)
    except (PermissionDenied, work.NotAllowed) as exc:
        return _page(request, appeal, status=403, problem=str(exc) or "Not allowed.")
    except work.Conflict:
        return _page(request, _appeal(request.user, appeal_id), status=409, problem=CONFLICT)
    messages.info(request, done)
    return redirect("denials:appeal", appeal_id=appeal.pk)


@login_required
@require_POST
def edit(request: HttpRequest, appeal_id: int) -> HttpResponse:
    subject = request.POST.get("subject", "")[:300]
    text = request.POST.get("letter_text", "")
    return _step(request, appeal_id, lambda a, v: appeals.edit_letter(
        a, v, acting_user=request.user, subject=subject, letter_text=text), "Letter saved.")


@login_required
@require_POST
def pending(request: HttpRequest, appeal_id: int) -> HttpResponse:
    note = request.POST.get("note", "")[:1000]
    return _step(request, appeal_id, lambda a, v: appeals.mark_pending_decision(
        a, v, note, acting_user=request.user), "Sent to the client for a decision.")


@login_required
@require_POST
def decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    note = request.POST.get("note", "")[:1000]
    return _step(request, appeal_id, lambda a, v: appeals.decide(
        a, v, acting_user=request.user, approve=approve, note=note),
        "Approved: the appeal may be filed." if approve else "Declined.")


@login_required
@require_GET
def letter_pdf(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = _appeal(request.user, appeal_id)
    try:
        pdf = letters.letter_pdf(appeal)
    except PdfUnavailable as exc:
        return _page(request, appeal, status=503, problem=str(exc))
    record("denials.appeal.pdf", client_id=appeal.client_id, obj=appeal)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"appeal-{appeal.claim.patient_control_number}-L{appeal.level}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
