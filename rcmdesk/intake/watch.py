"""The drop folder of ``rcmdesk watch``: which files are ready, what is set aside unread, and
moves into ``done/`` and ``quarantine/`` that never overwrite.

Whoever can write into the folder (a payer's SFTP account, a clearinghouse job) is not
trusted with anything else on the server, so (issue 15):

- a symbolic link, a folder or any other entry that is not a plain file is never opened: it
  is set aside in ``quarantine/`` as it is (a link is moved, not followed), with the reason;
  a file is opened with ``O_NOFOLLOW`` and checked again on the open descriptor, so an entry
  swapped for a link between the look and the read is refused too;
- a file is taken only once it has settled: unchanged in size and modification time since the
  previous look, and last modified at least ``settle_seconds`` ago. Names that upload tools
  write first and rename when done (dotfiles, ``*.part``, ``*.tmp``, ``*.filepart``) are
  left alone;
- a move keeps whatever is already in ``done/`` or ``quarantine/``: a file of the same name
  gets a time stamp (and a counter) added to its name instead of replacing it.

Pure Python, no Django: the command in ``rcmdesk.cli`` ingests what this hands it.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DONE, QUARANTINE = "done", "quarantine"
IN_PROGRESS_SUFFIXES = (".part", ".tmp", ".filepart")


class NotAPlainFile(Exception):
    """An entry that must not be read; the message says what it is, for the operator."""


@dataclass(frozen=True)
class Poll:
    """One look at the folder: files to ingest, entries to set aside (with why), and files
    still changing (left for a later look)."""

    ready: list[Path] = field(default_factory=list)
    strays: list[tuple[Path, str]] = field(default_factory=list)
    settling: list[Path] = field(default_factory=list)


class DropFolder:
    """A watched folder and what was seen of its files at the previous look."""

    def __init__(self, folder: Path, settle_seconds: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.folder = folder
        self.settle_seconds = settle_seconds
        self._clock = clock
        self._seen: dict[str, tuple[int, int]] = {}  # name -> (size, mtime_ns)
        for sub in (DONE, QUARANTINE):
            (folder / sub).mkdir(parents=True, exist_ok=True)

    def poll(self) -> Poll:
        """Sort the folder's entries, by name, into ready, strays and still settling."""
        found, now, seen = Poll(), self._clock(), {}
        for entry in sorted(os.scandir(self.folder), key=lambda e: e.name):
            if ignored(entry.name):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except FileNotFoundError:  # renamed or removed since the listing
                continue
            why = not_plain(info)
            if why:
                found.strays.append((Path(entry.path), why))
                continue
            signature = (info.st_size, info.st_mtime_ns)
            seen[entry.name] = signature
            steady = self._seen.get(entry.name, signature) == signature
            if steady and now - info.st_mtime >= self.settle_seconds:
                found.ready.append(Path(entry.path))
            else:
                found.settling.append(Path(entry.path))
        self._seen = seen
        return found

    def move(self, path: Path, sub: str) -> Path:
        """Move ``path`` (a link as the link) into ``sub``; never replace what is there."""
        target = self.folder / sub / path.name
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(self._clock()))
        for attempt in range(1, 1000):
            if _move_if_free(path, target):
                return target
            tail = "" if attempt == 1 else f"-{attempt}"
            target = self.folder / sub / f"{path.stem}.{stamp}{tail}{path.suffix}"
        raise FileExistsError(f"no free name for {path.name} in {sub}/")


def ignored(name: str) -> bool:
    """Our own sub-folders, and the names upload tools write before renaming."""
    lowered = name.lower()
    return (name in (DONE, QUARANTINE) or name.startswith(".")
            or lowered.endswith(IN_PROGRESS_SUFFIXES))


def not_plain(info: os.stat_result) -> str:
    """Why an entry (as ``lstat`` sees it) must not be read, or "" for a plain file."""
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return "a symbolic link (links are never followed)"
    if stat.S_ISDIR(mode):
        return "a folder"
    if not stat.S_ISREG(mode):
        return "not a regular file (a pipe, socket or device)"
    if info.st_nlink > 1:
        return "a hard link to a file that is also elsewhere on the server"
    return ""


def read_plain(path: Path) -> bytes:
    """The bytes of a plain file, refusing a link or anything else even if it was swapped in
    after ``poll`` looked (``O_NOFOLLOW``, then ``fstat`` on what was actually opened)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if path.is_symlink():
            raise NotAPlainFile(not_plain(path.lstat())) from None
        raise NotAPlainFile(f"cannot be opened ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        why = not_plain(os.fstat(fd))
        if why:
            raise NotAPlainFile(why)
        return handle.read()


def _move_if_free(path: Path, target: Path) -> bool:
    """Move without replacing: a hard link fails if the name is taken (atomic); folders,
    and file systems without hard links, fall back to a rename after a look."""
    try:
        os.link(path, target, follow_symlinks=False)
    except FileExistsError:
        return False
    except OSError:
        if target.exists() or target.is_symlink():
            return False
        path.rename(target)
        return True
    path.unlink()
    return True
