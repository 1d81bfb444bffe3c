"""``<state_dir>/connection.json``: what a client needs to reach the simulator.

The demo points its trading-partner connections at the simulator by reading this file, so
its shape is a contract: ``host``, ``port``, ``host_key`` (the OpenSSH public line to pin),
``user`` and ``password`` (the first mailbox), ``users`` (every mailbox's login),
``folders`` (upload, download, archive) and ``realtime`` (host and port of the CORE
endpoints, or null while they are not installed). Owner-only: it holds passwords.

``publish`` needs no running server (the host key and the users are made on first use), so
``rcmdesk sim --prepare`` writes the file before the demo is built, and the running
simulator writes the same again when it listens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rcmdesk.sim import users
from rcmdesk.sim.keys import host_key, public_line
from rcmdesk.sim.store import write_json

CONNECTION_FILE = "connection.json"
# The CORE real-time endpoints (``core_http``) and the logins they accept: a simulator's
# fixed test logins, published here so the demo's connections can use them.
SOAP_PATH, REST_PATH, TOKEN_PATH = "/core/soap", "/core/rest", "/oauth/token"
WS_USER, WS_PASSWORD = "rcmdesk", "sim-password"
OAUTH_CLIENT, OAUTH_SECRET = "rcmdesk", "sim-secret"


def _realtime(host: str, port: int | None) -> dict[str, Any] | None:
    if port is None:
        return None
    base = f"http://{host}:{port}"
    return {"host": host, "port": port, "soap_url": base + SOAP_PATH,
            "rest_url": base + REST_PATH, "token_url": base + TOKEN_PATH,
            "oauth": {"client_id": OAUTH_CLIENT, "client_secret": OAUTH_SECRET},
            "ws": {"user": WS_USER, "password": WS_PASSWORD}}


def details(state_dir: Path, host: str, port: int, realtime_port: int | None = None
            ) -> dict[str, Any]:
    known = list(users.load(state_dir).values())
    logins = [{"user": u.username, "password": u.password} for u in known]
    return {
        "host": host,
        "port": port,
        "host_key": public_line(host_key(state_dir)),
        **(logins[0] if logins else {}),
        "users": logins,
        "folders": {"upload": users.INBOUND, "download": users.OUTBOUND,
                    "archive": users.ARCHIVE},
        "realtime": _realtime(host, realtime_port),
    }


def publish(state_dir: Path, host: str, port: int, realtime_port: int | None = None
            ) -> dict[str, Any]:
    """Write ``connection.json`` and return what it says."""
    said = details(state_dir, host, port, realtime_port)
    write_json(Path(state_dir) / CONNECTION_FILE, said)
    return said
