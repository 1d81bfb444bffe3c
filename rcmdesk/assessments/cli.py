"""``rcmdesk assess FILES...`` and ``rcmdesk assessments delete``: an assessment from the
shell, as on the pages.

``assess`` creates the prospect's assessment (``--practice`` and ``--slug``; a platform
admin) or reuses one (``--assessment``, or the slug of an existing prospect), loads the
files through intake (claims first, then acknowledgments, then remittances), computes it and
prints the headline figures and the recommendation's reasoning. The person named by
``--as`` must be allowed what the pages allow them.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rcmdesk.cli_support import active_user, audited, err, refusing


def register(group: typer.Typer) -> None:
    group.command("delete")(delete)


def register_root(app: typer.Typer) -> None:
    app.command("assess")(assess)


def _day(text: str) -> date:
    try:
        return datetime.strptime(text, "%m/%d/%Y").date()
    except ValueError:
        err.print(f"[red]--as-of {text!r} is not a date written MM/DD/YYYY[/red]")
        raise typer.Exit(2) from None


def _read(files: list[Path]) -> list[tuple[str, bytes]]:
    from rcmdesk.uploads import max_upload_bytes, size_shown

    out: list[tuple[str, bytes]] = []
    for file in files:
        if not file.is_file():
            err.print(f"[red]No file {str(file)!r}[/red]")
            raise typer.Exit(2)
        if file.stat().st_size > max_upload_bytes():
            err.print(f"[red]{file.name} is larger than {size_shown(max_upload_bytes())}, "
                      "the largest file accepted[/red]")
            raise typer.Exit(1)
        out.append((file.name, file.read_bytes()))
    return out


def _assessment(user: Any, practice: str, slug: str, assessment_id: int | None,
                as_of: date | None, time_zone: str) -> Any:
    from rcmdesk.assessments import access, services
    from rcmdesk.tenancy.models import Organization

    if assessment_id is not None:
        return access.assessment_for(user, assessment_id)
    if not slug:
        err.print("[red]Give --practice and --slug for a new assessment, or --assessment "
                  "ID[/red]")
        raise typer.Exit(2)
    existing = Organization.objects.filter(slug=slug).first()
    if existing is not None:
        return services.do_reuse_assessment(existing, acting_user=user)
    return services.do_create_assessment(practice_name=practice or slug, slug=slug,
                                         time_zone=time_zone, as_of=as_of, acting_user=user)


def _settings(found: Any, user: Any, as_of: date | None, weeks: int | None) -> None:
    from decimal import Decimal

    from rcmdesk.assessments import services
    from rcmdesk.assessments.work import WorkType

    if as_of is None and weeks is None:
        return
    services.do_change_settings(
        found, as_of=as_of or found.as_of, weeks_to_clear=weeks or found.weeks_to_clear,
        hours_per_day=found.hours_per_day,
        handle_hours={w: Decimal(v) for w in WorkType
                      if (v := found.handle_hours.get(w.value)) is not None},
        recovery_percent={w: Decimal(v) for w in WorkType
                          if (v := found.recovery_percent.get(w.value)) is not None},
        acting_user=user)


def print_report(console: Console, report: Any) -> None:
    table = Table(title="Files loaded")
    for column in ("File", "Kind", "Outcome"):
        table.add_column(column)
    for f in report.files:
        table.add_row(f.name, f.kind, f.outcome if f.ok else f"[red]{f.outcome}[/red]")
    console.print(table)


def print_assessed(console: Console, assessed: Any) -> None:
    """The headline figures and the recommendation's reasoning, line by line."""
    from rcmdesk.labels import label

    findings = assessed.findings
    console.print(f"As of {findings.as_of:%m/%d/%Y}: {findings.claims:,} claims, "
                  f"${findings.billed:,.2f} billed")
    table = Table(title=f"Capacity to clear the backlog in {assessed.weeks} weeks")
    for column in ("Workflow", "Items", "Open $", "Expected $", "$ per hour",
                   "To clear", "Steady state"):
        table.add_column(column, justify="left" if column == "Workflow" else "right")
    for row in assessed.capacity:
        table.add_row(label(row.workflow, "workflow"), f"{row.items:,}", f"{row.dollars:,.2f}",
                      f"{row.expected:,.2f}", f"{row.yield_per_hour:,.2f}", str(row.to_clear),
                      str(row.steady))
    console.print(table)
    recommendation = assessed.recommendation
    if recommendation.first:
        console.print(f"Start with: {label(recommendation.first, 'workflow')}")
    for line in recommendation.reasoning:
        console.print(f"  {line}")


def assess(
    files: Annotated[list[Path], typer.Argument(help="837, 999, 277CA and 835 files")],
    acting_as: Annotated[str, typer.Option("--as", help="a platform admin, or the "
                                                         "prospect's client admin")],
    practice: Annotated[str, typer.Option(help="the practice's name (a new assessment)")] = "",
    slug: Annotated[str, typer.Option(help="the practice's short name")] = "",
    assessment: Annotated[int | None, typer.Option(help="an existing assessment's id")] = None,
    as_of: Annotated[str, typer.Option("--as-of", help="figures as of MM/DD/YYYY")] = "",
    weeks: Annotated[int | None, typer.Option(help="weeks to clear the backlog")] = None,
    time_zone: Annotated[str, typer.Option(help="the practice's time zone (a new one)")]
    = "America/New_York",
    pdf: Annotated[Path | None, typer.Option(help="write the two-page PDF report here")]
    = None,
) -> None:
    """Load a prospect's files, compute its capacity assessment and print the findings and
    the recommendation. Exit 1 when a file is refused or quarantined, or the person may not."""
    user = active_user(acting_as, "--as")
    day = _day(as_of) if as_of else None
    read = _read(files)
    from rcmdesk.assessments import compute, services

    console = Console()
    with refusing(acting_as, slug or str(assessment), "assessment",
                  may_not="run this assessment"), audited(user):
        found = _assessment(user, practice, slug, assessment, day, time_zone)
        _settings(found, user, day, weeks)
        report = services.do_load_files(found, read, acting_user=user)
        print_report(console, report)
        assessed = compute.assess(found, acting_user=user)
    console.print(f"Assessment {found.pk}: {found.name}")
    print_assessed(console, assessed)
    if pdf is not None:
        _write_pdf(console, found, assessed, pdf)
    if not report.ok:
        raise typer.Exit(1)


def _write_pdf(console: Console, found: Any, assessed: Any, path: Path) -> None:
    """The same two pages the report page downloads; a server without Pango says so."""
    from rcmdesk.assessments.report import pdf_bytes
    from rcmdesk.pdf import PdfUnavailable

    try:
        path.write_bytes(pdf_bytes(found, assessed))
    except PdfUnavailable as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"PDF written to {path}")


def delete(
    assessment_id: Annotated[int, typer.Argument(help="the assessment's id")],
    requested_by: Annotated[str, typer.Option(help="who asked for the deletion")],
    reason: Annotated[str, typer.Option(help="why")],
    acting_as: Annotated[str, typer.Option("--as", help="a platform admin")],
) -> None:
    """Delete every row of the assessment's tenant and print its deletion certificate."""
    user = active_user(acting_as, "--as")
    from rcmdesk.assessments import access, purge

    with refusing(acting_as, str(assessment_id), "assessment",
                  may_not="delete assessments"), audited(user):
        found = access.assessment_for(user, assessment_id)
        made = purge.do_delete_assessment(found, requested_by=requested_by, reason=reason,
                                          acting_user=user)
    Console().print(f"Deleted {made.organization_name}: {made.rows_removed:,} rows and "
                    f"{made.files_removed} files removed; {made.audit_events_kept:,} audit "
                    f"events kept. Certificate {made.pk}, digest {made.digest}")
