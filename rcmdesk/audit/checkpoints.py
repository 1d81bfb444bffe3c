"""Signed checkpoints of the chain heads: the anchor against cutting a chain's tail and
rewinding its head to match, which the chain alone cannot see.

A checkpoint says "chain C had reached event #S with hash H at time T", signed with an
Ed25519 key derived (HKDF-SHA256) from the audit HMAC key, so it needs no second secret and
anyone holding the public key alone can check it. Each one is kept three ways: the
``AuditCheckpoint`` table, a JSON-lines file outside the database
(``settings.AUDIT_CHECKPOINT_FILE``, owner-only), and whatever a client admin downloads
(``export_lines``: a line naming the public key, then one signed line per checkpoint).

The signed message is ``canonical({"chain", "seq", "hash", "at"})`` of ``rcmdesk.audit.chain``:
compact JSON, sorted keys, ``at`` in ISO 8601 with microseconds.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from rcmdesk.audit import ed25519
from rcmdesk.audit.chain import canonical
from rcmdesk.audit.models import AuditCheckpoint

KEY_INFO = b"rcmdesk audit checkpoint signing key v1"


def _seed(key: str | None = None) -> bytes:
    return ed25519.hkdf_sha256((key or settings.AUDIT_HMAC_KEY).encode(), info=KEY_INFO)


def public_key_hex(key: str | None = None) -> str:
    """The public half of the checkpoint key: all a client needs to check a checkpoint."""
    return ed25519.public_key(_seed(key)).hex()


def message(chain: int, seq: int, digest: str, at: datetime) -> bytes:
    return canonical({"chain": chain, "seq": seq, "hash": digest,
                      "at": at.isoformat(timespec="microseconds")})


def make(chain: int, seq: int, digest: str, at: datetime) -> AuditCheckpoint:
    """A signed (unsaved) checkpoint of a head."""
    signature = ed25519.sign(_seed(), message(chain, seq, digest, at)).hex()
    return AuditCheckpoint(chain=chain, seq=seq, hash=digest, at=at, signature=signature)


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint as read back from the table or a file, to be checked."""

    chain: int
    seq: int
    hash: str
    at: datetime
    signature: str
    source: str = "table"

    def signed(self, key: str | None = None) -> bool:
        try:
            signature = bytes.fromhex(self.signature)
        except ValueError:
            return False
        return ed25519.verify(bytes.fromhex(public_key_hex(key)),
                              message(self.chain, self.seq, self.hash, self.at), signature)


def as_json(note: AuditCheckpoint | Checkpoint) -> str:
    return json.dumps({"chain": note.chain, "seq": note.seq, "hash": note.hash,
                       "at": note.at.isoformat(timespec="microseconds"),
                       "signature": note.signature}, sort_keys=True)


def from_table(chain: int | None = None) -> list[Checkpoint]:
    rows = AuditCheckpoint.objects.order_by("chain", "seq", "id")
    if chain is not None:
        rows = rows.filter(chain=chain)
    return [Checkpoint(r.chain, r.seq, r.hash, r.at, r.signature) for r in rows]


def read_lines(lines: Iterable[str], source: str) -> list[Checkpoint]:
    """Checkpoints from exported or filed JSON lines (the public-key line is skipped)."""
    found = []
    for line in lines:
        if not line.strip():
            continue
        data: dict[str, Any] = json.loads(line)
        if "signature" not in data:
            continue
        found.append(Checkpoint(int(data["chain"]), int(data["seq"]), str(data["hash"]),
                                datetime.fromisoformat(data["at"]), str(data["signature"]),
                                source))
    return found


def read_file(path: Path) -> list[Checkpoint]:
    with path.open() as handle:
        return read_lines(handle, str(path))


def export_lines(chain: int) -> Iterator[str]:
    """A client's download: the public key, then its chain's checkpoints, one JSON a line."""
    yield json.dumps({"algorithm": "Ed25519", "public_key": public_key_hex(), "chain": chain,
                      "message": "compact JSON of chain, seq, hash, at; sorted keys"}) + "\n"
    for note in AuditCheckpoint.objects.filter(chain=chain).order_by("seq", "id").iterator():
        yield as_json(note) + "\n"


def append_to_file(note: AuditCheckpoint) -> None:
    """One more line in the checkpoint file outside the database (owner-only, like the keys)."""
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write(as_json(note) + "\n")
