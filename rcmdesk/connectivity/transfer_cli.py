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
    _run(client, "send_outbound", "{sent} sent, {retrying} to retry, {failed} failed")


def poll(client: Annotated[str, typer.Option(help="client slug")]) -> None:
    """Poll the client's mailboxes and take complete files into intake (exit 1 on errors)."""
    _run(client, "poll_mailboxes", "{taken} taken, {duplicates} already received, "
                                   "{waiting} not complete yet, {failed} failed")


def _run(slug: str, job: str, line: str) -> None:
    """Run one of ``connectivity.jobs`` for the client now, as the server's operator."""
    from rcmdesk.connectivity import jobs

    org = client_by_slug(slug)
    with cli_context():
        answer: dict[str, Any] = getattr(jobs, job)(org, now=timezone.now())
    print(f"{org.slug}: " + line.format(**answer))
    for error in answer["errors"]:
        err.print(f"[red]{error}[/red]")
    if answer["errors"] or answer["failed"]:
        raise typer.Exit(1)
