"""Appeal pages: the appeals list; draft from a denial item, read and edit the letter, hand
the filing decision to the client, record the client's answer, the filing and the payer's
answer, go to the next level or propose a write-off; download the PDF.

Thin: every rule (who may, which status may follow which) lives in ``appeals``; a stale
version answers 409 with the current state, a refused step 403 with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rcmdesk import errors
from rcmdesk.audit.services import record
from rcmdesk.denials import appeals, letters, queries
from rcmdesk.denials.forms import AnswerForm, FiledForm, WriteOffForm, problems
from rcmdesk.denials.models import Appeal, AppealOutcome, AppealStatus
from rcmdesk.pdf import PdfUnavailable
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue import services as work
from rcmdesk.workqueue.models import WorkItem

CONFLICT = ("This appeal was changed by someone else since you opened it — here is the "
            "current state. Your change was not saved.")


def _appeal(user: Any, appeal_id: int) -> Appeal:
    return queries.get_appeal(user, appeal_id)


@login_required
@require_GET
def appeals_list(request: HttpRequest) -> HttpResponse:
    f = queries.AppealFilter.parse(request.GET)
    found = list(queries.appeals(request.user, f)[:queries.LIST_LIMIT])
    queries.audit_listing(found, detail={"filters": f.as_params()})
    return render(request, "denials/appeals.html", {
        "rows": queries.rows(found), "f": f, "limit": queries.LIST_LIMIT,
        "payers": queries.payers(request.user), "Status": AppealStatus,
        "clients": Organization.objects.filter(pk__in=visibility_for(request.user).client_ids,
                                               kind="client").order_by("name"),
    })


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
    today = appeal.client.today()
    may_further = appeals.may_go_further(appeal)
    return render(request, "denials/appeal.html", {
        "a": appeal, "problem": problem,
        "needs_decision": appeals.needs_client_decision(appeal),
        "may_work": allows(user, Action.WORK_ITEMS),
        "may_decide": allows(user, Action.DECIDE),
        "Status": AppealStatus, "Outcome": AppealOutcome,
        "next_levels": list(Appeal.objects.visible_to(user).filter(previous=appeal)),
        "may_go_further": may_further,
        "filed_form": FiledForm(initial={"version": appeal.version, "filed_on": today}),
        "answer_form": AnswerForm(initial={"version": appeal.version, "decided_on": today,
                                           "expected_amount": appeal.item.amount}),
        "write_off_amount": ((appeal.item.amount or Decimal("0.00"))
                             - (appeal.expected_amount or Decimal("0.00"))),
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
    except appeals.AppealConflict as exc:
        problem = CONFLICT if "changed by someone else" in str(exc) else str(exc)
        return _page(request, _appeal(request.user, appeal_id), status=409, problem=problem)
    except appeals.AppealProblem as exc:
        return _page(request, appeal, status=400, problem=str(exc))
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
@require_POST
def filed(request: HttpRequest, appeal_id: int) -> HttpResponse:
    form = FiledForm(request.POST)
    if not form.is_valid():
        return _page(request, _appeal(request.user, appeal_id), status=400,
                     problem=problems(form))
    data = form.cleaned_data
    return _step(request, appeal_id, lambda a, v: appeals.record_filed(
        a, v, acting_user=request.user, filed_on=data["filed_on"], channel=data["channel"],
        reference=data["reference"]), "Filed: the item waits on the payer's answer.")


@login_required
@require_POST
def answer(request: HttpRequest, appeal_id: int) -> HttpResponse:
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _page(request, _appeal(request.user, appeal_id), status=400,
                     problem=problems(form))
    data = form.cleaned_data
    return _step(request, appeal_id, lambda a, v: appeals.record_outcome(
        a, v, acting_user=request.user, outcome=data["outcome"], decided_on=data["decided_on"],
        expected_amount=data["expected_amount"], note=data["note"]),
        "The payer's answer is recorded.")


@login_required
@require_POST
def next_level(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = _appeal(request.user, appeal_id)

    def run() -> HttpResponse:
        drafted = appeals.draft_next_level(appeal, acting_user=request.user)
        messages.info(request, f"Drafted the level-{drafted.level} appeal.")
        return redirect("denials:appeal", appeal_id=drafted.pk)

    return _attempt(request, appeal, run)


@login_required
@require_POST
def write_off(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = _appeal(request.user, appeal_id)
    form = WriteOffForm(request.POST)
    if not form.is_valid():
        return _page(request, appeal, status=400, problem=problems(form))

    def run() -> HttpResponse:
        proposal = appeals.propose_write_off(appeal, acting_user=request.user,
                                             amount=form.cleaned_data["amount"],
                                             reasons=form.cleaned_data["reasons"])
        messages.info(request, f"Proposed a write-off (#{proposal.pk}) for the client's "
                               "decision.")
        return redirect("decisions:detail", proposal_id=proposal.pk)

    return _attempt(request, appeal, run)


def _attempt(request: HttpRequest, appeal: Appeal,
             run: Callable[[], HttpResponse]) -> HttpResponse:
    """A step that starts something new (no version to guard): refused, the appeal page
    again with the reason beside it."""
    try:
        return run()
    except appeals.AppealConflict as exc:
        return _page(request, appeal, status=409, problem=str(exc))
    except (PermissionDenied, work.NotAllowed) as exc:
        return _page(request, appeal, status=403, problem=str(exc) or "Not allowed.")
    except errors.Invalid as exc:
        return _page(request, appeal, status=400, problem=str(exc))


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
