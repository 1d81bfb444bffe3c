"""``rcmdesk report weekly`` and ``rcmdesk report weekly-all`` (for cron).

Without ``--as`` the command runs as the server's operator (like the schedule: the archive
row has no ``generated_by``); with ``--as`` it runs with that user's visibility and needs
VIEW_REPORTS, the same checks as the "generate now" button.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from rcmdesk.cli_support import active_user, audited, client_by_slug, err, refusing


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
    org = client_by_slug(client)
    user = _as(acting_as, org, client)
    from rcmdesk.calendar import last_week, parse_week
    from rcmdesk.reports import weekly

    week = week or last_week(org.today())
    try:
        parse_week(week)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    with audited(user):
        report, made = weekly.generate(org, week, acting_user=user, force=force)
    print(f"{report.pk}\t{org.slug}\t{week}\t{'generated' if made else 'archived'}\t"
          f"{report.sha256}")
    if pdf is not None:
        if not report.pdf:
            err.print("[red]No PDF: WeasyPrint or the Pango library (libpango-1.0) is missing "
                      "on this machine.[/red]")
            raise typer.Exit(1)
        pdf.write_bytes(bytes(report.pdf))
        with audited(user):
            from rcmdesk.audit.services import record

            record("reports.weekly.pdf", client_id=org.pk, obj=report, acting_user=user,
                   detail={"file": str(pdf)})


def _as(acting_as: str | None, org: Any, slug: str) -> Any:
    if acting_as is None:
        return None

    from rcmdesk.tenancy.authz import require
    from rcmdesk.tenancy.roles import Action

    user = active_user(acting_as, "--as")
    with refusing(acting_as, slug, "weekly reports"):
        require(user, Action.VIEW_REPORTS, org.pk)
    return user


def weekly_all(
    week: Annotated[str, typer.Option(help="ISO week (default: last week)")] = "",
    force: Annotated[bool, typer.Option("--force", help="replace archived reports")] = False,
) -> None:
    """Every active engagement's client, one report each; archived weeks are kept (cron)."""
    from rcmdesk.reports.tasks import generate_all

    print(json.dumps(generate_all(week or None, force=force)))
