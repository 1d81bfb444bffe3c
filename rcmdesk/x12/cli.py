"""``rcmdesk x12`` commands: inspect, validate, to-json and ack.

Bad input never produces a traceback: every ``X12Error`` becomes one line on stderr
naming the file and location, and a non-zero exit status.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from rcmdesk.x12.ack import acknowledge
from rcmdesk.x12.errors import X12Error
from rcmdesk.x12.findings import Finding, Severity
from rcmdesk.x12.parser import transactions
from rcmdesk.x12.summary import Summary, summaries
from rcmdesk.x12.tojson import transaction_data
from rcmdesk.x12.validate import validate as run_validation
from rcmdesk.x12.writer import Envelope, write_interchange
from rcmdesk.x12.writers import build_999

app = typer.Typer(help="Read, check and convert X12 5010 files.", no_args_is_help=True)

EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2


def _fail(error: X12Error) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(EXIT_UNREADABLE)


def _line(summary: Summary) -> str:
    data = summary.as_json()
    head = (
        f"{data['set']} {data['version']} ISA13={data['isa_control']} "
        f"GS06={data['gs_control']} ST02={data['st_control']} "
        f"sender={data['sender']} receiver={data['receiver']}"
    )
    money = [
        f"{key}={data[key]}"
        for key in ("claim_count", "total_charge", "total_paid", "payment_amount")
        if data[key] is not None
    ]
    problem = [f"guide=none ({summary.problem})"] if summary.problem else []
    return " ".join([head, *money, *problem])


@app.command()
def inspect(
    file: Path,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Summarise each transaction set: ids, control numbers and money totals."""
    try:
        found = list(summaries(file))
    except X12Error as error:
        raise _fail(error) from None
    if as_json:
        payload = {"file": str(file), "transactions": [s.as_json() for s in found]}
        typer.echo(json.dumps(payload))
        return
    typer.echo(str(file))
    for summary in found:
        typer.echo("  " + _line(summary))


def _format(finding: Finding) -> str:
    return (
        f"{finding.file}:{finding.position}:{finding.segment_id}:{finding.element}: "
        f"{finding.severity.value}: {finding.message} [{finding.rule}]"
    )


@app.command()
def validate(files: list[Path]) -> None:
    """Check files against their implementation guides; exit 1 on any error."""
    status = 0
    for file in files:
        try:
            for finding in run_validation(file):
                typer.echo(_format(finding))
                if finding.severity is Severity.ERROR:
                    status = max(status, EXIT_FINDINGS)
        except X12Error as error:
            typer.echo(
                f"{error.file}:{error.position}:{error.segment_id or '-'}:{error.element}: "
                f"error: {error.message}"
            )
            typer.echo(f"error: {error}", err=True)
            status = EXIT_UNREADABLE
    raise typer.Exit(status)


@app.command("to-json")
def to_json(file: Path) -> None:
    """Print the full loop tree of every transaction set as JSON."""
    try:
        data = [transaction_data(tx) for tx in transactions(file)]
    except X12Error as error:
        raise _fail(error) from None
    json.dump({"file": str(file), "transactions": data}, sys.stdout)
    sys.stdout.write("\n")


@app.command()
def ack(file: Path) -> None:
    """Print a 999 acknowledging every functional group of FILE (SNIP 1-2 errors)."""
    try:
        acks = list(acknowledge(file))
        isa = next(iter(transactions(file))).interchange if acks else None
    except X12Error as error:
        raise _fail(error) from None
    if isa is None:
        return
    envelope = Envelope(sender=isa.receiver, receiver=isa.sender)
    sys.stdout.write(write_interchange([build_999(a) for a in acks], envelope).decode())


def main() -> None:  # pragma: no cover - convenience for ``python -m``
    """Run the x12 app standalone."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
