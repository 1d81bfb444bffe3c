"""Playbook pages: SOPs by workflow, one SOP with its versions and diffs, the editor, and the
payer rules with their history.

Thin: rules live in ``editing``. Everyone who sees a client's work reads its playbook; only a
client admin changes it (another tenant's SOP answers 404, a role that may not edit 403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.playbooks import editing, queries
from rcmdesk.playbooks.forms import PayerRuleForm, SopDocumentForm, SopVersionForm
from rcmdesk.playbooks.models import PayerRule, PlaybookChange, SopDocument, SopVersion
from rcmdesk.playbooks.rendering import diff_versions, render_markdown
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow


def _client(request: HttpRequest, action: Action) -> Organization | HttpResponse:
    """The client the page is about, or the page asking which one."""
    slug = (request.POST.get("client") or request.GET.get("client", ""))[:60]
    client = queries.client_for(request.user, slug)
    if client is None:
        require(request.user, action, None)  # 403 for a role that may not, before a 404
        clients = queries.readable_clients(request.user)
        if not clients or slug:
            raise Http404("Not found.")
        return render(request, "playbooks/choose_client.html",
                      {"clients": clients, "next": request.path})
    require(request.user, action, client.pk)
    return client


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    client = _client(request, Action.VIEW_TENANT_DATA)
    if isinstance(client, HttpResponse):
        return client
    docs = queries.documents(request.user, client)
    by_workflow = [(w.value, [d for d in docs if d.workflow == w.value]) for w in Workflow]
    return render(request, "playbooks/index.html", {
        "client": client, "by_workflow": [(w, ds) for w, ds in by_workflow if ds],
        "history": queries.history(request.user, client),
        "may_edit": queries.may_edit(request.user, client.pk)})


@login_required
@require_http_methods(["GET", "POST"])
def sop_new(request: HttpRequest) -> HttpResponse:
    client = _client(request, Action.EDIT_PLAYBOOKS)
    if isinstance(client, HttpResponse):
        return client
    form = SopDocumentForm(request.POST or None, client=client,
                           initial={"workflow": request.GET.get("workflow", "")})
    problem = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doc = editing.create_document(
                client, acting_user=request.user, workflow=data["workflow"], title=data["title"],
                payer=data.get("payer"), category=data.get("category") or "",
                text=form.text())
        except editing.PlaybookProblem as exc:
            problem = str(exc)
        else:
            messages.info(request, "SOP saved as version 1.")
            return redirect("playbooks:sop", sop_id=doc.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "playbooks/sop_form.html", {
        "form": form, "client": client, "problem": problem, "document": None}, status=status)


def _version_number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 9 else None


@login_required
@require_GET
def sop(request: HttpRequest, sop_id: int) -> HttpResponse:
    doc: SopDocument = SopDocument.objects.get_visible_or_404(request.user, pk=sop_id)
    versions = list(SopVersion.objects.filter(document=doc).select_related("author")
                    .order_by("-number"))
    by_number = {v.number: v for v in versions}
    shown = by_number.get(_version_number(request.GET.get("v")) or 0) or (
        versions[0] if versions else None)
    a = by_number.get(_version_number(request.GET.get("a")) or 0)
    b = by_number.get(_version_number(request.GET.get("b")) or 0)
    diff = diff_versions(a, b) if a and b else None
    changes = PlaybookChange.objects.filter(model="playbooks.sopdocument", object_id=doc.pk)
    return render(request, "playbooks/sop.html", {
        "document": doc, "versions": versions, "shown": shown,
        "html": render_markdown(shown.body) if shown else "",
        "a": a, "b": b, "diff": diff, "changes": changes,
        "may_edit": queries.may_edit(request.user, doc.client_id)})


@login_required
@require_http_methods(["GET", "POST"])
def sop_edit(request: HttpRequest, sop_id: int) -> HttpResponse:
    doc: SopDocument = SopDocument.objects.get_visible_or_404(request.user, pk=sop_id)
    require(request.user, Action.EDIT_PLAYBOOKS, doc.client_id)
    current = doc.versions.order_by("-number").first()
    initial = {"body": current.body, "checklist": "\n".join(current.checklist)} if current \
        else {}
    form = SopVersionForm(request.POST or None, initial=initial)
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            version = editing.add_version(doc, form.text(), acting_user=request.user)
        except editing.PlaybookProblem as exc:
            problem = str(exc)
        else:
            messages.info(request, f"Saved as version {version.number}.")
            return redirect("playbooks:sop", sop_id=doc.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "playbooks/sop_form.html", {
        "form": form, "client": doc.client, "problem": problem, "document": doc,
        "current": current}, status=status)


@login_required
@require_POST
def sop_active(request: HttpRequest, sop_id: int) -> HttpResponse:
    """Retire an SOP (it stops applying to new work) or bring it back; versions stay."""
    doc: SopDocument = SopDocument.objects.get_visible_or_404(request.user, pk=sop_id)
    active = request.POST.get("active") == "1"
    editing.set_active(doc, active, request.POST.get("change_note", "")[:500],
                       acting_user=request.user)
    messages.info(request, "SOP back in force." if active else "SOP retired.")
    return redirect("playbooks:sop", sop_id=doc.pk)


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    client = _client(request, Action.VIEW_TENANT_DATA)
    if isinstance(client, HttpResponse):
        return client
    may_edit = queries.may_edit(request.user, client.pk)
    form = PayerRuleForm(request.POST or None, client=client)
    problem = ""
    if request.method == "POST":
        require(request.user, Action.EDIT_PLAYBOOKS, client.pk)
        if form.is_valid():
            try:
                editing.save_payer_rule(client, form.cleaned_data.get("payer"),
                                        form.days(), form.cleaned_data["change_note"],
                                        acting_user=request.user,
                                        note=form.cleaned_data.get("note") or "",
                                        call_reference_required=form.cleaned_data.get(
                                            "call_reference_required"))
            except editing.PlaybookProblem as exc:
                problem = str(exc)
            else:
                messages.info(request, "Payer rule saved.")
                return redirect(f"{reverse('playbooks:rules')}?client={client.slug}")
    rows: Any = PayerRule.objects.visible_to(request.user).filter(client=client).select_related(
        "payer").order_by("payer__name")
    changes = PlaybookChange.objects.visible_to(request.user).filter(client=client).select_related(
        "author")[:queries.HISTORY_SHOWN]
    status = 400 if request.method == "POST" else 200
    return render(request, "playbooks/rules.html", {
        "client": client, "rows": rows, "form": form if may_edit else None,
        "problem": problem, "changes": [(c, queries.describe_change(c)) for c in changes]},
        status=status)
