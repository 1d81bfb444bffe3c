"""``rcmdesk claims submit``: scrub and send a client's ready claims as the named user."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rcmdesk.cli_support import as_user, audited, err, refusing


def register(group: typer.Typer) -> None:
    """Add ``submit`` to the claims group."""
    group.command("submit")(submit)


def submit(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who submits (the same "
                                           "checks as the Submit button)")],
    claim: Annotated[list[str] | None, typer.Option(
        "--claim", help="patient control number; repeat for more (default: every ready "
        "claim)")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="also write each 837 file into "
                                             "this folder")] = None,
) -> None:
    """Scrub the claims, write one 837P/837I file per kind, mark them sent and charged.

    Exit 0 when a batch was written (or nothing was ready), 1 when refused, 2 on a bad
    option."""

    from rcmdesk.claims.models import Claim
    from rcmdesk.submission import services

    org, user = as_user(client, acting_as)
    chosen = None
    if claim:
        found = dict(Claim.objects.filter(client=org, patient_control_number__in=claim)
                     .values_list("patient_control_number", "pk"))
        missing = sorted(set(claim) - set(found))
        if missing:
            err.print(f"[red]No such claim for {client}: {', '.join(missing)}[/red]")
            raise typer.Exit(2)
        chosen = list(found.values())
    try:
        with audited(user), refusing(acting_as, client, "claims", may_not="submit claims",
                                     unseen=f"client {client!r}"):
            batches = services.submit(org, chosen, acting_user=user)
    except services.SubmissionRefused as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    if not batches:
        print("no claim is ready to send")
    for batch in batches:
        line = (f"batch {batch.pk}: 837{batch.kind} {batch.outbound.name} "
                f"{batch.claims_count} claim(s), clean-claim rate {batch.clean_claim_rate}%")
        if out is not None:
            path = services.drop(out, batch.outbound.name, bytes(batch.outbound.content))
            line += f" -> {path}"
        print(line)
