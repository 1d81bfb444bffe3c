"""The access registry's pages.

The client's admin keeps the registry (its systems, every login by engagement and person,
statuses, reviews due, open revocations) and decides; a client manager reads it; a partner
lead sees the logins of the engagements they are on and asks for new ones; a specialist or
QA auditor sees their own logins, read-only. Each page looks rows up through
``SystemAccess.objects.visible_to`` (another partner's or client's answer 404) and offers a
button only where ``authz.permits`` says the service behind it will act.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rcmdesk.accounts.models import User
from rcmdesk.accounts.requests import acting_user
from rcmdesk.audit.services import record, record_listing
from rcmdesk.claims.models import Payer
from rcmdesk.errors import DomainError
from rcmdesk.labels import label
from rcmdesk.systemaccess import queries, services
from rcmdesk.systemaccess.forms import RequestForm, SystemForm
from rcmdesk.systemaccess.models import ClientSystem, RevocationTask, SystemAccess
from rcmdesk.tenancy.authz import permits, require
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import Action, Role

OBJECT = "systemaccess.systemaccess"


def _client_admin(user: Any) -> Organization:
    client = queries.own_client(user)
    if client is None:
        raise PermissionDenied("The access registry is kept by the client's admins.")
    require(user, Action.MANAGE_SYSTEM_ACCESS, client.pk)
    return client


def _rows(user: Any, accesses: list[SystemAccess]) -> list[dict[str, Any]]:
    """Each login with its review flag and whether a revocation is open on it."""
    revoking = set(RevocationTask.objects.open().filter(access__in=accesses)
                   .values_list("access_id", flat=True))
    return [{"a": a, "due_on": queries.review_due_on(a, a.engagement.client.time_zone),
             "due": queries.is_review_due(a), "revoking": a.pk in revoking} for a in accesses]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    queries.require_open(user)
    client = queries.own_client(user)
    accesses = list(queries.accesses(user))
    manage = client is not None and permits(user, Action.MANAGE_SYSTEM_ACCESS, client.pk)
    shown: dict[int, list[int]] = {client.pk: []} if client is not None else {}
    for a in accesses:
        shown.setdefault(a.engagement.client_id, []).append(a.pk)
    record_listing(shown, OBJECT, key="accesses")
    requestable = [e for e in Engagement.objects.visible_to(user).select_related("client")
                   .distinct() if permits(user, Action.REQUEST_SYSTEM_ACCESS, e.client_id)]
    return render(request, "systemaccess/index.html", {
        "client": client, "manage": manage, "rows": _rows(user, accesses),
        "systems": queries.systems(user) if client is not None else [],
        "revocations": queries.open_revocations(user),
        "reviews_due": len(queries.reviews_due(queries.accesses(user), client))
        if manage and client is not None else 0,
        "requestable": requestable, "own_only": Role(user.role) in (
            Role.PARTNER_SPECIALIST, Role.PARTNER_QA)})


@login_required
def detail(request: HttpRequest, access_id: int) -> HttpResponse:
    user: Any = request.user
    access = queries.access(user, access_id)  # visibility first (404), then the role (403)
    queries.require_open(user)
    client_id = access.engagement.client_id
    record("read", client_id=client_id, obj=access)
    manage = permits(user, Action.MANAGE_SYSTEM_ACCESS, client_id)
    return render(request, "systemaccess/detail.html", {
        "a": access, "row": _rows(user, [access])[0], "manage": manage,
        "holder": access.user_id == user.pk, "history": queries.history(access),
        "revocations": access.revocations.select_related("opened_by", "confirmed_by")
        .order_by("opened_at"),
        "zone": access.engagement.client.time_zone})


STEPS = {
    "approve": lambda a, note, u: services.approve(a, note=note, acting_user=u),
    "deny": lambda a, note, u: services.deny(a, note=note, acting_user=u),
    "grant": lambda a, note, u: services.confirm_granted(a, note=note, acting_user=u),
    "keep": lambda a, note, u: services.attest(a, note=note, acting_user=u),
    "revoke": lambda a, note, u: services.revoke(a, reason=note, acting_user=u),
    "in-use": lambda a, note, u: services.mark_in_use(a, acting_user=u),
}
STEP_WORDS = {"approve": "approved", "deny": "denied", "grant": "confirmed as given",
              "keep": "kept", "revoke": "revoked", "in-use": "noted as in use"}


@login_required
@require_POST
def step(request: HttpRequest, access_id: int, step: str) -> HttpResponse:
    user = acting_user(request)
    access = queries.access(user, access_id)
    if step not in STEPS:
        raise Http404("Not found.")
    STEPS[step](access, str(request.POST.get("note", ""))[:300].strip(), user)
    messages.info(request, f"Login {access.account_name} to {access.system.name} "
                           f"{STEP_WORDS[step]}.")
    return redirect("systemaccess:detail", access_id=access.pk)


@login_required
@require_http_methods(["GET", "POST"])
def system_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    client = _client_admin(user)
    payers = {str(p.pk): p for p in Payer.objects.visible_to(user).filter(client=client)
              .order_by("name")}
    form = SystemForm(request.POST or None,
                      payers=[(k, p.name) for k, p in payers.items()])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            system = services.register_system(
                client, kind=data["kind"], name=data["name"], workflows=data["workflows"],
                payer=payers.get(data["payer"] or ""), acting_user=user)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.info(request, f"{system.name} registered.")
            return redirect("systemaccess:index")
    return render(request, "systemaccess/system_new.html", {"client": client, "form": form},
                  status=400 if form.is_bound else 200)


def _request_form(engagement: Engagement, user: Any, data: Any = None) -> RequestForm:
    people = (User.objects.filter(assignments__engagement=engagement,
                                  organization_id=engagement.partner_id, is_active=True)
              .order_by("first_name", "last_name", "username"))
    systems = (ClientSystem.objects.visible_to(user)
               .filter(client_id=engagement.client_id, active=True).order_by("name"))
    return RequestForm(
        data, people=[(str(p.pk), f"{p.get_full_name() or p.username} ({label(p.role, 'role')})")
                      for p in people if Role(p.role).is_partner],
        systems=[(str(s.pk), f"{s.name} ({label(s.kind, 'system_kind')})") for s in systems])


@login_required
@require_http_methods(["GET", "POST"])
def engagement(request: HttpRequest, engagement_id: int) -> HttpResponse:
    user = acting_user(request)
    found: Engagement = Engagement.objects.select_related("client", "partner") \
        .get_visible_or_404(user, pk=engagement_id)  # visibility first (404), then the role
    queries.require_open(user)
    may_request = permits(user, Action.REQUEST_SYSTEM_ACCESS, found.client_id)
    form = _request_form(found, user, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_request:
            require(user, Action.REQUEST_SYSTEM_ACCESS, found.client_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                access = services.request_access(
                    found, User.objects.get(pk=data["user"]),
                    ClientSystem.objects.get(pk=data["system"]),
                    account_name=data["account_name"], scope=data["scope"],
                    mfa_enabled=data["mfa_enabled"], vault_reference=data["vault_reference"],
                    review_period_days=data["review_period_days"], acting_user=user)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.info(request, f"Login {access.account_name} to {access.system.name} "
                                       "asked for; the client's admin approves it.")
                return redirect("systemaccess:engagement", engagement_id=found.pk)
    rows = list(queries.engagement_rows(user, found))
    record_listing({found.client_id: [a.pk for a in rows]}, OBJECT, key="accesses",
                   detail={"engagement": found.pk})
    return render(request, "systemaccess/engagement.html", {
        "engagement": found, "rows": _rows(user, rows), "form": form,
        "may_request": may_request,
        "missing": [(w, queries.missing_access(found, w)) for w in found.workflows()]
        if may_request else []},
        status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    client = _client_admin(user)
    due = queries.reviews_due(queries.accesses(user), client)
    if request.method == "POST":
        chosen = {str(i) for i in request.POST.getlist("access")}
        picked = [a for a in due if str(a.pk) in chosen]
        decision = str(request.POST.get("decision", ""))
        if not picked:
            messages.error(request, "Tick the logins to keep or revoke first.")
        else:
            done = services.bulk_review(picked, decision, reason="revoked on review",
                                        acting_user=user)
            word = "kept" if decision == "keep" else "revoked"
            messages.info(request, f"{done} login{'s' if done != 1 else ''} {word}.")
        return redirect("systemaccess:review")
    record_listing({client.pk: [a.pk for a in due]}, OBJECT, key="accesses",
                   detail={"review": True})
    return render(request, "systemaccess/review.html", {
        "client": client, "rows": _rows(user, due)})


@login_required
@require_POST
def confirm_revocation(request: HttpRequest, task_id: int) -> HttpResponse:
    user = acting_user(request)
    task = queries.revocation(user, task_id)
    services.confirm_revocation(task, note=str(request.POST.get("note", ""))[:300].strip(),
                                acting_user=user)
    messages.info(request, f"Revocation of {task.access.account_name} on "
                           f"{task.access.system.name} confirmed.")
    if request.POST.get("back") == "detail":
        return redirect("systemaccess:detail", access_id=task.access_id)
    return redirect("systemaccess:index")


EXPORT_COLUMNS = ("Engagement", "Person", "Username", "System", "Kind", "Account", "Role or scope",
                  "MFA", "Vault reference", "Status now", "Change at", "Changed by", "From",
                  "To", "Note", "Open revocation since")


@login_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    """The registry with every change of every login, for the client's auditors."""
    user = acting_user(request)
    client = _client_admin(user)
    accesses = list(queries.accesses(user).filter(engagement__client=client))
    record("export", client_id=client.pk, object_type=OBJECT,
           detail={"accesses": len(accesses)})
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(_csv(accesses, client.time_zone), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="access-registry-{stamp}.csv"'
    return response


def _csv(accesses: list[SystemAccess], zone: str) -> Iterator[str]:
    from rcmdesk.web.templatetags.present import when

    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        out = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return out

    writer.writerow(EXPORT_COLUMNS)
    yield flush()
    opens = {t.access_id: t for t in RevocationTask.objects.open().filter(access__in=accesses)}
    for a in accesses:
        task = opens.get(a.pk)
        for c in queries.history(a):
            writer.writerow([
                a.engagement.name, a.user.get_full_name() or a.user.username, a.user.username,
                a.system.name, label(a.system.kind, "system_kind"), a.account_name, a.scope,
                "Yes" if a.mfa_enabled else "No", a.vault_reference,
                label(a.status, "access_status"), when(c.at, zone),
                c.by.username if c.by else "", label(c.from_status, "access_status")
                if c.from_status else "", label(c.to_status, "access_status"), c.note,
                when(task.opened_at, zone) if task else ""])
        yield flush()
