"""``rcmdesk sim``: the clearinghouse simulator as its own process (no Django)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from rcmdesk.sim import faults


def default_state_dir() -> Path:
    """``$RCMDESK_VAR_DIR/sim`` (``./var`` as rcmdesk.conf.var_dir has it by default)."""
    return Path(os.environ.get("RCMDESK_VAR_DIR", "var")).resolve() / "sim"


def sim(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="SFTP port (0: any free)")]
    = 8022,
    state_dir: Annotated[Path | None, typer.Option(
        help="keys, users, mailboxes and pending answers [default: $RCMDESK_VAR_DIR/sim]")]
    = None,
    seed: Annotated[int, typer.Option(help="seed of the synthetic payers' decisions")] = 1,
    day_seconds: Annotated[float, typer.Option(
        min=0.001, help="real seconds a simulated day lasts (the delays of answers; "
                        "files are dated on the real clock)")] = 60.0,
    tick: Annotated[float, typer.Option(min=0.05, help="seconds between processing runs")]
    = 1.0,
    http_port: Annotated[int, typer.Option(
        min=0, max=65535, help="CORE real-time port (when the endpoints are installed)")]
    = 8023,
    fault: Annotated[list[str] | None, typer.Option(
        help=f"arm a fault: {', '.join(faults.FLAGS)} (word=N to give a value)")] = None,
    prepare: Annotated[bool, typer.Option(
        help="only make the host key and mailboxes and write connection.json, then exit "
             "(``make run`` does, so the demo can point at the simulator before it starts)",
    )] = False,
) -> None:
    """Run the clearinghouse simulator: an SFTP mailbox per user that answers 837s with
    999, 277CA and (simulated days later) 835s, until SIGTERM or SIGINT."""
    from rcmdesk.sim import contract
    from rcmdesk.sim.run import Options, arm, realtime, serve  # asyncssh only when used

    options = Options(state_dir or default_state_dir(), host, port, http_port, seed,
                      day_seconds, tick)
    options.state_dir.mkdir(parents=True, exist_ok=True)
    try:
        armed = arm(options.state_dir, fault or [])
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if fault:
        typer.echo(f"faults armed: {armed}")
    if prepare:
        said = contract.publish(options.state_dir, host, port,
                                http_port if realtime() is not None else None)
        _announce(options, said)
        return
    asyncio.run(serve(options, lambda details: _announce(options, details)))


def _announce(options: Any, details: dict[str, Any]) -> None:
    from rcmdesk.sim.contract import CONNECTION_FILE

    typer.echo(f"clearinghouse simulator at sftp://{details['host']}:{details['port']}/ "
               f"(one simulated day per {options.day_seconds:g} s)")
    typer.echo(f"host key: {details['host_key']}")
    for login in details["users"]:
        typer.echo(f"mailbox {login['user']} / password {login['password']}")
    typer.echo(f"details for clients: {options.state_dir / CONNECTION_FILE}", )


def register(app: typer.Typer) -> None:
    app.command("sim")(sim)
