"""The simulator's CORE real-time endpoint: SOAP (vC2.2.0), REST (vC4.0.0) and an OAuth 2.0
token endpoint, answering 270s and 276s as the simulated payers do (``sim.inquiries``).

A stdlib ``ThreadingHTTPServer`` in a thread: one thread per inquiry, like the many
connections a clearinghouse takes at once, and nothing to install. Plain HTTP on loopback:
the simulator checks the WS-Security UsernameToken and the bearer token, not TLS client
certificates (those are the TLS library's business on a real endpoint). ``think_seconds``
is the payer's time to answer (the slow real-time fault sets it), slept before replying.

    server = CoreServer(think_seconds=0.2).start()   # port 0: the OS picks one
    ... server.soap_url, server.rest_url, server.token_url ...
    server.stop()
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from rcmdesk.connectivity import core_envelope as envelope
from rcmdesk.sim.contract import (
    OAUTH_CLIENT,
    OAUTH_SECRET,
    REST_PATH,
    SOAP_PATH,
    TOKEN_PATH,
    WS_PASSWORD,
    WS_USER,
)
from rcmdesk.sim.faults import Faults
from rcmdesk.sim.inquiries import answer_270, answer_276

TOKEN_LIFETIME = 300
MAX_BODY = 10 * 1024 * 1024
ANSWERERS: dict[str, Callable[..., bytes]] = {"270": answer_270, "276": answer_276}


def _now() -> datetime:
    return datetime.now(UTC)  # the simulator is a remote party with its own clock


@dataclass
class Seen:
    """What the endpoint received, for tests to look at (headers as sent)."""

    path: str
    headers: dict[str, str]
    username: str = ""
    payload_id: str = ""


@dataclass
class CoreServer:
    host: str = "127.0.0.1"
    port: int = 0
    think_seconds: float = 0.0
    ws_users: dict[str, str] = field(default_factory=lambda: {WS_USER: WS_PASSWORD})
    oauth_clients: dict[str, str] = field(default_factory=lambda: {OAUTH_CLIENT: OAUTH_SECRET})
    state_dir: Path | None = None  # where ``rcmdesk sim --fault slow=S`` arms a slow answer
    clock: Callable[[], datetime] = _now
    fail_with: tuple[str, str] | None = None  # (ErrorCode, ErrorMessage) for every inquiry
    seen: list[Seen] = field(default_factory=list)
    tokens_issued: int = 0
    _tokens: dict[str, float] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- lifecycle --------------------------------------------------------------------

    def start(self) -> CoreServer:
        handler = type("Handler", (_Handler,), {"core": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="core-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> CoreServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def soap_url(self) -> str:
        return self.base_url + SOAP_PATH

    @property
    def rest_url(self) -> str:
        return self.base_url + REST_PATH

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    # --- behaviour --------------------------------------------------------------------

    def note(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    def issue_token(self, client_id: str, secret: str) -> str | None:
        if not client_id or self.oauth_clients.get(client_id) != secret:
            return None
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + TOKEN_LIFETIME
            self.tokens_issued += 1
        return token

    def token_valid(self, token: str) -> bool:
        with self._lock:
            return self._tokens.get(token, 0.0) > time.monotonic()

    def answer(self, request: envelope.CoreMessage) -> envelope.CoreMessage:
        """The payer's answer to one inquiry, after the think time."""
        think = self.think_seconds
        if self.state_dir is not None:
            think = max(think, Faults.load(self.state_dir).slow_realtime_seconds)
        if think > 0:
            time.sleep(think)
        now = self.clock()
        if self.fail_with is not None:
            return request.answer(b"", now, error_code=self.fail_with[0],
                                  error_message=self.fail_with[1])
        if request.processing_mode != envelope.REAL_TIME:
            return request.answer(b"", now, error_code="ProcessingModeNotSupported",
                                  error_message="Only RealTime is served here")
        answerer = ANSWERERS.get(request.set_id)
        if answerer is None or request.payload_type != envelope.payload_type(request.set_id):
            return request.answer(b"", now, error_code="PayloadTypeNotSupported",
                                  error_message=f"{request.payload_type} is not served here")
        try:
            return request.answer(answerer(request.payload, now=now), now)
        except Exception as exc:  # a payload the payer cannot read
            return request.answer(b"", now, error_code="PayloadNotReadable",
                                  error_message=f"{exc.__class__.__name__}: {exc}"[:200])


async def serve(*, host: str, port: int, state_dir: Path, seed: int,
                clock: Callable[[], datetime], stopping: asyncio.Event) -> None:
    """``rcmdesk sim``'s real-time side: the endpoints until ``stopping`` is set. ``seed`` is
    unused: answers are fixed by the member id and claim number, not drawn."""
    del seed
    server = CoreServer(host=host, port=port, clock=clock, state_dir=state_dir).start()
    try:
        await stopping.wait()
    finally:
        server.stop()


class _Handler(BaseHTTPRequestHandler):
    core: CoreServer
    protocol_version = "HTTP/1.1"  # keep-alive, as clients pool connections

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the simulator's requests are not the server's log."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._reply(413, b"too large", "text/plain")
            return
        body = self.rfile.read(length)
        routes = {SOAP_PATH: self._soap, REST_PATH: self._rest, TOKEN_PATH: self._token}
        route = routes.get(self.path)
        if route is None:
            self._reply(404, b"not found", "text/plain")
            return
        route(body)

    def _reply(self, status: int, body: bytes, content_type: str,
               extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _seen(self, **values: str) -> None:
        self.core.note(Seen(self.path, dict(self.headers.items()), **values))

    def _soap(self, body: bytes) -> None:
        try:
            request = envelope.read_soap(body)
        except envelope.EnvelopeError as exc:
            self._reply(400, envelope.soap_fault(str(exc)), envelope.SOAP_CONTENT_TYPE)
            return
        self._seen(username=request.username, payload_id=request.message.payload_id)
        if self.core.ws_users.get(request.username) != request.password or not request.username:
            self._reply(401, envelope.soap_fault("WS-Security UsernameToken not accepted"),
                        envelope.SOAP_CONTENT_TYPE)
            return
        reply = self.core.answer(request.message)
        self._reply(200, envelope.soap(reply, response=True), envelope.SOAP_CONTENT_TYPE)

    def _rest(self, body: bytes) -> None:
        auth = self.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        if not self.core.token_valid(token):
            self._seen()
            self._reply(401, b'{"error": "invalid_token"}', "application/json",
                        {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            return
        try:
            request = envelope.read_rest(body)
        except envelope.EnvelopeError as exc:
            self._seen()
            self._reply(400, f'{{"error": "{exc}"}}'.encode(), "application/json")
            return
        self._seen(payload_id=request.payload_id)
        self._reply(200, envelope.rest(self.core.answer(request), response=True),
                    "application/json")

    def _token(self, body: bytes) -> None:
        self._seen()
        form = {k: v[0] for k, v in parse_qs(body.decode("latin-1")).items()}
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            try:
                client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
            except ValueError:
                client_id = ""
        token = (self.core.issue_token(client_id, secret)
                 if form.get("grant_type") == "client_credentials" else None)
        if token is None:
            self._reply(401, b'{"error": "invalid_client"}', "application/json")
            return
        answer = (f'{{"access_token": "{token}", "token_type": "Bearer", '
                  f'"expires_in": {TOKEN_LIFETIME}}}')
        self._reply(200, answer.encode(), "application/json", {"Cache-Control": "no-store"})
