"""The simulator's SSH host key: made once, then kept, so a client can pin it.

A clearinghouse's host key does not change between sessions; a client that pins it (as the
demo's connections do, from ``connection.json``) would refuse a simulator that made a new
key at every start. The key is Ed25519 (asyncssh generates and serialises it; no key
arithmetic here) and its file is readable by its owner only.
"""

from __future__ import annotations

from pathlib import Path

import asyncssh  # its DSA warnings are filtered once, in rcmdesk/__init__.py

from rcmdesk.sim.store import write_private

HOST_KEY_FILE = "host_key"


def host_key(state_dir: Path) -> asyncssh.SSHKey:
    """The host key kept under ``state_dir``, generated on first use."""
    path = Path(state_dir) / HOST_KEY_FILE
    if not path.exists():
        key = asyncssh.generate_private_key("ssh-ed25519", comment="rcmdesk-sim")
        write_private(path, key.export_private_key())
    return asyncssh.read_private_key(path)


def public_line(key: asyncssh.SSHKey) -> str:
    """The OpenSSH public line (``ssh-ed25519 AAAA... rcmdesk-sim``) a client pins."""
    return key.export_public_key().decode("ascii").strip()
