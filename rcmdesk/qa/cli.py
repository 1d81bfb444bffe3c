"""``rcmdesk qa ...``: draw a week and report accuracy as a named user (``--as``), with the
same permission checks as the pages."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from rcmdesk.cli_support import as_user, audited, err, refusing


def register(group: typer.Typer) -> None:
    group.command("draw")(draw)
    group.command("accuracy")(accuracy)


def draw(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="QA auditor's username")],
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W47")],
    seed: Annotated[int | None, typer.Option(help="seed (default: a fresh one, recorded)")]
    = None,
    plan: Annotated[int | None, typer.Option(help="plan id (default: every active plan "
                                             "of the client you see)")] = None,
    redraw: Annotated[bool, typer.Option("--redraw", help="draw a drawn week again "
                                         "(needs --seed and --reason)")] = False,
    reason: Annotated[str, typer.Option(help="why a redraw is needed")] = "",
) -> None:
    """Draw the week's sample under the client's plans; prints draw id, seed and counts.

    Exit 0 when drawn, 1 when not allowed or already drawn, 2 on a bad option."""
    org, user = as_user(client, acting_as)

    from rcmdesk.calendar import parse_week
    from rcmdesk.qa import queries, services

    try:
        parse_week(week)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    plans = queries.plans(user).filter(engagement__client=org, active=True)
    if plan is not None:
        plans = plans.filter(pk=plan)
    chosen = list(plans)
    if not chosen:
        err.print(f"[red]No active sampling plan {acting_as} sees for {client!r}[/red]")
        raise typer.Exit(1)
    failed = False
    with audited(user):
        for one in chosen:
            try:
                with refusing(acting_as, client, "QA audits"):
                    made = services.draw_week(one, week, acting_user=user, seed=seed, redraw=redraw,
                                              reason=reason)
            except services.QaProblem as exc:
                err.print(f"[red]plan {one.pk}: {exc}[/red]")
                failed = True
                continue
            print(f"draw {made.pk}\tplan {one.pk}\t{made.week}\tseed {made.seed}\t"
                  f"{made.sampled} of {made.population_size} item(s)")
    if failed:
        raise typer.Exit(1)


def accuracy(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who reads")],
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W47 (default: all)")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="JSON rows")] = False,
) -> None:
    """Accuracy per specialist, workflow and week: audits, points, passes/(passes+fails)."""
    org, user = as_user(client, acting_as)

    from rcmdesk.qa import queries
    from rcmdesk.tenancy.authz import require
    from rcmdesk.tenancy.roles import Action

    with refusing(acting_as, client, "QA audits"):
        require(user, Action.VIEW_TENANT_DATA, org.pk)
    with audited(user):
        rows = queries.accuracy(user, client_id=org.pk, week=week)
        queries.audit_accuracy_read(user, rows, week)
    if as_json:
        print(json.dumps([r.as_dict() for r in rows], indent=2))
        return
    for r in rows:
        percent = f"{r.percent} %" if r.percent is not None else "-"
        print(f"{r.week}\t{r.specialist}\t{r.workflow}\t{r.audits} audit(s)\t"
              f"{r.passes} pass\t{r.fails} fail\t{r.not_applicable} n/a\t{percent}")
    print(f"{len(rows)} row(s)")
