"""What a client admin reads about the client's connections: the settings and, for each
secret, only when it was set, by whom, under which key and its fingerprint; never its
value (``secrets.current_secret`` is for a transport logging in, nothing else)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rcmdesk.audit.services import record_listing
from rcmdesk.connectivity.models import Connection, Credential
from rcmdesk.connectivity.validation import SECRET_KINDS
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action


@dataclass(frozen=True)
class SecretState:
    """One kind of secret a connection may hold, and its current row (None: not set)."""

    kind: str
    current: Credential | None


@dataclass(frozen=True)
class ConnectionRow:
    connection: Connection
    secrets: tuple[SecretState, ...]


def connections(user: Any, client: Organization) -> list[ConnectionRow]:
    """The client's connections with their secrets' state, audited as a listing."""
    require(user, Action.MANAGE_CONNECTIONS, client.pk)
    rows = list(Connection.objects.visible_to(user).filter(client=client).order_by("name"))
    current: dict[tuple[int, str], Credential] = {
        (c.connection_id, c.kind): c for c in Credential.objects.visible_to(user)
        .filter(connection__in=rows, retired_at__isnull=True).select_related("set_by")}
    record_listing({client.pk: [c.pk for c in rows]}, "connectivity.connection",
                   key="connection_ids")
    return [ConnectionRow(c, tuple(SecretState(str(k), current.get((c.pk, k)))
                                   for k in SECRET_KINDS[c.kind])) for c in rows]


def connection(user: Any, connection_id: int) -> Connection:
    """One connection: out of sight (another client's, or none) answers 404 before the
    role is asked (403), the order that leaks nothing."""
    found: Connection = Connection.objects.select_related("client").get_visible_or_404(
        user, pk=connection_id)
    require(user, Action.MANAGE_CONNECTIONS, found.client_id)
    return found


def secret_history(user: Any, connection: Connection, kind: str) -> list[Credential]:
    """Every time a secret of this kind was set, newest first (who, when, key id, hint)."""
    require(user, Action.MANAGE_CONNECTIONS, connection.client_id)
    return list(Credential.objects.visible_to(user).filter(connection=connection, kind=kind)
                .select_related("set_by").defer("ciphertext").order_by("-set_at", "-pk"))
