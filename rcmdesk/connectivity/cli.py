"""``rcmdesk connections ...``: a client admin's connections from the shell, with the checks
the pages make (``--as`` names the admin), and the operator's ``rekey``.

A secret is never an argument (it would sit in the shell history and the process list): it
is read from standard input (``< keyfile``) or, for a password at a terminal, typed twice
without echo. No command prints a secret; ``list`` says when and by whom each was set.
"""

from __future__ import annotations

import getpass
import sys
from datetime import UTC
from typing import Annotated, Any

import typer

from rcmdesk.calendar import office_day
from rcmdesk.cli_support import as_user, audited, cli_context, err, refusing

MULTILINE = ("private_key", "client_cert")


def register(group: typer.Typer) -> None:
    group.command("list")(list_connections)
    group.command("add")(add)
    group.command("set-secret")(set_secret)
    group.command("rekey")(rekey)


def list_connections(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="the client admin who reads")],
) -> None:
    """One line per connection: id, name, kind, where, carries, in use, and each secret's
    state (when set, by whom, under which key; never the secret)."""
    org, user = as_user(client, acting_as)
    from rcmdesk.connectivity import queries
    from rcmdesk.labels import label

    with refusing(acting_as, client, "connections", may_not="manage connections"), \
            audited(user):
        rows = queries.connections(user, org)
    for row in rows:
        c = row.connection
        where = (f"{c.username}@{c.host}:{c.port}" if c.kind == "sftp" else c.endpoint_url)
        states = "; ".join(_secret_words(s, label) for s in row.secrets)
        print(f"{c.pk}\t{c.name}\t{label(c.kind, 'connection_kind')}\t{where}\t{c.carries}\t"
              f"{'enabled' if c.enabled else 'disabled'}\t{states}")
    print(f"{len(rows)} connection(s)")


def _secret_words(state: Any, label: Any) -> str:
    words = label(state.kind, "credential_kind")
    current = state.current
    if current is None:
        return f"{words}: not set"
    who = getattr(current.set_by, "username", "-")
    set_at = current.set_at.astimezone(UTC)
    return (f"{words}: set {office_day(set_at.date())} {set_at:%H:%M} UTC by {who} "
            f"(key {current.key_id})")


def add(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="the client admin who adds it")],
    name: Annotated[str, typer.Option(help="a name the team recognises")],
    kind: Annotated[str, typer.Option(help="sftp, core_soap or core_rest")] = "sftp",
    carries: Annotated[str, typer.Option(help="sets carried, e.g. \"837 270\"")] =
        "837 270 276 278",
    host: Annotated[str, typer.Option(help="SFTP host")] = "",
    port: Annotated[int, typer.Option(help="SFTP port")] = 22,
    user: Annotated[str, typer.Option(help="SFTP user name")] = "",
    host_key: Annotated[str, typer.Option(help="the server's public key, one line")] = "",
    outbound_dir: Annotated[str, typer.Option(help="SFTP folder we upload to")] = "",
    inbound_dir: Annotated[str, typer.Option(help="SFTP folder answers arrive in")] = "",
    archive_dir: Annotated[str, typer.Option(help="SFTP folder taken files move to")] = "",
    pattern: Annotated[str, typer.Option(help="names of answer files to take")] = "*",
    completion: Annotated[str, typer.Option(help="stable_size or done_marker")] =
        "stable_size",
    after: Annotated[str, typer.Option(help="archive, delete or leave")] = "archive",
    endpoint: Annotated[str, typer.Option(help="CORE endpoint address")] = "",
    token_url: Annotated[str, typer.Option(help="CORE REST OAuth 2.0 token address")] = "",
    oauth_client_id: Annotated[str, typer.Option(help="CORE REST OAuth 2.0 client ID")] = "",
    sender_id: Annotated[str, typer.Option(help="CORE sender ID")] = "",
    receiver_id: Annotated[str, typer.Option(help="CORE receiver ID")] = "",
    timeout: Annotated[int, typer.Option(help="CORE time limit, seconds (at most 60)")] = 60,
) -> None:
    """Add a connection (no secret yet: set it with ``set-secret``). Exit 1 when refused."""
    org, acting = as_user(client, acting_as)
    from rcmdesk.connectivity import services

    values = {"name": name, "kind": kind, "carries": carries, "host": host, "port": port,
              "username": user, "host_key": host_key, "outbound_dir": outbound_dir,
              "inbound_dir": inbound_dir, "archive_dir": archive_dir,
              "inbound_pattern": pattern, "completion": completion, "after_download": after,
              "endpoint_url": endpoint, "token_url": token_url,
              "oauth_client_id": oauth_client_id, "core_sender_id": sender_id,
              "core_receiver_id": receiver_id, "timeout_seconds": timeout}
    with refusing(acting_as, client, "connections", may_not="manage connections"), \
            audited(acting):
        connection = services.create_connection(org, values, acting_user=acting)
    print(f"connection {connection.pk} added: {connection.name}")


def set_secret(
    connection: Annotated[str, typer.Argument(help="the connection's id or name")],
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="the client admin who sets it")],
    kind: Annotated[str, typer.Option(help="password, private_key, oauth_secret, "
                                      "client_cert or ws_password")] = "password",
) -> None:
    """Set or rotate a secret, read from standard input (``< file``) or typed at a prompt
    without echo; never an argument. Exit 1 when refused."""
    org, acting = as_user(client, acting_as)
    from rcmdesk.connectivity import queries, services

    with refusing(acting_as, client, "connections", may_not="manage connections"), \
            audited(acting):
        found = queries.connection(acting, _connection_id(org, connection))
        value = _read_secret(kind)
        credential = services.set_secret(found, kind, value, acting_user=acting)
    print(f"{kind} of {found.name} set under key {credential.key_id}"
          + (f" ({credential.hint})" if credential.hint else ""))


def _connection_id(org: Any, text: str) -> int:
    """The id of the client's connection named (or numbered) so; 0, refused as not found,
    when the client has none by that name or number."""
    from rcmdesk.connectivity.models import Connection

    mine = Connection.objects.filter(client=org)
    found = mine.filter(pk=int(text)) if text.isdigit() else mine.filter(name=text)
    return found.values_list("pk", flat=True).first() or 0


def _read_secret(kind: str) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.read()
    if kind in MULTILINE:
        err.print(f"[red]Give the {kind.replace('_', ' ')} on standard input: "
                  f"rcmdesk connections set-secret ... --kind {kind} < FILE[/red]")
        raise typer.Exit(2)
    first = getpass.getpass("New secret (not shown): ")
    if first != getpass.getpass("Again, to confirm: "):
        err.print("[red]The two entries differ; nothing was saved.[/red]")
        raise typer.Exit(1)
    return first


def rekey() -> None:
    """Seal every current secret again under the first key of RCMDESK_CONNECTION_KEYS.

    Put the new key in front and keep the old one behind it ("new,old"), run this, then drop
    the old key. Exit 1 (nothing changed) when a secret opens with none of the keys."""
    from rcmdesk.connectivity import secrets, services

    with refusing("the operator", "", "connection secrets"), cli_context():
        count = services.rekey(acting_user=None)
    print(f"{count} secret(s) sealed again under key {secrets.current_key_id()}")
