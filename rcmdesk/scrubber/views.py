"""Scrubber pages: runs (clean-claim rate, findings by rule), the built-in rule list, and the
client administrator's editor for the client's own edits. Thin: rules live in the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.audit.services import record
from rcmdesk.claims.models import Payer
from rcmdesk.playbooks.models import ClaimEdit, EditCheck, Severity
from rcmdesk.scrubber import edits, queries
from rcmdesk.scrubber.registry import TOPICS, all_rules
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.roles import Action

PAGE_SIZE = 50


@login_required
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.runs(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "scrubber/runs.html", {"page": page})


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = queries.get_run(request.user, run_id)
    code = request.GET.get("code", "")[:30]
    page = Paginator(queries.findings(run, code), PAGE_SIZE).get_page(request.GET.get("page"))
    record("read", client_id=run.client_id, obj=run, detail={"code": code,
                                                             "page": page.number})
    return render(request, "scrubber/run.html", {
        "run": run, "groups": queries.groups(run), "code": code, "page": page})


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = all_rules()
    by_topic = [(topic, [r for r in rules if r.topic == topic]) for topic in TOPICS]
    return render(request, "scrubber/rules.html", {
        "topics": [(t, rs) for t, rs in by_topic if rs], "checks": EditCheck.choices})


def _editor_client_id(request: HttpRequest) -> int:
    """Client administrators edit their own client's edits; everyone else is refused (403)."""
    user = request.user
    org_id: int | None = getattr(user, "organization_id", None)
    if not allows(user, Action.EDIT_PLAYBOOKS) or org_id is None:
        raise PermissionDenied("Only the client's administrators edit its claim edits.")
    return org_id


@login_required
@require_http_methods(["GET", "POST"])
def edit_list(request: HttpRequest) -> HttpResponse:
    client_id = _editor_client_id(request)
    payers = Payer.objects.visible_to(request.user).filter(client_id=client_id).order_by("name")
    if request.method == "POST":
        payer_pk = request.POST.get("payer", "")
        payer = payers.filter(pk=payer_pk).first() if payer_pk.isdigit() else None
        if payer_pk and payer is None:
            return _editor_page(request, client_id, payers, "Unknown payer.", 400)
        data = edits.EditInput(
            code=request.POST.get("code", "")[:30], codes=request.POST.get("codes", "")[:500],
            rule=request.POST.get("rule", ""), value=request.POST.get("value", "")[:100],
            message=request.POST.get("message", "")[:300],
            severity=request.POST.get("severity", Severity.ERROR), payer=payer)
        try:
            edit = edits.add_edit(client_id, data, acting_user=request.user)
        except edits.EditError as exc:
            return _editor_page(request, client_id, payers, str(exc), 400)
        messages.info(request, f"Edit {edit.code} added; the next scrub runs it.")
        return redirect("scrubber:edits")
    return _editor_page(request, client_id, payers, "", 200)


def _editor_page(request: HttpRequest, client_id: int, payers: Any, problem: str,
                 status: int) -> HttpResponse:
    rows = (ClaimEdit.objects.visible_to(request.user).filter(client_id=client_id)
            .select_related("payer").order_by("-active", "code"))
    return render(request, "scrubber/edits.html", {
        "edits": rows, "payers": payers, "checks": EditCheck.choices,
        "severities": Severity.choices, "problem": problem, "form": request.POST},
        status=status)


@login_required
@require_POST
def edit_deactivate(request: HttpRequest, edit_id: int) -> HttpResponse:
    _editor_client_id(request)
    edit = ClaimEdit.objects.get_visible_or_404(request.user, pk=edit_id)
    edits.deactivate_edit(edit, acting_user=request.user)
    messages.info(request, f"Edit {edit.code} deactivated.")
    return redirect("scrubber:edits")
