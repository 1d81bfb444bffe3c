"""``rcmdesk eligibility ...``: write 270s and import visits, as a named user (``--as``), with
the same permission checks as the pages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from rcmdesk.cli_support import as_user, audited, err, refusing


def register(group: typer.Typer) -> None:
    group.command("request")(request)
    group.command("import")(import_file)


def request(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who asks")],
    days: Annotated[int | None, typer.Option(min=0, help="every visit from today to this "
                                             "many days ahead not yet verified")] = None,
    visit: Annotated[list[int] | None, typer.Option("--visit", help="visit id (repeat)")]
    = None,
) -> None:
    """Write one 270 for a client's visits; prints the outbound file's id and name.

    Without --visit or --days: the visits within the client's lead time (default 3 days).
    Exit 0 when written, 1 when nothing to ask or not allowed, 2 on a bad option."""
    org, user = as_user(client, acting_as)

    from rcmdesk.eligibility import services
    from rcmdesk.eligibility.models import Visit, VisitStatus
    from rcmdesk.eligibility.producer import lead_days

    rows = Visit.objects.visible_to(user).filter(client=org).select_related(
        "client", "patient", "payer", "coverage__payer", "provider")
    if visit:
        chosen = list(rows.filter(pk__in=visit))
        missing = sorted(set(visit) - {v.pk for v in chosen})
        if missing:
            err.print(f"[red]No visit {', '.join(map(str, missing))} for {client!r}[/red]")
            raise typer.Exit(2)
    else:
        today = org.today()
        ahead = days if days is not None else lead_days(org)
        chosen = list(rows.filter(scheduled_on__gte=today,
                                  scheduled_on__lte=today + timedelta(days=ahead),
                                  status__in=[VisitStatus.SCHEDULED,
                                              VisitStatus.NEEDS_ATTENTION]))
        askable = [v for v in chosen if v.coverage is not None and v.coverage.member_id]
        for v in chosen:
            if v not in askable:
                err.print(f"visit {v.pk}: skipped, no member id on file")
        chosen = askable
    if not chosen:
        print("no visits to ask about")
        raise typer.Exit(1)
    with refusing(acting_as, client, "eligibility work"), audited(user):
        out = services.request_eligibility(chosen, acting_user=user)
    print(f"outbound file {out.pk} {out.name}: 270 for {len(chosen)} visit(s), "
          f"ISA13 {out.isa13}")


def import_file(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="CSV or FHIR Appointment bundle (JSON)")],
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who imports")],
) -> None:
    """Import visits; a file with any bad row imports nothing (each error is printed).

    Exit 0 when imported, 1 on row errors or when not allowed."""
    org, user = as_user(client, acting_as)

    from rcmdesk.eligibility.imports import import_visits

    with refusing(acting_as, client, "eligibility work"), audited(user):
        result = import_visits(org, path.read_bytes(), path.name, acting_user=user)
    if not result.ok:
        for e in result.errors:
            err.print(str(e), markup=False, soft_wrap=True)
        print(f"nothing imported: {len(result.errors)} error(s)")
        raise typer.Exit(1)
    print(f"imported {result.created} new, {result.updated} updated, "
          f"{result.cancelled} cancelled")
