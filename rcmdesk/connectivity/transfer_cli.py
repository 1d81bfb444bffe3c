"""``rcmdesk connections send --client`` and ``rcmdesk connections poll --client``.

The same jobs the scheduler runs, by hand: the server's operator sends a client's due files
now, or polls its mailboxes now (after fixing a connection, say). Each prints one line per
outcome and exits 1 when anything failed, so a script notices.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from django.utils import timezone

from rcmdesk.cli_support import cli_context, client_by_slug, err


def register(group: typer.Typer) -> None:
    group.command("send")(send)
    group.command("poll")(poll)


def send(client: Annotated[str, typer.Option(help="client slug")]) -> None:
    """Send the client's due outbound files to its mailbox (exit 1 if any could not go)."""
    from rcmdesk.connectivity import jobs

    org = client_by_slug(client)
    with cli_context():
        answer = jobs.send_outbound(org, now=timezone.now())
    print(f"{org.slug}: {answer['sent']} sent, {answer['retrying']} to retry, "
          f"{answer['failed']} failed")
    _report(answer)


def poll(client: Annotated[str, typer.Option(help="client slug")]) -> None:
    """Poll the client's mailboxes and take complete files into intake (exit 1 on errors)."""
    from rcmdesk.connectivity import jobs

    org = client_by_slug(client)
    with cli_context():
        answer = jobs.poll_mailboxes(org, now=timezone.now())
    print(f"{org.slug}: {answer['taken']} taken, {answer['duplicates']} already received, "
          f"{answer['waiting']} not complete yet, {answer['failed']} failed")
    _report(answer)


def _report(answer: dict[str, Any]) -> None:
    for error in answer["errors"]:
        err.print(f"[red]{error}[/red]")
    if answer["errors"] or answer.get("failed"):
        raise typer.Exit(1)
