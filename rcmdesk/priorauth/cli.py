"""``rcmdesk auth ...``: list authorizations and ask payers with a 278, as a named user
(``--as``), with the same permission checks as the pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer

from rcmdesk.cli_support import as_user, audited, err, refusing


def register(group: typer.Typer) -> None:
    group.command("request")(request)
    group.command("list")(list_auths)


def request(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who asks")],
    auth: Annotated[int | None, typer.Option("--auth", help="authorization id")] = None,
    visit: Annotated[int | None, typer.Option("--visit", help="visit id (opens an "
                                              "authorization for its codes)")] = None,
    code: Annotated[list[str] | None, typer.Option("--code", help="procedure code (repeat; "
                                                   "default: the ones that need one)")] = None,
    units: Annotated[str | None, typer.Option(help="units asked per code")] = None,
) -> None:
    """Write one 278 for an authorization or a visit; prints the authorization and trace.

    Exit 0 when written, 1 when not allowed or nothing to ask, 2 on a bad option."""
    org, user = as_user(client, acting_as)

    from rcmdesk.eligibility.models import Visit
    from rcmdesk.priorauth import services
    from rcmdesk.priorauth.models import Authorization

    if (auth is None) == (visit is None):
        err.print("[red]Name exactly one of --auth or --visit[/red]")
        raise typer.Exit(2)
    try:
        asked = Decimal(units) if units is not None else None
    except InvalidOperation:
        err.print(f"[red]--units {units!r} is not a number[/red]")
        raise typer.Exit(2) from None
    target: Any = (Authorization.objects.filter(client=org, pk=auth).first()
                   if auth is not None
                   else Visit.objects.filter(client=org, pk=visit or 0).first())
    if target is None:
        err.print(f"[red]No {'authorization' if auth else 'visit'} "
                  f"{auth or visit} for {client!r}[/red]")
        raise typer.Exit(2)
    with refusing(acting_as, client, "prior authorizations"), audited(user):
        done = services.request_authorization(target, code or None, acting_user=user,
                                              units=asked)
    print(f"authorization {done.pk}: 278 written, trace {done.reference}, "
          f"codes {', '.join(done.codes)}")


def list_auths(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who reads")],
    expiring: Annotated[bool, typer.Option("--expiring", help="only approved ones ending "
                                           "within 14 days")] = False,
    status: Annotated[str, typer.Option(help="only this status")] = "",
) -> None:
    """One line per authorization: id, status, codes, certification, units, dates."""
    org, user = as_user(client, acting_as)

    from rcmdesk.priorauth import queries
    from rcmdesk.tenancy.authz import require
    from rcmdesk.tenancy.roles import Action, Workflow

    with refusing(acting_as, client, "prior authorizations"):
        require(user, Action.VIEW_TENANT_DATA, org.pk, Workflow.PRIOR_AUTH)
    f = queries.AuthFilter(client=org.slug, status=status, expiring=expiring)
    with audited(user):
        rows = list(queries.search(user, f))
        queries.audit_listing(rows, detail={"cli": True, "expiring": expiring,
                                            "status": status})
    for a in rows:
        units = (f"{_n(a.used_units)}/{_n(a.approved_units)}" if a.approved_units is not None
                 else "-")
        print(f"{a.pk}\t{a.status}\t{','.join(a.codes)}\t{a.certification_number or '-'}\t"
              f"{units}\t{a.start_date or '-'}..{a.end_date or '-'}")
    print(f"{len(rows)} authorization(s)")


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")
