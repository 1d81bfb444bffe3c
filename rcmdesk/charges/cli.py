"""``rcmdesk claims import-charges``: a CSV, FHIR R4 Bundle or 837 from the client's system as
draft claims, as a named user (``--as``) with the same permission checks as the pages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rcmdesk.cli_support import as_user, audited, err, refusing


def register(group: typer.Typer) -> None:
    group.command("import-charges")(import_charges)


def import_charges(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="the file to import")],
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who imports")],
    fmt: Annotated[str | None, typer.Option("--format", help="csv, fhir or x12 (default: "
                                            "guessed from the name and first bytes)")] = None,
) -> None:
    """Import charges as drafts, all or nothing; re-importing updates the same drafts.

    Prints the counts, or every problem ("where: field: message") one a line on stderr.
    Exit 0 imported, 1 refused (problems or not allowed), 2 on a bad option."""

    from rcmdesk.charges import imports

    if fmt is not None and fmt not in imports.FORMATS:
        err.print(f"[red]--format is one of {', '.join(imports.FORMATS)}[/red]")
        raise typer.Exit(2)
    org, user = as_user(client, acting_as)
    data = path.read_bytes()
    chosen = fmt or imports.guess_format(path.name, data)
    with audited(user), refusing(acting_as, client, "charges", may_not="enter charges"):
        result = imports.import_file(org, data, chosen, path.name, acting_user=user)
    if not result.ok:
        err.print(f"[red]{path.name} ({chosen}): nothing imported, "
                  f"{len(result.problems)} problem(s)[/red]")
        for p in result.problems:
            err.print(f"{p.row}: {p.field}: {p.message}", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    print(f"{path.name} ({chosen}): {len(result.created)} draft(s) created, "
          f"{len(result.updated)} updated")
