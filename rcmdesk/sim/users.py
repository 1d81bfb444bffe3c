"""Mailbox users: who may log in to the simulator, and where each one's mailbox is.

The list lives in ``<state_dir>/users.json`` so that passwords stay the same across restarts
(the demo's connections store them). A first start writes one user per demo client with a
fresh random password; an operator may edit the file to add users or public keys.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rcmdesk.sim.store import read_json, write_json

USERS_FILE = "users.json"
HOMES = "homes"
# The folders of a mailbox, as a clearinghouse names them from the client's side.
INBOUND = "to_clearinghouse"  # the client uploads 837, 270, 276, 278 here
OUTBOUND = "from_clearinghouse"  # the client downloads 999, TA1, 277CA, 835, 271, 277, 278
ARCHIVE = "archive"  # what the clearinghouse took, kept for a person to look at
FOLDERS = (INBOUND, OUTBOUND, ARCHIVE)
# The demo's two clients each get their own mailbox, so their answers never mix.
DEMO_USERS = ("acme", "birch")


@dataclass(frozen=True, slots=True)
class User:
    """A mailbox login: a password, public keys (OpenSSH lines), or both."""

    username: str
    password: str = ""
    authorized_keys: tuple[str, ...] = field(default=())


def load(state_dir: Path, *, default: Sequence[str] = DEMO_USERS) -> dict[str, User]:
    """The users of ``state_dir``; the first call writes ``default`` with new passwords."""
    path = Path(state_dir) / USERS_FILE
    if not path.exists():
        save(state_dir, [User(name, secrets.token_urlsafe(18)) for name in default])
    raw = read_json(path, [])
    users = [User(u["username"], u.get("password", ""), tuple(u.get("authorized_keys", ())))
             for u in raw]
    for user in users:
        prepare_home(state_dir, user.username)
    return {user.username: user for user in users}


def save(state_dir: Path, users: Iterable[User]) -> None:
    """Write the user list (owner-only: it holds passwords)."""
    write_json(Path(state_dir) / USERS_FILE,
               [{**asdict(u), "authorized_keys": list(u.authorized_keys)} for u in users])


def home(state_dir: Path, username: str) -> Path:
    return Path(state_dir) / HOMES / username


def prepare_home(state_dir: Path, username: str) -> Path:
    """A user's chroot with its three folders."""
    root = home(state_dir, username)
    for folder in FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
    return root
