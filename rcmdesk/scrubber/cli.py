"""``rcmdesk claims scrub``: run the scrubber from the shell, as a named user."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from rcmdesk.cli_support import (
    as_user,
    audited,
    cli_context,
    err,
    refusing,
)


def register(group: typer.Typer) -> None:
    group.command("scrub")(scrub)
    codes = typer.Typer(help="Code sets the scrubber checks against.", no_args_is_help=True)
    codes.command("load-hcpcs")(load_hcpcs)
    group.add_typer(codes, name="codes")


def load_hcpcs(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="the CMS HCPCS alpha-numeric text file")],
) -> None:
    """Replace the HCPCS Level II code set with the codes in FILE (CMS, public domain).

    Exit 0 when loaded, 1 when the file holds no HCPCS code."""
    from rcmdesk.scrubber import hcpcs

    try:
        with cli_context():
            count = hcpcs.load(path)
    except hcpcs.HcpcsFileError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    print(f"loaded {count} HCPCS Level II code(s) from {path.name}")


def scrub(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who scrubs (one who works "
                                           "the client's claims)")],
    claim: Annotated[list[str] | None, typer.Option(
        "--claim", help="patient control number (repeat); default: every draft or held "
        "claim")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the run as JSON")] = False,
) -> None:
    """Scrub claims and print the findings and the clean-claim rate.

    Exit 0 when every claim is clean, 1 when some are held (or the user may not scrub),
    2 on a bad option."""
    from django.db.models import Q

    from rcmdesk.claims.models import Claim, ClaimStatus, FrontDoor
    from rcmdesk.scrubber import queries, services
    from rcmdesk.tenancy.roles import Workflow

    org, user = as_user(client, acting_as)
    with refusing(acting_as, client, "claims", may_not="scrub claims",
                  unseen=f"the claims of {client!r}"):
        services.require_scrub(user, org)
    claims = Claim.objects.visible_to(user, Workflow.CHARGES_CLAIMS).filter(client=org)
    if claim:
        claims = claims.filter(patient_control_number__in=claim)
    else:
        claims = claims.filter(Q(status=ClaimStatus.DRAFT) | Q(front_door=FrontDoor.HELD))
    found = list(claims.order_by("patient_control_number"))
    missing = sorted(set(claim or []) - {c.patient_control_number for c in found})
    if missing:
        err.print(f"[red]No such claim(s) at {client}: {', '.join(missing)}[/red]")
        raise typer.Exit(2)
    with audited(user):
        run = services.scrub(org, found, acting_user=user, purpose="cli")
    rows = list(queries.findings(run))
    if as_json:
        print(json.dumps(_as_json(run, rows), indent=2, default=str))
    else:
        for f in rows:
            line = f" line {f.line_number}" if f.line_number else ""
            print(f"{f.claim.patient_control_number}\t{f.code}\t{f.severity}\t{f.field}{line}"
                  f"\t{f.message}")
        print(f"run #{run.pk}: scrubbed {run.scrubbed} claim(s), {run.clean_claims} clean "
              f"({run.clean_claim_rate}% clean-claim rate), {run.errors} error(s), "
              f"{run.warnings} warning(s)")
    if run.clean_claims != run.scrubbed:
        raise typer.Exit(1)


def _as_json(run: Any, rows: list[Any]) -> dict[str, Any]:
    return {"run": run.pk, "client": run.client.slug, "scrubbed": run.scrubbed,
            "clean": run.clean_claims, "clean_claim_rate": str(run.clean_claim_rate),
            "errors": run.errors, "warnings": run.warnings,
            "findings": [{"claim": f.claim.patient_control_number, "code": f.code,
                          "severity": f.severity, "field": f.field,
                          "line_number": f.line_number, "message": f.message}
                         for f in rows]}
