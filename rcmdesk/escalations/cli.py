"""``rcmdesk escalations ...``: list a client's escalations as a named user, and the overdue
ones for cron (there is no scheduler: overdue is computed when asked)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from rcmdesk.cli_support import as_user, audited, cli_context, client_by_slug, err


def register(group: typer.Typer) -> None:
    group.command("list")(list_escalations)
    group.command("overdue")(overdue)


def _print(rows: list[Any], now: Any) -> None:
    from rcmdesk.escalations.services import local

    for e in rows:
        due = local(e.response_due_at, e.owner_time_zone)
        flag = "OVERDUE" if e.is_overdue(now) else "-"
        print(f"{e.pk}\t{e.status}\t{e.kind}\t{e.owner.username}\t"
              f"{due:%Y-%m-%d %H:%M} {e.owner_time_zone}\t{flag}\t{e.subject}")
    print(f"{len(rows)} escalation(s)")


def _audit(rows: list[Any], client_id: int, **detail: Any) -> None:
    from rcmdesk.audit.services import record_listing

    record_listing({client_id: [e.pk for e in rows]}, "escalations.escalation",
                   key="escalations", detail={"cli": True, **detail})


def list_escalations(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who reads")],
    overdue_only: Annotated[bool, typer.Option("--overdue", help="only overdue ones")] = False,
    closed: Annotated[bool, typer.Option("--closed", help="include closed ones")] = False,
) -> None:
    """One line per escalation: id, status, kind, owner, due (owner's clock), overdue, subject.

    Exit 0 when listed, 1 when the user does not see the client."""
    org, user = as_user(client, acting_as)
    from django.utils import timezone

    from rcmdesk.escalations import services
    from rcmdesk.tenancy.visibility import visibility_for

    if not visibility_for(user).can_see(org.pk):
        err.print(f"[red]{acting_as} does not see client {client!r}'s escalations[/red]")
        raise typer.Exit(1)
    now = timezone.now()
    f = services.BoardFilter(client=org.slug, overdue_only=overdue_only, include_closed=closed)
    with audited(user):
        rows = list(services.search(user, f, now))
        _audit(rows, org.pk, overdue=overdue_only)
    _print(rows, now)


def overdue(
    client: Annotated[str, typer.Option(help="client slug")],
) -> None:
    """The client's overdue escalations, for cron: exit 3 when there are any, 0 when none.

    Runs as the system (no --as): it reads one client named by the operator."""
    org = client_by_slug(client)
    from django.utils import timezone

    from rcmdesk.escalations import services
    from rcmdesk.escalations.models import Escalation

    now = timezone.now()
    with cli_context():
        rows = list(services.overdue(Escalation.objects.filter(client=org), now)
                    .select_related("owner").order_by("response_due_at", "pk"))
        _audit(rows, org.pk, overdue=True)
    _print(rows, now)
    if rows:
        raise typer.Exit(3)
