"""The client admin's connection pages: the list, the add/edit form, the write-only secret
form with its rotation history, disable and enable.

Every page asks ``Action.MANAGE_CONNECTIONS`` of the signed-in person's own client: partner
users and the client's other people get the site's refusal (and no menu entry, which asks
the same question in ``web/context.py``). A page of one connection looks it up through
visibility first, so another client's answers 404 like a missing one, then asks the role.
No page ever renders a secret: the list and history show when, by whom, under which key and
a key's fingerprint only.

"Test connection" (``test``) logs in to an SFTP mailbox with the pinned host key and the
sealed secret and lists its folders (``connectivity.sftp.check``), answering in words.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.connectivity import queries, services, sftp
from rcmdesk.connectivity.forms import ConnectionForm, SecretForm
from rcmdesk.connectivity.models import Connection, ConnectionKind, CredentialKind
from rcmdesk.connectivity.validation import FIELDS, SECRET_KINDS, ConnectionProblem
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action


def _own_client(user: Any) -> Organization:
    """The signed-in person's own client: its connections are its admins' to keep."""
    org: Organization | None = user.organization
    if org is None or not org.is_client:
        raise PermissionDenied("Trading-partner connections belong to the client's admins.")
    require(user, Action.MANAGE_CONNECTIONS, org.pk)
    return org


@login_required
@require_GET
def connections(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    client = _own_client(user)
    return render(request, "connectivity/connections.html", {
        "client": client, "rows": queries.connections(user, client)})


@login_required
@require_http_methods(["GET", "POST"])
def add(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    client = _own_client(user)
    form = ConnectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            connection = services.create_connection(client, form.values(), acting_user=user)
        except ConnectionProblem as exc:
            _beside_field(form, exc)
        else:
            messages.info(request, f"Connection {connection.name} added; now set its "
                                   "secret.")
            return redirect("connectivity:edit", connection_id=connection.pk)
    return _form_page(request, client, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, connection_id: int) -> HttpResponse:
    user: Any = request.user
    connection = queries.connection(user, connection_id)
    initial = {f: getattr(connection, f) for f in FIELDS} | {
        "carries": connection.carries.split()}
    form = ConnectionForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_connection(connection, form.values(), acting_user=user)
        except ConnectionProblem as exc:
            _beside_field(form, exc)
        else:
            messages.info(request, f"Connection {connection.name} saved.")
            return redirect("connectivity:connections")
    return _form_page(request, connection.client, form, connection)


def _beside_field(form: ConnectionForm, exc: ConnectionProblem) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _form_page(request: HttpRequest, client: Organization, form: ConnectionForm,
               connection: Connection | None) -> HttpResponse:
    return render(request, "connectivity/edit.html", {
        "client": client, "form": form, "connection": connection,
        "secret_kinds": SECRET_KINDS[connection.kind] if connection else (),
        "test_url": reverse("connectivity:test", args=[connection.pk]) if connection else ""},
        status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def secret(request: HttpRequest, connection_id: int, kind: str) -> HttpResponse:
    """Set or rotate one secret: write-only, with every earlier setting listed."""
    user: Any = request.user
    connection = queries.connection(user, connection_id)
    if kind not in SECRET_KINDS[connection.kind]:
        raise Http404("Not found.")
    problem, status = "", 200
    if request.method == "POST":
        form = SecretForm(kind, request.POST)
        value = str(form.data.get("secret", ""))
        try:
            services.set_secret(connection, kind, value, acting_user=user)
        except ConnectionProblem as exc:
            problem, status = str(exc), 400
        else:
            messages.info(request, f"{CredentialKind(kind).label} of {connection.name} set.")
            return redirect("connectivity:secret", connection_id=connection.pk, kind=kind)
    return render(request, "connectivity/secret.html", {
        "client": connection.client, "connection": connection, "kind": kind,
        "form": SecretForm(kind), "problem": problem,
        "history": queries.secret_history(user, connection, kind)}, status=status)


@login_required
@require_POST
def disable(request: HttpRequest, connection_id: int) -> HttpResponse:
    user: Any = request.user
    connection = queries.connection(user, connection_id)
    services.disable_connection(connection, acting_user=user,
                                reason=str(request.POST.get("reason", "")))
    messages.info(request, f"Connection {connection.name} disabled: nothing goes through "
                           "it until it is enabled again.")
    return redirect("connectivity:connections")


@login_required
@require_POST
def enable(request: HttpRequest, connection_id: int) -> HttpResponse:
    user: Any = request.user
    connection = queries.connection(user, connection_id)
    services.enable_connection(connection, acting_user=user)
    messages.info(request, f"Connection {connection.name} enabled.")
    return redirect("connectivity:connections")


@login_required
@require_POST
def test(request: HttpRequest, connection_id: int) -> HttpResponse:
    user: Any = request.user
    connection = queries.connection(user, connection_id)
    if connection.kind == ConnectionKind.SFTP:
        messages.info(request, sftp.check(connection))
    else:
        messages.info(request, "A real-time connection is tested by a real inquiry: use "
                               "\"Check eligibility now\" on a visit.")
    return redirect("connectivity:edit", connection.pk)
