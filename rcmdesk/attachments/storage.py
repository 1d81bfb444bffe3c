"""Documents' bytes on disk: ``RCMDESK_ATTACHMENTS_DIR/<client id>/<sha[:2]>/<sha256>``.

Under the var dir and never under static, so no web server can hand one out by path; a
download goes through the audited page or API route. The path is the bytes' sha256 within
their client, so identical bytes attached twice for one client are stored once, and two
clients never share a file (deleting or exporting one client's files never touches
another's). A file is written to a temporary name and renamed into place, so a reader never
sees half of one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from rcmdesk import errors


class FileMissing(errors.NotFound):
    """The row exists but its bytes are not on disk (a restore without the var dir)."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_for(client_id: int, sha256: str) -> Path:
    return Path(settings.RCMDESK_ATTACHMENTS_DIR) / str(client_id) / sha256[:2] / sha256


def save(client_id: int, sha256: str, data: bytes) -> None:
    """Store ``data`` once per client; a file already there with these bytes is kept."""
    path = path_for(client_id, sha256)
    if path.exists() and path.stat().st_size == len(data):
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def open_stored(client_id: int, sha256: str, name: str) -> BinaryIO:
    """The stored bytes for reading; ``FileMissing`` naming the document when they are gone."""
    try:
        return path_for(client_id, sha256).open("rb")
    except FileNotFoundError as exc:
        raise FileMissing(f"The document {name} is listed but its file is missing from "
                          "storage. Ask whoever runs the server to restore it.") from exc


def read_stored(client_id: int, sha256: str, name: str) -> bytes:
    with open_stored(client_id, sha256, name) as stored:
        return stored.read()
