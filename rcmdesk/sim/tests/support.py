"""Helpers of the simulator's tests: 837s made by the synthetic generator, a stepped clock
and an asyncssh client that pins the host key (every operation with a deadline)."""

from __future__ import annotations

import asyncio
import random
import warnings
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from rcmdesk.sim import users
from rcmdesk.synth.claims import billing_provider, make_claim
from rcmdesk.synth.files import Controls, write_837
from rcmdesk.synth.world import build_world
from rcmdesk.x12.values import Name

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import asyncssh

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PASSWORDS = {"acme": "acme-mailbox-pw-1", "birch": "birch-mailbox-pw-2"}
TIMEOUT = 10.0


class SteppedClock:
    """A clock the test moves by hand: ``clock.advance(days=2)``."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def an_837(tmp_path: Path, *, claims: int = 12, seed: int = 3, payer: Name | None = None,
           reference: str = "BATCH0001") -> bytes:
    """An 837P of the synthetic generator (its ISA06 SYN..., its own GS06 and PCNs)."""
    world = build_world(seed, patients=60)
    rng = random.Random(seed)
    practice = world.practices[0]
    provider = billing_provider(practice)
    made = [make_claim(rng, world, practice, provider, f"PCN{seed}{n:05d}",
                       date(2026, 12, 1)).claim for n in range(claims)]
    if payer is not None:
        made = [replace(c, subscriber=replace(c.subscriber, payer=payer)) for c in made]
    controls = Controls()
    controls.interchange = 40 + seed  # ISA13 and GS06 unlike any the simulator uses
    path = tmp_path / f"{reference}.x12"
    write_837(path, controls, practice, "P", made, "20261206", reference)
    return path.read_bytes()


def put_inbound(state_dir: Path, name: str, data: bytes, user: str = "acme") -> Path:
    """An upload as if it had arrived complete (for tests that need no SFTP)."""
    path = users.home(state_dir, user) / users.INBOUND / name
    path.write_bytes(data)
    return path


def outbound(state_dir: Path, user: str = "acme") -> dict[str, bytes]:
    folder = users.home(state_dir, user) / users.OUTBOUND
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def run[T](coroutine: Awaitable[T]) -> T:
    """Run one client conversation with a deadline (every socket operation is bounded)."""
    async def bounded() -> T:
        return await asyncio.wait_for(coroutine, TIMEOUT)
    return asyncio.run(bounded())


@asynccontextmanager
async def sftp(endpoint: Any, user: str = "acme", password: str | None = None,
               **options: Any) -> AsyncIterator[asyncssh.SFTPClient]:
    """An SFTP session that trusts only the simulator's pinned host key."""
    host, port, key = endpoint
    known = asyncssh.import_known_hosts(f"[{host}]:{port} {key}\n")
    async with asyncssh.connect(
        host, port, username=user, password=password or PASSWORDS[user], known_hosts=known,
        client_keys=None, connect_timeout=TIMEOUT, **options,
    ) as conn, conn.start_sftp_client() as client:
        yield client


async def upload(endpoint: Any, name: str, data: bytes, user: str = "acme",
                 password: str | None = None) -> None:
    """Our client's way: write under a temporary name, then rename to the final one."""
    async with sftp(endpoint, user, password) as client:
        partial = f"{users.INBOUND}/.{name}.part"
        async with client.open(partial, "wb") as handle:
            await handle.write(data)
        await client.posix_rename(partial, f"{users.INBOUND}/{name}")


async def download(endpoint: Any, name: str, user: str = "acme") -> bytes:
    async with sftp(endpoint, user) as client, \
            client.open(f"{users.OUTBOUND}/{name}", "rb") as handle:
        data = await handle.read()
        assert isinstance(data, bytes)
        return data
