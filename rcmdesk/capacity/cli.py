"""``rcmdesk capacity ...``: the forecast, staffing, what-if and productivity as a named user
(``--as``), with the same permission checks as the pages."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from rcmdesk.cli_support import as_user, audited, err, refusing


def register(group: typer.Typer) -> None:
    group.command("forecast")(forecast)
    group.command("productivity")(productivity)


def forecast(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who reads")],
    workflow: Annotated[str, typer.Option(help="one queue (workflow), default: all")] = "",
    add: Annotated[float, typer.Option(help="what-if: specialists added (negative: leave)")]
    = 0.0,
    from_: Annotated[str, typer.Option("--from", help="what-if start, YYYY-MM-DD")] = "",
    hours: Annotated[float, typer.Option(help="productive hours per specialist per day")]
    = 6.0,
    sla_days: Annotated[int, typer.Option(help="SLA: touched within this many days")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="JSON")] = False,
) -> None:
    """Per queue: arrivals, handle time, backlog, 4-week forecast and specialists needed.

    Exit 0 when shown, 1 when not allowed, 2 on a bad option."""
    org, user = as_user(client, acting_as)

    from rcmdesk.capacity import services

    try:
        start = services.parse_day(from_) if from_ else None
    except services.CapacityProblem as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    with audited(user), refusing(acting_as, client, "capacity plan"):
        found = services.plans(user, org, workflow=workflow or None, add=add,
                               add_from=start, hours_per_day=hours, sla_days=sla_days)
    if as_json:
        print(json.dumps([services.plan_json(p) for p in found], indent=2))
        return
    for p in found:
        a, s = p.arrivals, p.answer
        print(f"{p.key}\tarrivals {a.level:.1f}/day (trend {a.slope:+.2f}/day)\t"
              f"handle {p.handle.mean:.2f} h (p90 {p.handle.p90:.2f})\tbacklog {p.backlog_now}"
              f"\tspecialists {p.staffing.specialists:g}\tneeded {s.needed} "
              f"(SLA {s.for_sla}, backlog {s.to_clear_backlog})")
        curves = [("forecast", p.forecast)] + ([(p.what_if_label, p.what_if)]
                                              if p.what_if else [])
        for label, curve in curves:
            weekly = [d for i, d in enumerate(curve.days) if i % 7 == 6]
            print(f"  {label}: " + "  ".join(f"{d.day.isoformat()} {d.backlog:.0f}"
                                             for d in weekly))
    print(f"{len(found)} queue(s)")


def productivity(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who reads")],
    weeks: Annotated[int, typer.Option(help="weeks of history")] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="JSON")] = False,
) -> None:
    """Items closed per productive hour by specialist and workflow; handle-time percentiles."""
    org, user = as_user(client, acting_as)

    from rcmdesk.capacity import services

    with audited(user), refusing(acting_as, client, "capacity plan"):
        result = services.productivity(user, org, weeks=weeks)
    if as_json:
        print(json.dumps(services.productivity_json(result), indent=2))
        return
    for r in result.rows:
        rate = f"{r.items_per_hour:.2f}/h" if r.items_per_hour is not None else "-"
        print(f"{r.specialist}\t{r.workflow}\t{r.closed} closed\t"
              f"{r.productive_hours:.1f} h\t{rate}")
    for wf, h in result.handle.items():
        print(f"{wf}\thandle p50 {h.p50:.2f} h\tp90 {h.p90:.2f} h\tp95 {h.p95:.2f} h\t"
              f"({h.count} items)")
    print(f"{len(result.rows)} row(s)")
