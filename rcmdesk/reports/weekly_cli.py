"""``rcmdesk report weekly`` and ``rcmdesk report weekly-all`` (for cron).

Without ``--as`` the command runs as the server's operator (like the schedule: the archive
row has no ``generated_by``); with ``--as`` it runs with that user's visibility and needs
VIEW_REPORTS, the same checks as the "generate now" button.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated, Any

import typer


def register(group: typer.Typer) -> None:
    group.command("weekly")(weekly_report)
    group.command("weekly-all")(weekly_all)


def weekly_report(
    client: Annotated[str, typer.Option(help="client slug")],
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W47 (default: last week)")]
    = "",
    pdf: Annotated[Path | None, typer.Option(help="write the PDF to this file")] = None,
    acting_as: Annotated[str | None, typer.Option("--as", help="username who asks")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an archived report")]
    = False,
) -> None:
    """Generate (or fetch from the archive) a client's weekly report; prints its archive id.

    Exit 0 when done, 1 when not allowed or the PDF cannot be made, 2 on a bad option."""
    from rcmdesk.cli import _client, err, setup_django

    setup_django()
    org = _client(client)
    user = _as(acting_as, org, client)
    from rcmdesk.audit.context import acting
    from rcmdesk.calendar import last_week, parse_week
    from rcmdesk.reports import weekly

    week = week or last_week(org.today())
    try:
        parse_week(week)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    channel = f"cli:{getpass.getuser()}"
    with acting(user, channel=channel):
        report, made = weekly.generate(org, week, actor=user, force=force)
    print(f"{report.pk}\t{org.slug}\t{week}\t{'generated' if made else 'archived'}\t"
          f"{report.sha256}")
    if pdf is not None:
        if not report.pdf:
            err.print("[red]No PDF: WeasyPrint or the Pango library (libpango-1.0) is missing "
                      "on this machine.[/red]")
            raise typer.Exit(1)
        pdf.write_bytes(bytes(report.pdf))
        with acting(user, channel=channel):
            from rcmdesk.audit.services import record

            record("reports.weekly.pdf", client_id=org.pk, obj=report, actor=user,
                   detail={"file": str(pdf)})


def _as(acting_as: str | None, org: Any, slug: str) -> Any:
    if acting_as is None:
        return None
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from rcmdesk.cli import _user, refused
    from rcmdesk.tenancy.authz import require
    from rcmdesk.tenancy.roles import Action

    user = _user(acting_as, "--as")
    try:
        require(user, Action.VIEW_REPORTS, org.pk)
    except (PermissionDenied, Http404) as exc:
        raise refused(exc, acting_as, slug, "weekly reports") from None
    return user


def weekly_all(
    week: Annotated[str, typer.Option(help="ISO week (default: last week)")] = "",
    force: Annotated[bool, typer.Option("--force", help="replace archived reports")] = False,
) -> None:
    """Every active engagement's client, one report each; archived weeks are kept (cron)."""
    from rcmdesk.cli import setup_django

    setup_django()
    from rcmdesk.reports.tasks import generate_all

    print(json.dumps(generate_all(week or None, force=force)))
