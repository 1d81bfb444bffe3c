"""``rcmdesk sim`` as a long-running process: the SFTP server, the processing loop and (once
``rcmdesk.sim.core_http`` exists) the CORE real-time endpoints, until SIGTERM or SIGINT.

``<state_dir>/connection.json`` (``contract``) is what whoever points connections at the
simulator (the demo) reads: host, port, the host key to pin, and each mailbox's login.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from rcmdesk.sim import contract, faults
from rcmdesk.sim.clearinghouse import Clearinghouse
from rcmdesk.sim.server import bound_port, listen

# The seam for the real-time endpoints, written beside this module by another change:
# ``async def serve(*, host, port, state_dir, seed, clock, stopping) -> None`` serving until
# ``stopping`` (an asyncio.Event) is set; it reads ``Faults.load(state_dir)`` per request.
REALTIME_MODULE = "rcmdesk.sim.core_http"


def realtime() -> ModuleType | None:
    """The CORE SOAP/REST endpoints module, or None while it does not exist."""
    try:
        return importlib.import_module(REALTIME_MODULE)
    except ModuleNotFoundError:
        return None


@dataclass(frozen=True, slots=True)
class Options:
    state_dir: Path
    host: str = "127.0.0.1"
    port: int = 8022
    http_port: int = 8023
    seed: int = 1
    day_seconds: float = 60.0
    tick: float = 1.0


async def _process(clearinghouse: Clearinghouse, options: Options) -> None:
    """Process every ``tick`` seconds; a failing round is reported and the next one runs
    (a full disk, a mailbox removed by hand), since the loop is what keeps answers coming."""
    while True:
        try:
            done = await asyncio.to_thread(clearinghouse.process, clearinghouse.clock())
            for name in done.taken:
                print(f"took {name}", flush=True)
            for name in done.delivered:
                print(f"delivered {name}", flush=True)
        except OSError as exc:
            print(f"rcmdesk sim: processing failed, retrying: {exc}", file=sys.stderr)
        await asyncio.sleep(options.tick)


async def serve(options: Options, announce: Callable[[dict[str, Any]], None]) -> None:
    """Run until SIGTERM/SIGINT; ``announce`` gets the connection details once listening."""
    clearinghouse = Clearinghouse(options.state_dir, seed=options.seed,
                                  day=timedelta(seconds=options.day_seconds))
    acceptor = await listen(options.state_dir, host=options.host, port=options.port,
                            receiving=clearinghouse.receiving)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stopping.set)
    tasks = [asyncio.create_task(_process(clearinghouse, options))]
    module = realtime()
    if module is not None:
        tasks.append(asyncio.create_task(module.serve(
            host=options.host, port=options.http_port, state_dir=options.state_dir,
            seed=options.seed, clock=clearinghouse.clock, stopping=stopping)))
    announce(contract.publish(options.state_dir, options.host, bound_port(acceptor),
                              options.http_port if module is not None else None))
    try:
        await stopping.wait()
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        acceptor.close()
        await acceptor.wait_closed()


def arm(state_dir: Path, flags: list[str]) -> faults.Faults:
    """Arm the ``--fault`` flags of the command line (ValueError for an unknown one)."""
    changes = dict(faults.parse_flag(flag) for flag in flags)
    return faults.inject(state_dir, **changes)
