"""A real SFTP server for tests: asyncssh on 127.0.0.1, an OS-chosen port, a tmp root.

It runs its own event loop in a thread (the code under test is synchronous and runs its own
loop per session), logs in one user by password, serves only files under ``root`` (chroot)
and can drop the connection partway through an upload or a download, once, to show what an
interrupted transfer leaves behind.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from rcmdesk.connectivity.models import Connection, ConnectionKind, Credential, CredentialKind
from rcmdesk.connectivity.secrets import seal
from rcmdesk.tenancy.models import Organization

START_TIMEOUT = 10.0


@dataclass
class Faults:
    """Each fault fires once, then clears itself."""

    drop_upload_after: int | None = None  # bytes of a file written before the line drops
    drop_download_after: int | None = None  # bytes of a file read before the line drops


@dataclass
class MailboxServer:
    root: Path
    username: str = "rcm"
    password: str = "mailbox-secret"
    faults: Faults = field(default_factory=Faults)
    host_key: asyncssh.SSHKey = field(
        default_factory=lambda: asyncssh.generate_private_key("ssh-ed25519"))
    port: int = 0
    logins: int = 0
    client_key: asyncssh.SSHKey | None = None  # a key this user may log in with
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _acceptor: Any = None

    @property
    def public_key(self) -> str:
        """The server's host key as a client admin would pin it."""
        return str(self.host_key.export_public_key().decode().strip())

    def start(self) -> MailboxServer:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="test-sftp-server")
        self._thread.start()
        self._acceptor = asyncio.run_coroutine_threadsafe(self._listen(),
                                                          self._loop).result(START_TIMEOUT)
        self.port = self._acceptor.sockets[0].getsockname()[1]
        return self

    async def _listen(self) -> asyncssh.SSHAcceptor:
        return await asyncssh.listen(
            "127.0.0.1", 0, server_host_keys=[self.host_key],
            server_factory=lambda: _Login(self),
            sftp_factory=lambda chan: _Files(chan, self), allow_scp=False)

    async def _close(self) -> None:
        """In the server's own loop: asyncio's server is not to be closed from another thread."""
        self._acceptor.close()
        await self._acceptor.wait_closed()

    def stop(self) -> None:
        assert self._loop is not None
        assert self._thread is not None
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(START_TIMEOUT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(START_TIMEOUT)
        self._loop.close()

    def files(self, folder: str) -> dict[str, bytes]:
        """Everything in a folder under the root, hidden files included."""
        where = self.root / folder
        return {p.name: p.read_bytes() for p in sorted(where.iterdir()) if p.is_file()}


class _Login(asyncssh.SSHServer):
    def __init__(self, server: MailboxServer) -> None:
        self.server = server

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == self.server.username and password == self.server.password

    def public_key_auth_supported(self) -> bool:
        return self.server.client_key is not None

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        mine = self.server.client_key
        return (username == self.server.username and mine is not None
                and key.public_data == mine.public_data)

    def auth_completed(self) -> None:
        self.server.logins += 1


class _Files(asyncssh.SFTPServer):
    def __init__(self, chan: asyncssh.SSHServerChannel[Any], server: MailboxServer) -> None:
        super().__init__(chan, chroot=str(server.root).encode())
        self.server = server

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        faults = self.server.faults
        limit = faults.drop_upload_after
        if limit is not None and offset + len(data) > limit:
            faults.drop_upload_after = None
            kept = data[:max(0, limit - offset)]
            super().write(file_obj, offset, kept)
            self.connection.abort()
            raise asyncssh.SFTPConnectionLost("line dropped mid-upload")
        return int(super().write(file_obj, offset, data))  # type: ignore[arg-type]

    def read(self, file_obj: object, offset: int, size: int) -> bytes:
        faults = self.server.faults
        limit = faults.drop_download_after
        if limit is not None and offset + size > limit:
            faults.drop_download_after = None
            self.connection.abort()
            raise asyncssh.SFTPConnectionLost("line dropped mid-download")
        return bytes(super().read(file_obj, offset, size))  # type: ignore[arg-type]


# Fixtures for the transfer tests (imported by the test modules that use them).

FOLDERS = ("out", "in", "archive")


@pytest.fixture
def sftp_server(tmp_path: Path) -> Iterator[MailboxServer]:
    root = tmp_path / "mailbox"
    for folder in FOLDERS:
        (root / folder).mkdir(parents=True)
    server = MailboxServer(root).start()
    yield server
    server.stop()


def mailbox_for(client: Organization, server: MailboxServer, **fields: Any) -> Connection:
    """A client's SFTP connection to the test server, its password sealed as in production."""
    values: dict[str, Any] = {
        "name": "Clearinghouse", "kind": ConnectionKind.SFTP, "host": "127.0.0.1",
        "port": server.port, "username": server.username, "host_key": server.public_key,
        "outbound_dir": "/out", "inbound_dir": "/in", "archive_dir": "/archive"}
    connection = Connection.objects.create(client=client, **{**values, **fields})
    ciphertext, key = seal(server.password)
    Credential.objects.create(connection=connection, kind=CredentialKind.PASSWORD,
                              ciphertext=ciphertext, key_id=key)
    return connection
