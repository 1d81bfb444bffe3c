"""Charge entry pages: the drafts list, the charge form (new and edit) with the scrubber's
findings shown inline as the user types, and the import upload.

Thin: every rule lives in ``services``, ``preview`` and ``imports``. Drafts are claims of
the charges-and-claims workflow; a client out of that scope answers 404 like a missing one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.audit.services import record, record_listing
from rcmdesk.charges import imports, services
from rcmdesk.charges.forms import ChargeForm, LineFormSet, field_id, initial_for, to_input
from rcmdesk.charges.preview import Preview, as_finding, preview
from rcmdesk.claims.models import Claim, ClaimOrigin, ClaimStatus
from rcmdesk.scrubber.engine import Finding
from rcmdesk.scrubber.models import ScrubFinding
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import visibility_for

PAGE_SIZE = 50
BLANK_ROWS = 6  # line rows on a new charge; an edit shows its lines and three more


def _padded(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return lines + [{}] * 3
CONFLICT = ("This draft was changed by someone else since you opened it — here is the current "
            "version. Your change was not saved.")


def _clients(user: Any) -> list[tuple[int, str]]:
    """Clients whose charges this user may enter (writable, charges-and-claims in scope)."""
    if not allows(user, Action.WORK_ITEMS):
        return []
    visibility = visibility_for(user)
    ids = [c for c in visibility.clients_for(Workflow.CHARGES_CLAIMS)
           if visibility.can_write(c, Workflow.CHARGES_CLAIMS)]
    return list(Organization.objects.filter(pk__in=ids).order_by("name")
                .values_list("pk", "name"))


def _drafts(user: Any) -> Any:
    return Claim.objects.visible_to(user, Workflow.CHARGES_CLAIMS).filter(
        status=ClaimStatus.DRAFT)


def _get_draft(user: Any, claim_id: int) -> Claim:
    """A visible draft, else 404 (another client's, a sent claim and a missing one alike)."""
    found: Claim | None = (_drafts(user).select_related("client", "patient", "payer", "coverage",
                                          "billing_provider").filter(pk=claim_id).first())
    if found is None:
        raise Http404("Not found.")
    return found


@login_required
@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    door = request.GET.get("front_door", "any")
    origin = request.GET.get("origin", "")
    client = request.GET.get("client", "")[:60]
    drafts = _drafts(request.user).select_related("client", "patient", "payer").order_by(
        "-updated_at", "-id")
    if client:
        drafts = drafts.filter(client__slug=client)
    for word in q.split()[:4]:
        drafts = drafts.filter(Q(patient_control_number__icontains=word)
                               | Q(patient__last_name__icontains=word)
                               | Q(payer__name__icontains=word))
    if door in ("none", "held", "ready"):
        drafts = drafts.filter(front_door="" if door == "none" else door)
    if origin in ClaimOrigin.values:
        drafts = drafts.filter(origin=origin)
    page = Paginator(drafts, PAGE_SIZE).get_page(request.GET.get("page"))
    last = _last_scrub([c.pk for c in page])
    record_listing(page, "claims.claim", key="drafts", detail={"page": page.number})
    rows = [(c, last.get(c.pk)) for c in page]
    writable = _clients(request.user)
    return render(request, "charges/draft_list.html", {
        "page": page, "rows": rows, "q": q, "front_door": door, "origin": origin,
        "client": client, "clients": Organization.objects.filter(
            pk__in=visibility_for(request.user).clients_for(Workflow.CHARGES_CLAIMS)
        ).order_by("name"),
        "origins": ClaimOrigin.choices, "may_enter": bool(writable),
        # edit() answers 403 outside these clients: such a reader opens the claim page.
        "writable": {pk for pk, _ in writable}})


def _last_scrub(claim_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per claim: (errors, warnings) of the latest scrub run that found anything on it."""
    latest: dict[int, int] = {}
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for claim_id, run_id, severity in ScrubFinding.objects.filter(
            claim_id__in=claim_ids).values_list("claim_id", "run_id", "severity"):
        latest[claim_id] = max(latest.get(claim_id, 0), run_id)
        counts[(claim_id, run_id)][0 if severity == "error" else 1] += 1
    return {c: (counts[(c, r)][0], counts[(c, r)][1]) for c, r in latest.items()}


def _forms(request: HttpRequest, clients: list[tuple[int, str]],
           initial: dict[str, Any] | None = None,
           lines: list[dict[str, Any]] | None = None) -> tuple[ChargeForm, Any]:
    if request.method == "POST":
        return (ChargeForm(request.POST, clients=clients),
                LineFormSet(request.POST, prefix="lines"))
    return (ChargeForm(initial=initial, clients=clients),
            LineFormSet(initial=lines or [{}], prefix="lines"))


def _form_problems(form: ChargeForm, lines: Any) -> list[Finding]:
    found = [Finding("FORM", str(e), "error", f"form.{name}")
             for name, errs in form.errors.items() for e in errs]
    for index, line in enumerate(lines.forms):
        found += [Finding("FORM", str(e), "error", f"row[{index}].{name}", index + 1)
                  for name, errs in line.errors.items() for e in errs]
    found += [Finding("FORM", str(e), "error", "") for e in lines.non_form_errors()]
    return found


def _placed(findings: list[Finding], rows: list[int]) -> tuple[dict[str, list[Finding]],
                                                                list[Finding]]:
    """Findings by the element id they point at, and those that point at none."""
    by_id: dict[str, list[Finding]] = defaultdict(list)
    loose: list[Finding] = []
    for f in findings:
        path = f.field.replace("[n]", f"[{f.line_number}]") if f.line_number else f.field
        if path.startswith("form."):
            target = f"id_{path[5:]}"
        elif path.startswith("row["):
            index, _, name = path[4:].partition("].")
            target = f"id_lines-{index}-{name}"
        else:
            target = field_id(path, rows)
        (by_id[target] if target else loose).append(f)
    return by_id, loose


def _slot_ids(form: ChargeForm, lines: Any) -> list[str]:
    ids = [form[name].auto_id for name in form.fields if name not in ("client", "version")]
    ids += [line[name].auto_id for line in lines.forms for name in line.fields]
    return [i for i in ids if i]


def _check(request: HttpRequest, claim: Claim | None) -> HttpResponse:
    clients = _clients(request.user)
    form, lines = _forms(request, clients)
    result = Preview()
    rows: list[int] = []
    if form.is_valid() and lines.is_valid():
        client = Organization.objects.get(pk=form.cleaned_data["client"])
        data, rows = to_input(form, lines)
        result = preview(request.user, client, data, claim=claim)
    else:
        result.findings = _form_problems(form, lines)
    by_id, loose = _placed(result.findings, rows)
    slots = [(slot, by_id.get(slot, [])) for slot in _slot_ids(form, lines)]
    by_line = {a.line_number: a.check for a in result.auths}
    auths = [(index, by_line.get(number)) for number, index in enumerate(rows, start=1)]
    auths += [(index, None) for index in range(len(lines.forms)) if index not in rows]
    return render(request, "charges/_findings.html", {
        "result": result, "loose": loose, "slots": slots, "auths": auths})


@login_required
@require_POST
def check(request: HttpRequest) -> HttpResponse:
    """The scrubber's findings for the form as it stands (HTMX), nothing saved."""
    claim = None
    if request.POST.get("claim_id", "").isdigit():
        claim = _get_draft(request.user, int(request.POST["claim_id"]))
    return _check(request, claim)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    clients = _clients(request.user)
    if not clients:
        raise PermissionDenied("You may not enter charges for any client.")
    form, lines = _forms(request, clients, None, [{}] * BLANK_ROWS)
    problems: list[Finding] = []
    rows: list[int] | None = None
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        client = Organization.objects.get(pk=form.cleaned_data["client"])
        data, rows = to_input(form, lines)
        try:
            claim = services.enter_claim(client, data, acting_user=request.user)
        except services.ChargeError as exc:
            problems = [as_finding(p) for p in exc.problems]
        else:
            messages.info(request, f"Draft {claim.patient_control_number} saved.")
            return redirect("charges:edit", claim_id=claim.pk)
    return _form_page(request, form, lines, None, problems, rows=rows,
                      status=400 if request.method == "POST" else 200)


def _form_page(request: HttpRequest, form: ChargeForm, lines: Any, claim: Claim | None,
               problems: list[Finding], *, rows: list[int] | None = None, status: int = 200,
               conflict: str = "") -> HttpResponse:
    if not problems and form.is_bound:
        problems = _form_problems(form, lines)
    by_id, loose = _placed(problems, rows if rows is not None else list(range(len(lines.forms))))
    return render(request, "charges/charge_form.html", {
        "form": form, "lines": lines, "claim": claim, "loose": loose,
        "slots": dict(by_id), "conflict": conflict,
        "line_rows": [(line, [(line[n], by_id.get(line[n].auto_id, [])) for n in line.fields])
                      for line in lines.forms],
        "fields": {name: (form[name], by_id.get(form[name].auto_id, []))
                   for name in form.fields},
        "dx_rows": _in_fours([(bf, by_id.get(bf.auto_id, [])) for bf in form.diagnosis_fields()]),
    }, status=status)


def _in_fours[T](items: list[T]) -> list[list[T]]:
    return [items[i:i + 4] for i in range(0, len(items), 4)]


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _get_draft(request.user, claim_id)
    services.may_enter(request.user, claim.client_id)
    clients = [(claim.client_id, claim.client.name)]
    if request.method == "GET":
        record("read", client_id=claim.client_id, obj=claim)
        initial, line_initial = initial_for(claim)
        form, lines = _forms(request, clients, initial, _padded(line_initial))
        return _form_page(request, form, lines, claim, [])
    form, lines = _forms(request, clients)
    problems: list[Finding] = []
    rows: list[int] | None = None
    if form.is_valid() and lines.is_valid():
        data, rows = to_input(form, lines)
        version = form.cleaned_data["version"]
        try:
            services.update_draft(claim, data, version, acting_user=request.user)
        except services.Conflict:
            initial, line_initial = initial_for(_get_draft(request.user, claim_id))
            fresh, fresh_lines = (ChargeForm(initial=initial, clients=clients),
                                  LineFormSet(initial=_padded(line_initial), prefix="lines"))
            return _form_page(request, fresh, fresh_lines, claim, [], status=409,
                              conflict=CONFLICT)
        except services.NotADraft as exc:
            messages.error(request, str(exc))
            return redirect("charges:drafts")
        except services.ChargeError as exc:
            problems = [as_finding(p) for p in exc.problems]
        else:
            messages.info(request, f"Draft {claim.patient_control_number} saved.")
            return redirect("charges:edit", claim_id=claim.pk)
    return _form_page(request, form, lines, claim, problems, rows=rows, status=400)


@login_required
@require_POST
def discard(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _get_draft(request.user, claim_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.discard_draft(claim, version, acting_user=request.user)
    except services.Conflict:
        messages.error(request, CONFLICT)
        return redirect("charges:edit", claim_id=claim.pk)
    except services.NotADraft as exc:
        messages.error(request, str(exc))
        return redirect("charges:drafts")
    messages.info(request, f"Draft {claim.patient_control_number} discarded.")
    return redirect("charges:drafts")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    clients = _clients(request.user)
    if not clients:
        raise PermissionDenied("You may not import charges for any client.")
    context: dict[str, Any] = {"clients": clients, "formats": imports.FORMAT_WORDS.items()}
    if request.method == "GET":
        return render(request, "charges/import.html", context)
    upload = request.FILES.get("file")
    try:
        client_id = int(request.POST.get("client", ""))
    except ValueError:
        client_id = clients[0][0] if len(clients) == 1 else 0
    if upload is None or client_id not in dict(clients):
        context["error"] = "Choose a client and a file."
        return render(request, "charges/import.html", context, status=400)
    client = Organization.objects.get(pk=client_id)
    result, fmt = imports.import_upload(client, upload, request.POST.get("format", ""),
                                        acting_user=request.user)
    context.update({"result": result, "format": fmt, "name": upload.name, "client_id": client_id,
                    "format_words": imports.FORMAT_WORDS.get(fmt, fmt)})
    return render(request, "charges/import.html", context, status=200 if result.ok else 400)

