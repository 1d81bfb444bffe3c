"""A client admin's changes to the client's trading-partner connections, each audited.

Connections and their secrets are the client's: only its admins manage them
(``Action.MANAGE_CONNECTIONS``), partner users never see a secret. A secret is checked
(``validation``), sealed under the server's key (``secrets``) and never comes back out
through here: the audit trail records its kind, the key that sealed it and, for a key or
certificate, its SHA-256 fingerprint; no part of a password is ever written anywhere.
Rotating a secret retires the old row and blanks its ciphertext, so the history of who set
which secret when is kept without keeping any old secret readable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.connectivity import secrets
from rcmdesk.connectivity.models import Connection, Credential, CredentialKind
from rcmdesk.connectivity.validation import (
    FIELDS,
    ConnectionProblem,
    check_secret,
    clean_connection,
    host_key_fingerprint,
)
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action


def create_connection(client: Organization, values: Mapping[str, Any], *,
                      acting_user: Any) -> Connection:
    """A new connection for the client, checked for its kind; no secret yet."""
    require(acting_user, Action.MANAGE_CONNECTIONS, client.pk)
    data = clean_connection(values)
    connection = Connection(client=client, created_by=person(acting_user), **data)
    with transaction.atomic():
        _save_named(connection)
        record("connection.create", client_id=client.pk, obj=connection,
               acting_user=acting_user,
               detail=_described(connection, {k: v for k, v in data.items() if v != ""}))
    return connection


def update_connection(connection: Connection, values: Mapping[str, Any], *,
                      acting_user: Any) -> Connection:
    """Change a connection's settings (its kind stays: secrets belong to a kind)."""
    require(acting_user, Action.MANAGE_CONNECTIONS, connection.client_id)
    merged = {f: getattr(connection, f) for f in FIELDS} | dict(values)
    if str(merged["kind"]) != connection.kind:
        raise ConnectionProblem("A connection's kind cannot change; add a new connection "
                                "of the other kind instead.", "kind")
    data = clean_connection(merged)
    changed = {f: v for f, v in data.items() if getattr(connection, f) != v}
    if not changed:
        return connection
    with transaction.atomic():
        for field, value in changed.items():
            setattr(connection, field, value)
        connection.updated_at = timezone.now()
        _save_named(connection)
        record("connection.update", client_id=connection.client_id, obj=connection,
               acting_user=acting_user,
               detail={"connection": connection.name, **_described(connection, changed)})
    return connection


def _save_named(connection: Connection) -> None:
    try:
        with transaction.atomic():
            connection.save()
    except IntegrityError:
        raise ConnectionProblem(f"This client already has a connection named "
                                f"{connection.name!r}; choose another name.", "name") from None


def _described(connection: Connection, data: Mapping[str, Any]) -> dict[str, Any]:
    """The settings for the trail, the host key as its fingerprint (shorter to compare)."""
    detail = {("connection_kind" if k == "kind" else k): v for k, v in data.items()}
    if "host_key" in detail:
        detail["host_key"] = host_key_fingerprint(connection.host_key)
    return detail


def set_secret(connection: Connection, kind: CredentialKind | str, value: str, *,
               acting_user: Any) -> Credential:
    """Seal a new secret of this kind for the connection; the current one (if any) is
    retired and its ciphertext blanked, so a rotation leaves one readable secret per kind."""
    require(acting_user, Action.MANAGE_CONNECTIONS, connection.client_id)
    now = timezone.now()
    checked = check_secret(connection.kind, str(kind), value, now)
    ciphertext, key_id = secrets.seal(checked.value)
    with transaction.atomic():
        Connection.objects.select_for_update().filter(pk=connection.pk).first()
        replaced = Credential.objects.filter(connection=connection, kind=kind,
                                             retired_at__isnull=True).update(
            retired_at=now, ciphertext=b"")
        credential = Credential.objects.create(
            connection=connection, kind=kind, ciphertext=ciphertext, key_id=key_id,
            hint=checked.hint, set_at=now, set_by=person(acting_user))
        Connection.objects.filter(pk=connection.pk).update(updated_at=now)
        record("connection.secret_set", client_id=connection.client_id, obj=connection,
               acting_user=acting_user,
               detail={"connection": connection.name, "secret": str(kind), "key_id": key_id,
                       "hint": checked.hint, "replaced": bool(replaced),
                       **(checked.facts or {})})
    return credential


def disable_connection(connection: Connection, *, acting_user: Any,
                       reason: str = "") -> Connection:
    """Stop using the connection: nothing is sent or polled through it until enabled."""
    return _switch(connection, False, reason, acting_user=acting_user)


def enable_connection(connection: Connection, *, acting_user: Any) -> Connection:
    return _switch(connection, True, "", acting_user=acting_user)


def _switch(connection: Connection, enabled: bool, reason: str, *,
            acting_user: Any) -> Connection:
    require(acting_user, Action.MANAGE_CONNECTIONS, connection.client_id)
    if connection.enabled == enabled:
        return connection
    with transaction.atomic():
        connection.enabled, connection.updated_at = enabled, timezone.now()
        connection.save(update_fields=["enabled", "updated_at"])
        record("connection.enable" if enabled else "connection.disable",
               client_id=connection.client_id, obj=connection, acting_user=acting_user,
               detail={"connection": connection.name, "reason": reason.strip()[:500]})
    return connection


def rekey(*, acting_user: Any) -> int:
    """Seal every current secret again under the first configured key; the count resealed.

    Run after putting a new key in front of ``CONNECTION_KEYS`` (the old one kept behind it),
    so the old key can then be dropped. Key custody is the server operator's, across every
    client, so this is the operator's command (``acting_user=None``), never a person's page.
    A secret no configured key opens raises ``SecretUnavailable`` naming it; nothing is
    changed then (one transaction), so the operator restores the key and runs it again.
    """
    if acting_user is not None:
        raise PermissionDenied("Re-sealing secrets under a new key is the server operator's "
                               "task (rcmdesk connections rekey).")
    resealed: dict[int, int] = {}
    with transaction.atomic():
        current = (Credential.objects.select_for_update().select_related("connection")
                   .filter(retired_at__isnull=True).order_by("pk"))
        for credential in current:
            if secrets.reseal(credential):
                client_id = credential.connection.client_id
                resealed[client_id] = resealed.get(client_id, 0) + 1
        for client_id, count in sorted(resealed.items()):
            record("connection.rekey", client_id=client_id, acting_user=None,
                   detail={"resealed": count, "key_id": secrets.current_key_id()})
    return sum(resealed.values())
