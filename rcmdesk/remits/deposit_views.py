"""The reconciliation page: bank deposits against 835 payments, for the posting workflow.

Clients are those the user may see for ``Workflow.POSTING``; any other client answers 404,
exactly like a missing one. Uploading is a write (``Action.WORK_ITEMS`` on a writable,
visible client): a break-glass reader or a role that may not work items gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rcmdesk.intake import sniff
from rcmdesk.remits.deposits import (
    DepositFileError,
    audit_reconciliation,
    import_deposits_csv,
    match_deposits,
    unmatched,
)
from rcmdesk.tenancy.authz import allows, require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.uploads import UploadRefused, read_upload


def posting_clients(user: object) -> list[Organization]:
    return list(Organization.objects.visible_to(user, Workflow.POSTING)  # type: ignore[attr-defined]
                .filter(kind="client").order_by("name"))


def posting_client_or_404(user: object, slug: str) -> Organization:
    org = next((o for o in posting_clients(user) if o.slug == slug), None)
    if org is None:
        raise Http404("Not found.")
    return org


@login_required
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    clients = posting_clients(request.user)
    slug = request.GET.get("client", "")
    org = posting_client_or_404(request.user, slug) if slug else (clients[0] if clients else None)
    context: dict[str, object] = {"clients": clients, "org": org}
    if org is not None:
        today = org.today()
        report = unmatched(org, today)
        audit_reconciliation(org, report, view="reconciliation")
        context.update(report=report, today=today, can_upload=(
            allows(request.user, Action.WORK_ITEMS)
            and visibility_for(request.user).can_write(org.pk, Workflow.POSTING)))
    return render(request, "remits/reconciliation.html", context)


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    org = posting_client_or_404(request.user, request.POST.get("client", ""))
    require(request.user, Action.WORK_ITEMS, org.pk, Workflow.POSTING)
    back = reverse("reconciliation:page") + f"?client={org.slug}"
    upload_file = request.FILES.get("file")
    if upload_file is None:
        messages.error(request, "Choose a deposit file (CSV or BAI2) to upload.")
        return redirect(back)
    name = upload_file.name or "deposits.csv"
    try:
        content = read_upload(upload_file, what="deposit file")
        kind = sniff.foreign(content)
        if kind is not None:  # a statement PDF or a screenshot: say so, not "row 1"
            messages.error(request, f"Nothing imported. {name}: this file is {kind.described}, "
                                    "not a deposit file. Upload the CSV or BAI2 file your "
                                    "bank sent.")
            return redirect(back)
        imported = import_deposits_csv(org, content, name, acting_user=request.user)
    except (UploadRefused, DepositFileError) as exc:
        messages.error(request, f"Nothing imported. {exc}")
        return redirect(back)
    result = match_deposits(org, acting_user=request.user)
    if imported.added == 0 and imported.deposit_import.rows:
        messages.warning(request, f"{name}: this file was already imported; nothing added.")
    else:
        messages.success(request, f"{name}: {imported.added} deposit(s) imported, "
                                  f"{result.matched} matched.")
    return redirect(back)
