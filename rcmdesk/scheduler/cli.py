"""``rcmdesk schedule ...``: the schedules, the due run, one job by hand (as the operator).

``rcmdesk worker`` runs the schedules itself; these commands are for looking and for a run
now, e.g. after fixing what made a job fail.
"""

from __future__ import annotations

from typing import Annotated

import typer

from rcmdesk.cli_support import active_user, audited, cli_context, client_by_slug, err


def register(group: typer.Typer) -> None:
    group.command("list")(list_schedules)
    group.command("run-due")(run_due)
    group.command("run")(run_job)


def list_schedules(
    client: Annotated[str | None, typer.Option(help="client slug (default: every schedule)")]
    = None,
) -> None:
    """One line per schedule: job, client, cron, in words, on/off, next run (client's
    clock), last run."""
    from rcmdesk.scheduler import queries, services
    from rcmdesk.scheduler.models import Schedule

    with cli_context():
        services.ensure_schedules()
    rows = Schedule.objects.select_related("client").order_by("client__slug", "job")
    if client:
        rows = rows.filter(client=client_by_slug(client))
    from rcmdesk.web.templatetags.present import when

    for row in queries.described(list(rows)):
        s, last = row.schedule, row.last
        print("\t".join((s.job, row.owner, s.cron, row.words, "on" if s.enabled else "off",
                         when(s.next_run_at, row.zone) if s.enabled else "-",
                         f"{last.status} {when(last.started_at, row.zone)}" if last
                         else "never run")))


def run_due() -> None:
    """Run every schedule due now, once (what the worker does every tick)."""
    from django.utils import timezone

    from rcmdesk.scheduler import services

    with cli_context():
        services.ensure_schedules()
        runs = services.run_due(timezone.now())
    for run in runs:
        print(f"{run.pk}\t{run.job}\t{run.client.slug if run.client else 'platform'}\t"
              f"{run.status}\t{run.error}")
    print(f"{len(runs)} run(s)")
    if any(run.error for run in runs):
        raise typer.Exit(1)


def run_job(
    job: Annotated[str, typer.Argument(help="job name (see rcmdesk schedule list)")],
    client: Annotated[str | None, typer.Option(help="client slug (none: a platform job)")]
    = None,
    acting_as: Annotated[str | None, typer.Option("--as", help="username recorded as asking")]
    = None,
) -> None:
    """Run one job now, recorded as run by hand. Exit 0 when it succeeded, 1 when it failed
    or is running already, 2 when there is no such schedule."""
    from rcmdesk import errors
    from rcmdesk.scheduler import services
    from rcmdesk.scheduler.models import Schedule

    org = client_by_slug(client) if client else None
    user = active_user(acting_as, "--as") if acting_as else None
    with cli_context():
        services.ensure_schedules()
    schedule = Schedule.objects.filter(job=job, client=org).first()
    if schedule is None:
        err.print(f"[red]No schedule for job {job!r} "
                  f"{'of ' + repr(client) if client else 'on the platform'}[/red]")
        raise typer.Exit(2)
    with audited(user):
        try:
            run = services.run_now(schedule, acting_user=user)
        except errors.Conflict as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
    print(f"{run.pk}\t{run.job}\t{run.status}\t{run.error or run.outcome}")
    if run.error:
        raise typer.Exit(1)
