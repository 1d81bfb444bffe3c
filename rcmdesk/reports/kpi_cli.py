"""``rcmdesk kpi``: a client's week of KPIs as a named user (``--as``), with the same
permission checks as the dashboard (VIEW_REPORTS on a client the user sees)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from rcmdesk.cli_support import as_user, err, refusing


def register_root(app: typer.Typer) -> None:
    app.command("kpi")(kpi)


def kpi(
    client: Annotated[str, typer.Option(help="client slug")],
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W47")],
    acting_as: Annotated[str, typer.Option("--as", help="username with VIEW_REPORTS")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON (Decimals as strings)")] = False,
    payer: Annotated[int | None, typer.Option(help="payer id")] = None,
    provider: Annotated[int | None, typer.Option(help="billing provider id")] = None,
    workflow: Annotated[str | None, typer.Option(help="workflow, e.g. denials")] = None,
) -> None:
    """Print the week's KPIs with formula and benchmark.

    Exit 0 when shown, 1 when not allowed, 2 on a bad option."""
    org, user = as_user(client, acting_as)

    from rcmdesk.calendar import parse_week
    from rcmdesk.reports import kpis
    from rcmdesk.tenancy.authz import require
    from rcmdesk.tenancy.roles import Action

    try:
        parse_week(week)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    with refusing(acting_as, client, "KPIs"):
        require(user, Action.VIEW_REPORTS, org.pk)
    rows = kpis.weekly_kpis(org.pk, week, payer_id=payer, provider_id=provider,
                            workflow=workflow, viewer=user)
    if as_json:
        print(json.dumps(payload(org.slug, week, rows), indent=2))
        return
    for k in rows:
        value = "—" if k.value is None else f"{k.value}{'' if k.unit == 'count' else ' ' + k.unit}"
        print(f"{k.label}: {value}\t[{k.benchmark or 'no benchmark'}]\n    = {k.formula}")


def payload(slug: str, week: str, rows: list[Any]) -> dict[str, Any]:
    return {"client": slug, "week": week, "kpis": [k.as_json() for k in rows]}
