"""Taking files from a partner's mailbox: only whole ones, each once, through intake.

Why each step is where it is:

- every listed file is noted as an ``InboundFile`` (size, modification time) before anything
  else, because "complete" is judged across polls: with ``Completion.STABLE_SIZE`` a file is
  taken only when a previous poll saw it at the same size and time (a file still being
  written grows between polls); with ``Completion.DONE_MARKER`` only once the partner put
  ``<name>.done`` beside it;
- the bytes are read whole into memory and handed to intake only when the count matches the
  listed size (``Mailbox.download`` raises otherwise), so a download cut halfway leaves
  nothing ingested; the row stays "seen" with the error and the next poll tries again;
- intake stores the bytes once per client (sha256), so the same file delivered twice under
  two names is recognised there, and it quarantines what cannot be trusted; processing goes
  through the worker queue, as an upload's does;
- the remote file is archived or removed only after the row is "taken" and committed: a
  crash in between leaves a taken row, and the next poll finishes the tidying instead of
  ingesting again (a file left in place is matched to its taken row by name and time).
"""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction

from rcmdesk.audit.services import record
from rcmdesk.connectivity import sftp
from rcmdesk.connectivity.models import (
    Completion,
    Connection,
    InboundFile,
    InboundState,
    RemoteAfter,
)
from rcmdesk.intake.models import Channel
from rcmdesk.intake.services import receive
from rcmdesk.intake.tasks import process_file

MARKER = ".done"
PENDING = (InboundState.SEEN, InboundState.FAILED)


@dataclass
class PollResult:
    listed: int = 0  # files matching the pattern
    waiting: int = 0  # not complete yet
    taken: int = 0  # new files handed to intake
    duplicates: int = 0  # taken, but intake had the same bytes already
    failed: int = 0  # download failed: tried again next poll
    errors: list[str] = field(default_factory=list)

    def __add__(self, other: PollResult) -> PollResult:
        """Two polls' counts summed and their errors in order: a job polling several
        mailboxes answers one result."""
        return PollResult(self.listed + other.listed, self.waiting + other.waiting,
                          self.taken + other.taken, self.duplicates + other.duplicates,
                          self.failed + other.failed, [*self.errors, *other.errors])

    def naming(self, name: str) -> PollResult:
        """The same result with each error saying which connection it came from."""
        return replace(self, errors=[f"{name}: {e}" for e in self.errors])

    def as_dict(self) -> dict[str, Any]:
        return {"listed": self.listed, "waiting": self.waiting, "taken": self.taken,
                "duplicates": self.duplicates, "failed": self.failed,
                "errors": self.errors}


def poll(connection: Connection, *, now: datetime) -> PollResult:
    """List the mailbox's inbound folder and take every complete file in it once."""
    result = PollResult()
    with sftp.open_mailbox(connection) as box:
        listing = box.list(connection.inbound_dir)
        names = {f.name for f in listing}
        for remote in candidates(connection, listing):
            result.listed += 1
            row = note(connection, remote, now)
            if row.state == InboundState.TAKEN:
                tidy(box, connection, row, names, result)
            elif not complete(connection, row, names, now):
                result.waiting += 1
            elif take(box, connection, row, result, now):
                tidy(box, connection, row, names, result)
    return result


def candidates(connection: Connection, listing: list[sftp.RemoteFile]) -> list[sftp.RemoteFile]:
    """The files the pattern names, without markers, hidden files and partial uploads."""
    pattern = connection.inbound_pattern or "*"
    return [f for f in listing if fnmatch.fnmatchcase(f.name, pattern)
            and not f.name.startswith(".") and not f.name.endswith((MARKER, ".part"))]


def note(connection: Connection, remote: sftp.RemoteFile, now: datetime) -> InboundFile:
    """The file's row: the taken one if this is that file still there, else the pending
    one, its size and time brought up to date (``size_seen_at`` moves only on a change)."""
    mine = InboundFile.objects.filter(connection=connection, remote_name=remote.name)
    taken = mine.filter(state=InboundState.TAKEN, remote_mtime=remote.mtime,
                        size=remote.size).first()
    if taken is not None:
        return taken
    row = mine.filter(state__in=PENDING).order_by("-pk").first()
    if row is None:
        return InboundFile.objects.create(
            client_id=connection.client_id, connection=connection, remote_name=remote.name,
            size=remote.size, remote_mtime=remote.mtime, first_seen_at=now, size_seen_at=now)
    if (row.size, row.remote_mtime) != (remote.size, remote.mtime):
        row.size, row.remote_mtime, row.size_seen_at = remote.size, remote.mtime, now
        row.save(update_fields=["size", "remote_mtime", "size_seen_at"])
    return row


def complete(connection: Connection, row: InboundFile, names: set[str],
             now: datetime) -> bool:
    if connection.completion == Completion.DONE_MARKER:
        return row.remote_name + MARKER in names
    return row.size > 0 and row.size_seen_at < now  # unchanged since an earlier poll


def take(box: sftp.Mailbox, connection: Connection, row: InboundFile, result: PollResult,
         now: datetime) -> bool:
    """Download the whole file and hand it to intake; False (and nothing kept) if cut short."""
    path = posixpath.join(connection.inbound_dir, row.remote_name)
    try:
        data = box.download(path, row.size)
    except sftp.TransferError as exc:
        row.last_error = str(exc)
        row.save(update_fields=["last_error"])
        result.failed += 1
        result.errors.append(str(exc))
        return False
    with transaction.atomic():
        received, new = receive(connection.client, data, row.remote_name,
                                channel=Channel.SFTP)
        row.state, row.taken_at, row.received, row.last_error = (
            InboundState.TAKEN, now, received, "")
        row.save(update_fields=["state", "taken_at", "received", "last_error"])
        record("inbound.taken", client_id=row.client_id, obj=row, detail={
            "name": row.remote_name, "size": row.size, "connection": connection.name,
            "received": received.pk, "already_received": not new})
        if new:
            transaction.on_commit(partial(process_file.enqueue, received.pk, None))
    if new:
        result.taken += 1
    else:
        result.duplicates += 1
    return True


def tidy(box: sftp.Mailbox, connection: Connection, row: InboundFile, names: set[str],
         result: PollResult) -> None:
    """Archive or delete a taken file (and its marker) as the connection says."""
    if connection.after_download == RemoteAfter.LEAVE or (
            connection.after_download == RemoteAfter.ARCHIVE and not connection.archive_dir):
        return  # no archive folder: left in place (its taken row keeps it from coming again)
    folder = connection.inbound_dir
    paths = [posixpath.join(folder, n) for n in (row.remote_name, row.remote_name + MARKER)
             if n in names]
    try:
        for path in paths:
            if connection.after_download == RemoteAfter.DELETE:
                box.remove(path)
            else:
                box.rename(path, _archive_path(box, connection, path, row))
    except sftp.TransferError as exc:
        result.errors.append(f"{row.remote_name} was taken, but tidying it failed: {exc}")


def _archive_path(box: sftp.Mailbox, connection: Connection, path: str,
                  row: InboundFile) -> str:
    """Where the file goes in the archive: its own name, unless an older one holds it."""
    target = posixpath.join(connection.archive_dir, posixpath.basename(path))
    return target if box.size_of(target) is None else f"{target}.{row.pk}"
