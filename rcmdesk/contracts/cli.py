"""``rcmdesk contracts ...``: a contract's schedule from a CSV file and the CMS reference
schedule, from the shell.

``import`` always prints the diff first (what the import would add, change and remove
against the rows in force) and applies only with ``--yes``, so an operator sees what the
file does before it prices a single claim. Without ``--as`` the command runs as the server's
operator (the system, as the demo does); with ``--as`` the person must hold
``MANAGE_CONTRACTS`` for the client, as on the pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rcmdesk.cli_support import active_user, audited, client_by_slug, err, refusing


def register(group: typer.Typer) -> None:
    group.command("import")(import_schedule)
    group.command("load-reference")(load_reference)


def _who(acting_as: str) -> Any:
    return active_user(acting_as, "--as") if acting_as else None


def _read(file: Path) -> str:
    from rcmdesk.contracts.csvimport import text_of
    from rcmdesk.uploads import max_upload_bytes

    if not file.is_file():
        err.print(f"[red]No file {str(file)!r}[/red]")
        raise typer.Exit(2)
    if file.stat().st_size > max_upload_bytes():
        err.print(f"[red]{file.name} is larger than the largest file accepted[/red]")
        raise typer.Exit(1)
    return text_of(file.read_bytes())


def _rate(rate: Any) -> str:
    from rcmdesk.labels import label

    if rate is None:
        return "—"
    if rate.removed:
        return "removed"
    value = (f"{rate.percent.normalize():f}%" if rate.basis in ("pct_reference", "pct_charge")
             else f"${rate.amount:,.2f}")
    return f"{label(rate.basis, 'rate_basis')}: {value}"


def import_schedule(
    file: Annotated[Path, typer.Argument(help="the schedule CSV")],
    client: Annotated[str, typer.Option(help="client slug")],
    contract: Annotated[int, typer.Option(help="the contract's id")],
    note: Annotated[str, typer.Option(help="why: kept with the new version")],
    yes: Annotated[bool, typer.Option("--yes", help="apply after showing the diff")] = False,
    acting_as: Annotated[str, typer.Option("--as", help="the client admin or manager "
                                                         "(default: the operator)")] = "",
) -> None:
    """Show what FILE would change in the contract; with --yes, import it as a version.
    Exit 1 when the file is refused (each problem by row and column) or the person may not."""
    org = client_by_slug(client)
    user = _who(acting_as)
    from rcmdesk.contracts import csvimport
    from rcmdesk.contracts.models import Contract

    who = acting_as or "the operator"
    with refusing(who, client, "contracts", may_not="change contracts"), audited(user):
        found = Contract.objects.filter(client=org, pk=contract).first()
        if found is None:
            err.print(f"[red]Client {client!r} has no contract {contract}[/red]")
            raise typer.Exit(2)
        try:
            rows = csvimport.parse(_read(file))
        except csvimport.ScheduleFileRefused as exc:
            for problem in exc.problems:
                err.print(f"[red]{problem}[/red]")
            err.print(f"[red]Nothing imported: {len(exc.problems)} problem(s).[/red]")
            raise typer.Exit(1) from None
        diff = csvimport.preview(found, rows)
        _print_diff(found, diff)
        if not yes:
            print("Not applied: run again with --yes to import these rows as a new version.")
            return
        version = csvimport.apply(found, rows, name=file.name, note=note, acting_user=user)
    print(f"imported {file.name} into {found.name}: version {version.number}, "
          f"{len(rows)} row(s)")


def _print_diff(found: Any, diff: Any) -> None:
    table = Table(title=f"{found.name}: what the file changes")
    for column in ("Change", "Code", "Modifier", "POS", "From", "Now", "Becomes"):
        table.add_column(column)
    for kind, changes in (("added", diff.added), ("changed", diff.changed),
                          ("removed", diff.removed)):
        for change in changes:
            row = change.row
            table.add_row(kind, row.procedure, row.modifier or "any",
                          row.place_of_service or "any", f"{row.effective_from:%m/%d/%Y}",
                          _rate(change.old), _rate(row))
    Console().print(table)
    print(f"{len(diff.added)} added, {len(diff.changed)} changed, {len(diff.removed)} "
          f"removed, {diff.unchanged} unchanged")


def load_reference(
    file: Annotated[Path, typer.Argument(help="the CMS PFS Look-up Tool export (CSV)")],
    client: Annotated[str, typer.Option(help="client slug")],
    name: Annotated[str, typer.Option(help="e.g. \"Medicare PFS 2026, locality 01\"; "
                                           "the same name replaces that schedule")],
    year: Annotated[int, typer.Option(help="the schedule's year")],
    acting_as: Annotated[str, typer.Option("--as", help="the client admin or manager "
                                                         "(default: the operator)")] = "",
) -> None:
    """Load (or replace) a reference schedule; the contracts using it are repriced."""
    org = client_by_slug(client)
    user = _who(acting_as)
    from rcmdesk.contracts import csvimport, references

    with refusing(acting_as or "the operator", client, "contracts",
                  may_not="change contracts"), audited(user):
        try:
            loaded = references.load_reference(org, name=name, year=year, text=_read(file),
                                               source_name=file.name, acting_user=user)
        except csvimport.ScheduleFileRefused as exc:
            for problem in exc.problems:
                err.print(f"[red]{problem}[/red]")
            raise typer.Exit(1) from None
    print(f"{loaded.name}: {loaded.rows} code(s) loaded")
