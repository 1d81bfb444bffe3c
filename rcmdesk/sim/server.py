"""The simulator's SFTP server (asyncssh): one chrooted mailbox per user.

Passwords and public keys are checked per user (``users.json``); each session sees only its
own home (``to_clearinghouse/``, ``from_clearinghouse/``, ``archive/``). The server knows of
the clearinghouse only the files it has open for writing (``Receiving``), which are not
taken until closed, and the drop fault, which it applies to the next transfer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import asyncssh  # its DSA warnings are filtered once, in rcmdesk/__init__.py

from rcmdesk.sim import contract, faults, users
from rcmdesk.sim.clearinghouse import Clearinghouse, Receiving
from rcmdesk.sim.keys import host_key, public_line

STARTUP_TIMEOUT = 10.0


class _Gate(asyncssh.SSHServer):
    """Password or public-key login, each checked against the user's own entry.

    ``users.json`` is read at each connection, so a user added to it can log in without a
    restart.
    """

    def __init__(self, state_dir: Path) -> None:
        self._known: Mapping[str, users.User] = users.load(state_dir)
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn

    def begin_auth(self, username: str) -> bool:
        user = self._known.get(username)
        if user is not None and user.authorized_keys and self._conn is not None:
            keys = asyncssh.import_authorized_keys("\n".join(user.authorized_keys))
            self._conn.set_authorized_keys(keys)
        return True  # always ask: an unknown name must not be told apart from a bad password

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        user = self._known.get(username)
        return bool(user is not None and user.password
                    and hmac.compare_digest(user.password.encode(), password.encode()))

    def public_key_auth_supported(self) -> bool:
        return True


class _Mailbox(asyncssh.SFTPServer):
    """One user's session, chrooted to the user's home.

    A file opened for writing is registered with ``receiving`` until it is closed (also
    when the connection is lost: asyncssh closes open files then). When the drop fault is
    armed, the next transfer that goes past that many bytes is cut there: the connection
    is aborted mid-transfer, as a network failure would (a shorter file goes through).
    """

    def __init__(self, chan: asyncssh.SSHServerChannel[bytes], *, state_dir: Path,
                 receiving: Receiving) -> None:
        username = str(chan.get_extra_info("username"))
        root = users.home(state_dir, username)
        super().__init__(chan, chroot=str(root).encode())
        self._state_dir = state_dir
        self._receiving = receiving
        self._writing: dict[int, Path] = {}
        self._budget: dict[int, int] = {}

    def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        handle = super().open(path, pflags, attrs)
        if pflags & asyncssh.FXF_WRITE:
            local = Path(self.map_path(path).decode())
            self._writing[id(handle)] = local
            self._receiving.add(local)
        budget = faults.Faults.load(self._state_dir).drop_after_bytes
        if budget is not None:
            self._budget[id(handle)] = budget
        return handle

    def close(self, file_obj: object) -> None:
        local = self._writing.pop(id(file_obj), None)
        self._budget.pop(id(file_obj), None)
        super().close(file_obj)
        if local is not None:
            self._receiving.discard(local)

    def read(self, file_obj: object, offset: int, size: int) -> bytes:
        data = super().read(file_obj, offset, size)
        assert isinstance(data, bytes)
        budget = self._budget.get(id(file_obj))
        if budget is not None and offset + len(data) > budget and self._spend_drop():
            self._cut()
        return data

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        budget = self._budget.get(id(file_obj))
        if budget is not None and offset + len(data) > budget and self._spend_drop():
            super().write(file_obj, offset, data[: max(0, budget - offset)])
            self._cut()
        written = super().write(file_obj, offset, data)
        assert isinstance(written, int)
        return written

    def _spend_drop(self) -> bool:
        """Disarm the drop fault; False when another transfer already spent it."""
        self._budget.clear()
        return faults.take_drop(self._state_dir) is not None

    def _cut(self) -> None:
        self.connection.abort()
        raise asyncssh.SFTPConnectionLost("connection dropped (simulated fault)")


async def listen(state_dir: Path, *, host: str = "127.0.0.1", port: int = 0,
                 receiving: Receiving | None = None) -> asyncssh.SSHAcceptor:
    """Start the SFTP server over the mailboxes of ``state_dir``."""
    state_dir = Path(state_dir)
    users.load(state_dir)  # the first start writes the default users
    shared = receiving or Receiving()

    def mailbox(chan: asyncssh.SSHServerChannel[bytes]) -> asyncssh.SFTPServer:
        return _Mailbox(chan, state_dir=state_dir, receiving=shared)

    return await asyncssh.listen(
        host, port, server_host_keys=[host_key(state_dir)],
        server_factory=lambda: _Gate(state_dir), sftp_factory=mailbox, allow_scp=False,
        line_editor=False,
    )


def bound_port(acceptor: asyncssh.SSHAcceptor) -> int:
    return int(acceptor.sockets[0].getsockname()[1])


class Endpoint(NamedTuple):
    """Where a running simulator is: host, port and its host key's public line."""

    host: str
    port: int
    host_key: str


async def _tick(clearinghouse: Clearinghouse, every: float) -> None:
    """Process what is due, every ``every`` seconds, off the event loop."""
    while True:
        await asyncio.to_thread(clearinghouse.process, clearinghouse.clock())
        await asyncio.sleep(every)


async def _start(state_dir: Path, host: str, port: int, receiving: Receiving,
                 clearinghouse: Clearinghouse | None, tick: float | None,
                 ) -> tuple[asyncssh.SSHAcceptor, asyncio.Task[None] | None]:
    acceptor = await listen(state_dir, host=host, port=port, receiving=receiving)
    ticking = None
    if clearinghouse is not None and tick is not None:
        ticking = asyncio.create_task(_tick(clearinghouse, tick))
    return acceptor, ticking


async def _shutdown(acceptor: asyncssh.SSHAcceptor, ticking: asyncio.Task[None] | None
                    ) -> None:
    """Stop processing (waiting for a round already in its thread), then the server."""
    if ticking is not None:
        ticking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticking
    acceptor.close()
    await acceptor.wait_closed()
    await asyncio.get_running_loop().shutdown_default_executor()


@contextmanager
def running(state_dir: Path, *, clearinghouse: Clearinghouse | None = None,
            host: str = "127.0.0.1", port: int = 0, tick: float | None = None,
            ) -> Iterator[Endpoint]:
    """The SFTP server in a background thread, for tests: yields (host, port, host_key).

    With ``clearinghouse`` and ``tick`` it also processes every ``tick`` seconds (at the
    clearinghouse's own clock); without, the test calls ``process(now)`` itself. It writes
    ``connection.json`` as the command does.
    """
    state_dir = Path(state_dir)
    receiving = clearinghouse.receiving if clearinghouse is not None else Receiving()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="rcmdesk-sim", daemon=True)
    thread.start()
    try:
        acceptor, ticking = asyncio.run_coroutine_threadsafe(
            _start(state_dir, host, port, receiving, clearinghouse, tick), loop,
        ).result(STARTUP_TIMEOUT)
        try:
            contract.publish(state_dir, host, bound_port(acceptor))
            yield Endpoint(host, bound_port(acceptor), public_line(host_key(state_dir)))
        finally:
            asyncio.run_coroutine_threadsafe(_shutdown(acceptor, ticking), loop).result(
                STARTUP_TIMEOUT)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(STARTUP_TIMEOUT)
        loop.close()
