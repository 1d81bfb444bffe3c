"""A small synchronous face over asyncssh's SFTP client, for the worker and the pages.

Why synchronous: the callers are Django services and tasks, which are synchronous; each
session runs its own event loop in the calling thread for the length of one ``with`` block
and closes it after, so no loop outlives the session and no ORM call runs inside one.

Why so strict: a mailbox receives claims with patient data, so the server must prove it is
the one the client admin pinned (``Connection.host_key``); there is no "trust on first use"
and no fallback to the operator's ``~/.ssh`` files, agent or config. Every network step has
a timeout, so a silent server costs a bounded wait, never a stuck worker.

Why "atomic": a partner picks files up by name, so a half-written file must never carry a
name they look for. Uploads go to ``.<name>.part`` and are renamed when whole; a final name
already holding our exact bytes means an earlier attempt got that far (and is "sent").
"""

from __future__ import annotations

import asyncio
import hashlib
import posixpath
from collections.abc import Awaitable
from contextlib import suppress
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, cast

import asyncssh

from rcmdesk.connectivity.models import Connection, CredentialKind
from rcmdesk.connectivity.secrets import current_secret
from rcmdesk.errors import Invalid

STEP_TIMEOUT = 30.0  # seconds for each step: connect, list, open, write, rename...
CHUNK = 256 * 1024
KEY_TYPES = ("ssh-", "ecdsa-", "sk-", "rsa-")


class TransferError(Invalid):
    """The mailbox could not be used; the message says what happened, for a person."""


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int
    mtime: int


@dataclass(frozen=True)
class Uploaded:
    remote_name: str
    already_there: bool  # an earlier attempt had already put these exact bytes there


def _text(name: str | bytes) -> str:
    return name.decode("utf-8", "replace") if isinstance(name, bytes) else name


def _same(a: bytes, b: bytes) -> bool:
    return hashlib.sha256(a).digest() == hashlib.sha256(b).digest()


def pinned_key(connection: Connection) -> asyncssh.SSHKey:
    """The host key the client admin pinned, or a refusal saying why there is none."""
    line = connection.host_key.strip()
    if not line:
        raise TransferError(f"Connection {connection.name} has no pinned host key, so the "
                            "server cannot be recognised; paste the server's public key "
                            "into the connection first.")
    fields = line.split()
    if fields and not fields[0].startswith(KEY_TYPES):
        fields = fields[1:]  # a known_hosts line: host names first
    try:
        return asyncssh.import_public_key(" ".join(fields))
    except (asyncssh.KeyImportError, ValueError) as exc:
        raise TransferError(f"The pinned host key of connection {connection.name} is not "
                            f"a public key in OpenSSH form ({exc}).") from exc


def _login(connection: Connection) -> dict[str, Any]:
    """asyncssh options for logging in with the connection's secret, and nothing else."""
    key = current_secret(connection, CredentialKind.PRIVATE_KEY)
    password = current_secret(connection, CredentialKind.PASSWORD)
    if key is None and password is None:
        raise TransferError(f"Connection {connection.name} has no password or private key "
                            "set; a client admin sets one on the connection's page.")
    options: dict[str, Any] = {"client_keys": None, "password": password}
    if key is not None:
        try:
            options["client_keys"] = [asyncssh.import_private_key(key)]
        except (asyncssh.KeyImportError, ValueError) as exc:
            raise TransferError(f"The private key of connection {connection.name} cannot "
                                f"be read ({exc}).") from exc
    return options


def _words(exc: BaseException, what: str) -> str:
    """An exception from the transport as a sentence for a person."""
    if isinstance(exc, TimeoutError):
        return f"{what}: the server did not answer within {STEP_TIMEOUT:.0f} seconds"
    if isinstance(exc, asyncssh.HostKeyNotVerifiable):
        return (f"{what}: the server's host key is not the pinned one, so we did not log "
                "in (the server changed its key, or it is not the partner's server)")
    if isinstance(exc, asyncssh.PermissionDenied):
        return f"{what}: the server refused the login (user name or secret wrong)"
    if isinstance(exc, asyncssh.SFTPNoSuchFile):
        return f"{what}: no such file or folder on the server"
    if isinstance(exc, asyncssh.SFTPPermissionDenied):
        return f"{what}: the server does not allow this"
    if isinstance(exc, (asyncssh.ConnectionLost, asyncssh.DisconnectError, ConnectionError)):
        return f"{what}: the connection was lost ({exc})"
    if isinstance(exc, OSError):
        return f"{what}: {exc.strerror or exc}"
    return f"{what}: {exc}"


class Mailbox:
    """One logged-in SFTP session (use as a context manager)."""

    def __init__(self, connection: Connection, *, timeout: float = STEP_TIMEOUT) -> None:
        self.connection = connection
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ssh: asyncssh.SSHClientConnection | None = None
        self._sftp: asyncssh.SFTPClient | None = None

    def _run[T](self, step: Awaitable[T], what: str) -> T:
        assert self._loop is not None
        try:
            return self._loop.run_until_complete(asyncio.wait_for(step, self.timeout))
        except (OSError, asyncssh.Error, TimeoutError) as exc:
            raise TransferError(_words(exc, what)) from exc

    @property
    def sftp(self) -> asyncssh.SFTPClient:
        assert self._sftp is not None, "use Mailbox as a context manager"
        return self._sftp

    def __enter__(self) -> Self:
        c = self.connection
        known: tuple[list[asyncssh.SSHKey], list[Any], list[Any]] = ([pinned_key(c)], [], [])
        login = _login(c)
        self._loop = asyncio.new_event_loop()
        try:
            self._ssh = self._run(asyncssh.connect(
                c.host, c.port, username=c.username, known_hosts=known, agent_path=None,
                config=None, connect_timeout=self.timeout, login_timeout=self.timeout,
                **login), f"Connecting to {c.host}:{c.port}")
            self._sftp = self._run(self._ssh.start_sftp_client(), "Starting SFTP")
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._close()

    def _close(self) -> None:
        if self._loop is None:
            return
        if self._sftp is not None:
            self._sftp.exit()
        if self._ssh is not None:
            self._ssh.close()
            # closing a dead session fails too: nothing left to tell anyone
            with suppress(OSError, asyncssh.Error, TimeoutError):
                self._loop.run_until_complete(
                    asyncio.wait_for(self._ssh.wait_closed(), self.timeout))
        self._loop.close()
        self._loop, self._ssh, self._sftp = None, None, None

    def list(self, directory: str) -> list[RemoteFile]:
        """Regular files in the folder, by name."""
        names = self._run(self.sftp.readdir(directory or "."), f"Listing {directory}")
        return sorted((RemoteFile(_text(n.filename), n.attrs.size or 0, int(n.attrs.mtime or 0))
                       for n in names
                       if n.attrs.type == asyncssh.FILEXFER_TYPE_REGULAR),
                      key=lambda f: f.name)

    def size_of(self, path: str) -> int | None:
        try:
            attrs = self._run(self.sftp.stat(path), f"Looking at {path}")
        except TransferError as exc:
            if isinstance(exc.__cause__, asyncssh.SFTPNoSuchFile):
                return None
            raise
        return attrs.size or 0

    def upload_atomic(self, data: bytes, directory: str, name: str) -> Uploaded:
        """Put ``data`` under ``directory/name`` so it never shows there half written."""
        final = posixpath.join(directory, name)
        part = posixpath.join(directory, f".{name}.part")
        there = self.size_of(final)
        if there == len(data) and _same(self.download(final, there), data):
            return Uploaded(name, already_there=True)
        if there is not None:
            raise TransferError(f"A different file named {name} is already in {directory} "
                                "on the server; it was left alone and ours not sent.")
        self._write(part, data)
        if self.size_of(part) != len(data):
            raise TransferError(f"Uploading {name}: the server kept fewer bytes than sent")
        self.rename(part, final)
        return Uploaded(name, already_there=False)

    def _write(self, path: str, data: bytes) -> None:
        handle: asyncssh.SFTPClientFile = self._run(self.sftp.open(path, "wb"),
                                                    f"Opening {path} for writing")
        try:
            for start in range(0, len(data), CHUNK):
                self._run(handle.write(data[start:start + CHUNK], start), f"Writing {path}")
        finally:
            self._quietly(handle.close())

    def download(self, path: str, expected_size: int) -> bytes:
        """The whole file, or an error: a download cut short returns nothing at all."""
        handle: asyncssh.SFTPClientFile = self._run(self.sftp.open(path, "rb"),
                                                    f"Opening {path}")
        parts: list[bytes] = []
        got = 0
        try:
            while got < expected_size:
                piece = cast(bytes, self._run(handle.read(min(CHUNK, expected_size - got), got),
                                              f"Downloading {path}"))  # "rb": bytes
                if not piece:
                    break
                parts.append(piece)
                got += len(piece)
        finally:
            self._quietly(handle.close())
        if got != expected_size:
            raise TransferError(f"Downloading {path}: got {got} of {expected_size} bytes; "
                                "nothing was kept and it will be tried again")
        return b"".join(parts)

    def _quietly(self, step: Awaitable[Any]) -> None:
        # the step that failed before this one is what the person needs to hear
        with suppress(TransferError):
            self._run(step, "Closing a file")

    def rename(self, old: str, new: str) -> None:
        """Replace ``new`` if present (POSIX rename where the server offers it)."""
        try:
            self._run(self.sftp.posix_rename(old, new), f"Renaming {old} to {new}")
        except TransferError as exc:
            if not isinstance(exc.__cause__, asyncssh.SFTPOpUnsupported):
                raise
            self._run(self.sftp.rename(old, new), f"Renaming {old} to {new}")

    def remove(self, path: str) -> None:
        self._run(self.sftp.remove(path), f"Removing {path}")


def open_mailbox(connection: Connection, *, timeout: float = STEP_TIMEOUT) -> Mailbox:
    return Mailbox(connection, timeout=timeout)


def check(connection: Connection) -> str:
    """A "test connection" answer in words: logged in and the folders readable, or why not."""
    try:
        with open_mailbox(connection) as box:
            found = []
            for label, folder in (("outbound", connection.outbound_dir),
                                  ("inbound", connection.inbound_dir)):
                if folder:
                    found.append(f"{label} folder {folder}: {len(box.list(folder))} files")
    except TransferError as exc:
        return f"Could not use {connection.name}. {exc}"
    detail = "; ".join(found) if found else "no folders set yet"
    return (f"Connected to {connection.host}:{connection.port} as {connection.username}; "
            f"the server's host key matches the pinned one ({detail}).")
