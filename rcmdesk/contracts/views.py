"""The client's contract pages: the list, one contract (terms, rates in force today, version
history), a new contract, its terms, a schedule import (upload, diff, confirm), a version's
rows, and the reference schedules.

Reading asks only that the person sees the client (visibility, then ``VIEW_TENANT_DATA``):
partners work underpayments against these rates. Every page that changes something asks
``MANAGE_CONTRACTS`` first, on GET too, so a partner or client staff gets 403 on the form
itself, and another client's contract answers 404 before any role is asked. The buttons
ask ``permits`` with the same question.

The import's preview and confirm are two requests with no model in between: the confirm
form carries the file's text signed (``django.core.signing``, salted, one hour), so what is
applied is exactly what was previewed and nobody can slip in other rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.contracts import csvimport, queries, references, services
from rcmdesk.contracts.csvimport import ScheduleFileRefused
from rcmdesk.contracts.forms import (
    ConfirmForm,
    ContractForm,
    EditTermsForm,
    ImportForm,
    ReferenceForm,
)
from rcmdesk.contracts.models import Contract
from rcmdesk.intake import sniff
from rcmdesk.tenancy.authz import permits, require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action
from rcmdesk.uploads import UploadRefused, read_upload

SALT = "rcmdesk.contracts.import"
PREVIEW_HOURS = 1


def _own_client(user: Any) -> Organization:
    """Only the client's own people create contracts and load its schedules."""
    org: Organization | None = user.organization
    if org is None or not org.is_client:
        raise PermissionDenied("Contracts are the client's to change.")
    require(user, Action.MANAGE_CONTRACTS, org.pk)
    return org


def _may_manage(user: Any) -> bool:
    org = user.organization
    return bool(org is not None and org.is_client
                and permits(user, Action.MANAGE_CONTRACTS, org.pk))


def _changing(user: Any, contract_id: int) -> Contract:
    found = queries.contract(user, contract_id)
    require(user, Action.MANAGE_CONTRACTS, found.client_id)
    return found


@login_required
@require_GET
def contracts(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, Action.VIEW_TENANT_DATA, None)
    return render(request, "contracts/contracts.html", {
        "rows": queries.contracts(user), "may_manage": _may_manage(user)})


@login_required
@require_GET
def contract(request: HttpRequest, contract_id: int) -> HttpResponse:
    user: Any = request.user
    found = queries.contract(user, contract_id)
    return render(request, "contracts/contract.html", {
        "contract": found, "client": found.client,
        "today": found.client.today(),
        "rates": queries.rates_in_force(user, found),
        "versions": queries.versions(user, found),
        "may_manage": permits(user, Action.MANAGE_CONTRACTS, found.client_id)})


@login_required
@require_GET
def version(request: HttpRequest, contract_id: int, version_number: int) -> HttpResponse:
    user: Any = request.user
    found = queries.contract(user, contract_id)
    chosen, rows = queries.version(user, found, version_number)
    return render(request, "contracts/version.html", {
        "contract": found, "client": found.client, "version": chosen, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    client = _own_client(user)
    form = ContractForm(request.POST or None, client=client, user=user)
    if request.method == "POST" and form.is_valid():
        payer, plan = form.cleaned_data["payer"], form.cleaned_data["plan"].strip().upper()
        if Contract.objects.visible_to(user).filter(client=client, payer=payer,
                                                     plan=plan).exists():
            form.add_error("plan", f"{payer.name} already has a contract for "
                                   f"{plan or 'every plan'}; change that one's terms.")
        else:
            made = services.do_create_contract(client, payer, plan=plan, acting_user=user,
                                               **form.terms())
            messages.info(request, f"Contract {made.name} created; import its schedule.")
            return redirect("contracts:contract", contract_id=made.pk)
    return render(request, "contracts/form.html", {
        "form": form, "client": client, "contract": None, "title": "New contract"},
        status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def terms(request: HttpRequest, contract_id: int) -> HttpResponse:
    user: Any = request.user
    found = _changing(user, contract_id)
    names = ("name", "reference", "reference_percent", "multiple_procedure_percent",
             "bilateral_percent", "tolerance_amount", "tolerance_percent", "active")
    form = EditTermsForm(request.POST or None, client=found.client, user=user,
                         initial={n: getattr(found, n) for n in names})
    if request.method == "POST" and form.is_valid():
        wanted = form.terms() | {"active": form.cleaned_data["active"]}
        changes = {k: v for k, v in wanted.items() if getattr(found, k) != v}
        if not changes:
            form.add_error(None, "Nothing changed: the terms are as they were.")
        else:
            made = services.do_change_terms(found, note=form.cleaned_data["note"],
                                            acting_user=user, **changes)
            messages.info(request, f"Terms changed: version {made.number}.")
            return redirect("contracts:contract", contract_id=found.pk)
    return render(request, "contracts/form.html", {
        "form": form, "client": found.client, "contract": found,
        "title": f"Terms of {found.name}"}, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def import_schedule(request: HttpRequest, contract_id: int) -> HttpResponse:
    """Upload a schedule file: refused with its problems, or shown as a diff to confirm."""
    user: Any = request.user
    found = _changing(user, contract_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[csvimport.Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = (upload.name or "schedule.csv")[:120]
        try:
            data = read_upload(upload, what="schedule file")
            kind = sniff.foreign(data)
            if kind is not None:
                form.add_error("file", f"This file is {kind.described}, not a CSV file. "
                                       "Save the schedule from the spreadsheet as CSV.")
                raise ScheduleFileRefused([])
            text = csvimport.text_of(data)
            rows = csvimport.parse(text)
        except UploadRefused as exc:
            form.add_error("file", str(exc))
        except ScheduleFileRefused as exc:
            problems = exc.problems
        else:
            token = signing.dumps({"contract": found.pk, "name": name, "text": text,
                                   "note": form.cleaned_data["note"]}, salt=SALT,
                                  compress=True)
            return render(request, "contracts/preview.html", {
                "contract": found, "client": found.client, "name": name,
                "note": form.cleaned_data["note"], "diff": csvimport.preview(found, rows),
                "rows": len(rows), "form": ConfirmForm(initial={"token": token})})
    return render(request, "contracts/import.html", {
        "contract": found, "client": found.client, "form": form, "problems": problems},
        status=400 if form.is_bound else 200)


@login_required
@require_POST
def confirm_import(request: HttpRequest, contract_id: int) -> HttpResponse:
    user: Any = request.user
    found = _changing(user, contract_id)
    form = ConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise signing.BadSignature("no token")
        carried = signing.loads(form.cleaned_data["token"], salt=SALT,
                                max_age=PREVIEW_HOURS * 3600)
    except signing.BadSignature:
        messages.error(request, "The preview expired or was altered; upload the file again.")
        return redirect("contracts:import", contract_id=found.pk)
    if carried.get("contract") != found.pk:
        messages.error(request, "That preview was of another contract; upload the file again.")
        return redirect("contracts:import", contract_id=found.pk)
    rows = csvimport.parse(carried["text"])
    made = csvimport.apply(found, rows, name=carried["name"], note=carried["note"],
                           acting_user=user)
    messages.info(request, f"{carried['name']} imported: version {made.number}, "
                           f"{len(rows)} row(s).")
    return redirect("contracts:contract", contract_id=found.pk)


@login_required
@require_GET
def reference_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, Action.VIEW_TENANT_DATA, None)
    return render(request, "contracts/references.html", {
        "schedules": queries.references(user), "may_manage": _may_manage(user)})


@login_required
@require_http_methods(["GET", "POST"])
def load_reference(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    client = _own_client(user)
    form = ReferenceForm(request.POST or None, request.FILES or None)
    problems: list[csvimport.Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_upload(upload, what="fee schedule file")
            kind = sniff.foreign(data)
            if kind is not None:
                form.add_error("file", f"This file is {kind.described}, not a CSV file.")
                raise ScheduleFileRefused([])
            loaded = references.load_reference(
                client, name=form.cleaned_data["name"], year=form.cleaned_data["year"],
                text=csvimport.text_of(data), source_name=upload.name or "",
                acting_user=user)
        except UploadRefused as exc:
            form.add_error("file", str(exc))
        except ScheduleFileRefused as exc:
            problems = exc.problems
        else:
            messages.info(request, f"{loaded.name}: {loaded.rows:,} codes loaded.")
            return redirect("contracts:references")
    return render(request, "contracts/load_reference.html", {
        "client": client, "form": form, "problems": problems},
        status=400 if form.is_bound else 200)
