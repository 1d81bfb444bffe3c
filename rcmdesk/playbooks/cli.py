"""``rcmdesk playbook ...``: the client's SOPs and the playbook's history, read as a named user
(``--as``) with the same checks as the pages (a partner reads its engagements' clients)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from rcmdesk.cli_support import as_user, refusing


def register(group: typer.Typer) -> None:
    group.command("sops")(list_sops)
    group.command("history")(history)


def _reader(client: str, acting_as: str) -> tuple[Any, Any]:
    """The client and user, or exit 1 when the user does not read that client's playbook."""

    from rcmdesk.tenancy.authz import require
    from rcmdesk.tenancy.roles import Action

    org, user = as_user(client, acting_as)
    with refusing(acting_as, client, "playbook", as_unseen=True):
        require(user, Action.VIEW_TENANT_DATA, org.pk)
    return org, user


def list_sops(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who reads")],
) -> None:
    """One line per SOP: id, workflow, payer, category, latest version, title.

    Exit 0 when listed, 1 when the user does not see the client."""
    org, user = _reader(client, acting_as)
    from rcmdesk.playbooks import queries

    docs: list[Any] = queries.documents(user, org)  # each with its annotated ``latest``
    for d in docs:
        payer = d.payer.payer_id if d.payer else "*"
        state = "" if d.active else "\tretired"
        typer.echo(f"{d.pk}\t{d.workflow}\t{payer}\t{d.category or '*'}\tv{d.latest or 0}"
                   f"\t{d.title}{state}")
    typer.echo(f"{len(docs)} SOP(s)")


def history(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who reads")],
    limit: Annotated[int, typer.Option(help="newest entries shown")] = 50,
) -> None:
    """SOP versions and rule changes, newest first: time, author, what, change note.

    Exit 0 when listed, 1 when the user does not see the client."""
    org, user = _reader(client, acting_as)
    from rcmdesk.playbooks import queries

    entries = queries.history(user, org, limit=max(1, min(limit, 500)))
    for e in entries:
        typer.echo(f"{e.at:%Y-%m-%d %H:%M}\t{e.author}\t{e.what}\t{e.note}")
    typer.echo(f"{len(entries)} change(s)")
