"""The demo clients' trading-partner connections, pointed at the clearinghouse simulator.

``make run`` runs ``rcmdesk sim --prepare`` before ``rcmdesk demo``, so the simulator's
``<state_dir>/connection.json`` (``rcmdesk.sim.contract``) already says where its mailboxes
are, which host key to pin and each mailbox's login. Every demo client gets its own mailbox
(its slug is its simulator user; a client the simulator does not know yet is added to
``users.json`` through ``rcmdesk.sim.users``, which a running simulator reads at each login)
and, when the contract names an OAuth client for the CORE endpoint, a real-time connection.
A claim entered in the demo then goes out through the worker and its answers come back.

Made as each client's admin would make them, every change audited, secrets sealed
(``connectivity.secrets``), never printed. Keyed by connection name: a second run changes
nothing, and a simulator whose state was wiped (new host key, new passwords) is followed,
so ``make run`` after ``rm -rf var/sim`` still works.

Connections and secrets are made through ``rcmdesk.connectivity.services`` as the client's
admin, so the demo's rows are checked and audited exactly as a person's would be.
"""

from __future__ import annotations

import secrets as tokens
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from rcmdesk.accounts.models import User
from rcmdesk.connectivity.models import (
    Completion,
    Connection,
    ConnectionKind,
    CredentialKind,
    RemoteAfter,
)
from rcmdesk.connectivity.secrets import SecretUnavailable, current_secret
from rcmdesk.connectivity.services import create_connection as _create_connection
from rcmdesk.connectivity.services import set_secret as _set_secret
from rcmdesk.connectivity.services import update_connection as _update_connection
from rcmdesk.demo.personas import CLIENTS
from rcmdesk.sim import users
from rcmdesk.sim.cli import default_state_dir
from rcmdesk.sim.contract import CONNECTION_FILE
from rcmdesk.sim.store import read_json
from rcmdesk.tenancy.models import Organization

MAILBOX = "Clearinghouse mailbox (simulator)"
REALTIME = "Real-time eligibility (simulator)"
# Where the simulator serves CORE REST and OAuth tokens when the contract gives only host
# and port (rcmdesk.sim.core_http's REST_PATH and TOKEN_PATH).
REALTIME_HOST, REALTIME_PORT = "127.0.0.1", 8023
REST_PATH, TOKEN_PATH = "/core/rest", "/oauth/token"
PREPARE = "rcmdesk sim --prepare"


@dataclass(frozen=True)
class Connections:
    """What ``build_connections`` left in place, for the one line ``rcmdesk demo`` prints."""

    mailboxes: tuple[str, ...] = ()
    address: str = ""
    realtime: str = ""  # the endpoint, or why there is none
    missing: str = ""  # the state dir without a connection.json

    def line(self) -> str:
        if self.missing:
            return (f"demo connections: skipped, no clearinghouse simulator in {self.missing} "
                    f"(run `{PREPARE}`, then `rcmdesk demo` again)")
        return (f"demo connections: mailboxes {', '.join(self.mailboxes)} at "
                f"{self.address}; real time: {self.realtime}")


def build_connections(state_dir: Path | None = None) -> Connections:
    """Point every demo client at the simulator of ``state_dir`` ($RCMDESK_VAR_DIR/sim)."""
    state_dir = Path(state_dir or default_state_dir())
    contract: dict[str, Any] | None = read_json(state_dir / CONNECTION_FILE, None)
    if contract is None:
        return Connections(missing=str(state_dir))
    clients = [spec.slug for spec in CLIENTS]
    passwords = mailbox_passwords(state_dir, clients)
    realtime = realtime_values(contract)
    made = []
    for slug in clients:
        client = Organization.objects.filter(slug=slug, kind="client").first()
        admin = User.objects.filter(username=f"{slug}.admin").first()
        if client is None or admin is None or not passwords.get(slug):
            continue
        with transaction.atomic():
            ensure_mailbox(client, contract, slug, passwords[slug], acting_user=admin)
            if realtime is not None:
                values, secret = realtime
                _ensure(client, values, {CredentialKind.OAUTH_SECRET: secret},
                        acting_user=admin)
        made.append(slug)
    return Connections(
        mailboxes=tuple(made), address=f"sftp://{contract['host']}:{contract['port']}",
        realtime=(realtime[0]["endpoint_url"] if realtime is not None else
                  f"none, {CONNECTION_FILE} names no OAuth client for the CORE endpoint"))


def mailbox_passwords(state_dir: Path, names: list[str]) -> dict[str, str]:
    """Each name's mailbox password, adding a user with a fresh one for a name the
    simulator does not know (the simulator's own list, so it keeps working on its own)."""
    known = users.load(state_dir)
    missing = [users.User(name, tokens.token_urlsafe(18)) for name in names
               if name not in known]
    if missing:
        users.save(state_dir, [*known.values(), *missing])
        known = users.load(state_dir)
    return {name: known[name].password for name in names}


def ensure_mailbox(client: Organization, contract: Mapping[str, Any], username: str,
                   password: str, *, acting_user: User | None) -> Connection:
    """The client's SFTP connection to the simulator's mailbox ``username`` (made, or
    brought in line with ``contract``); also what connectivity's simulated tests use."""
    return _ensure(client, mailbox_values(contract, username),
                   {CredentialKind.PASSWORD: password}, acting_user=acting_user)


def mailbox_values(contract: Mapping[str, Any], username: str) -> dict[str, Any]:
    folders = contract.get("folders") or {}
    return {
        "name": MAILBOX, "kind": ConnectionKind.SFTP, "carries": "837 270 276 278",
        "host": contract["host"], "port": int(contract["port"]), "username": username,
        "host_key": contract["host_key"],
        "outbound_dir": folders.get("upload", users.INBOUND),
        "inbound_dir": folders.get("download", users.OUTBOUND),
        "archive_dir": folders.get("archive", users.ARCHIVE),
        "completion": Completion.STABLE_SIZE, "after_download": RemoteAfter.ARCHIVE,
    }


def realtime_values(contract: Mapping[str, Any]) -> tuple[dict[str, Any], str] | None:
    """The CORE REST connection's settings and OAuth secret, or None when the contract
    names no OAuth client (a connection that cannot log in would only fail each inquiry;
    without it, 270s and 276s go out by the mailbox)."""
    realtime = contract.get("realtime") or {}
    oauth = realtime.get("oauth") or contract.get("oauth") or {}
    client_id, secret = oauth.get("client_id", ""), oauth.get("client_secret", "")
    if not (client_id and secret):
        return None
    base = (f"http://{realtime.get('host', REALTIME_HOST)}:"
            f"{realtime.get('port', REALTIME_PORT)}")
    return {
        "name": REALTIME, "kind": ConnectionKind.CORE_REST, "carries": "270 276",
        "endpoint_url": realtime.get("rest_url") or base + REST_PATH,
        "token_url": realtime.get("token_url") or base + TOKEN_PATH,
        "oauth_client_id": client_id,
    }, secret


def _ensure(client: Organization, values: Mapping[str, Any],
            secrets: Mapping[CredentialKind, str], *, acting_user: User | None) -> Connection:
    """The client's connection of that name with these settings and secrets."""
    connection = Connection.objects.filter(client=client, name=values["name"]).first()
    if connection is None:
        connection = _create_connection(client, values, acting_user=acting_user)
    else:
        _update_connection(connection, values, acting_user=acting_user)
    for kind, value in secrets.items():
        try:
            same = current_secret(connection, kind) == value
        except SecretUnavailable:  # sealed under a key this server lost: set it again
            same = False
        if not same:
            _set_secret(connection, kind, value, acting_user=acting_user)
    return connection
