"""Sending one real-time inquiry to a CORE endpoint and getting its answer back (httpx).

CORE timing: the endpoint must answer within 60 s, and a sender must not send the same
inquiry again before 90 s have passed. So the whole exchange gets one deadline, the
connection's ``timeout_seconds`` (never more than 60), and this module never retries: a
failed inquiry goes to batch instead (``connectivity.realtime``), which is the only kind of
retransmission we make, and never within 90 s (``RETRANSMIT_AFTER``).

Every failure is a ``CoreFailure`` whose message is in words for the inquiry's log: the HTTP
status, the CORE ErrorCode/ErrorMessage, a timeout, a reply that is not an envelope.

Logging in: SOAP (vC2.2.0) sends the WS-Security UsernameToken (connection username + the
WS password secret); REST (vC4.0.0) fetches an OAuth 2.0 token with the client credentials
grant (kept until shortly before it expires, per token URL and client) and presents the
X.509 client certificate (a PEM with certificate and key) on HTTPS endpoints.
"""

from __future__ import annotations

import hashlib
import os
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime

import httpx

from rcmdesk.connectivity import core_envelope as envelope
from rcmdesk.connectivity.models import Connection, ConnectionKind, CredentialKind
from rcmdesk.connectivity.secrets import SecretUnavailable, current_secret

MAX_TIMEOUT = 60.0  # CORE: the endpoint answers within 60 seconds
RETRANSMIT_AFTER = 90.0  # CORE: no retransmission of an inquiry before 90 seconds
TOKEN_MARGIN = 30.0  # renew a token this long before the endpoint would refuse it


class CoreFailure(Exception):
    """The exchange did not give an answer; ``str()`` says why, for a person."""

    timed_out = False


class CoreTimeout(CoreFailure):
    timed_out = True


class CoreRefused(CoreFailure):
    """The endpoint answered with a CORE error (ErrorCode other than Success)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"the endpoint refused the inquiry: {code}"
                         + (f" ({message})" if message and message != "None" else ""))
        self.code = code


@dataclass(frozen=True, slots=True)
class Exchange:
    """What went out and what came back, for the inquiry's log."""

    request: envelope.CoreMessage
    reply: envelope.CoreMessage

    @property
    def payload(self) -> bytes:
        return self.reply.payload


def timeout_of(connection: Connection) -> float:
    return min(float(connection.timeout_seconds or MAX_TIMEOUT), MAX_TIMEOUT)


def send(connection: Connection, set_id: str, payload: bytes, *, payload_id: str,
         now: datetime) -> Exchange:
    """One real-time exchange over the connection; the answer, or ``CoreFailure``."""
    request = envelope.CoreMessage(
        payload_type=envelope.payload_type(set_id), payload_id=payload_id,
        timestamp=envelope.timestamp(now), sender_id=connection.core_sender_id,
        receiver_id=connection.core_receiver_id, payload=payload,
        rule_version="4.0.0" if connection.kind == ConnectionKind.CORE_REST else "2.2.0")
    deadline = timeout_of(connection)
    try:
        if connection.kind == ConnectionKind.CORE_SOAP:
            reply = _soap(connection, request, deadline)
        elif connection.kind == ConnectionKind.CORE_REST:
            reply = _rest(connection, request, deadline)
        else:
            raise CoreFailure(f"connection {connection.name} is not a CORE real-time endpoint")
    except httpx.TimeoutException as exc:
        raise CoreTimeout(f"no answer within {deadline:g} seconds "
                          f"({exc.__class__.__name__})") from exc
    except httpx.HTTPError as exc:
        raise CoreFailure(f"could not reach the endpoint: {exc.__class__.__name__}: "
                          f"{exc}"[:500]) from exc
    except envelope.EnvelopeError as exc:
        raise CoreFailure(str(exc)) from exc
    except SecretUnavailable as exc:
        raise CoreFailure(str(exc)) from exc
    except (ssl.SSLError, OSError) as exc:  # our certificate and key would not load
        raise CoreFailure(f"the client certificate could not be used "
                          f"({exc.__class__.__name__}); set it again as one PEM holding "
                          "the certificate and its key") from exc
    if reply.error_code and reply.error_code != envelope.SUCCESS:
        raise CoreRefused(reply.error_code, reply.error_message)
    if reply.payload_id != request.payload_id:
        raise CoreFailure(f"the answer is for another inquiry (PayloadID {reply.payload_id})")
    if not reply.payload.strip():
        raise CoreFailure("the endpoint answered with an empty payload")
    return Exchange(request, reply)


def _check(response: httpx.Response) -> None:
    if response.status_code >= 400 and not _is_core_error(response):
        reason = response.reason_phrase or "error"
        raise CoreFailure(f"the endpoint answered HTTP {response.status_code} {reason}")


def _is_core_error(response: httpx.Response) -> bool:
    """A 4xx/5xx that carries a CORE envelope: its ErrorCode says more than the status."""
    kind = response.headers.get("content-type", "")
    return "json" in kind or "xml" in kind


def _soap(connection: Connection, request: envelope.CoreMessage,
          deadline: float) -> envelope.CoreMessage:
    password = current_secret(connection, CredentialKind.WS_PASSWORD) or ""
    body = envelope.soap(request, username=connection.username, password=password)
    response = _client(connection, deadline).post(
        connection.endpoint_url, content=body,
        headers={"Content-Type": envelope.SOAP_CONTENT_TYPE}, timeout=deadline)
    _check(response)
    return envelope.read_soap(response.content).message


def _rest(connection: Connection, request: envelope.CoreMessage,
          deadline: float) -> envelope.CoreMessage:
    started = time.monotonic()
    token = bearer_token(connection, deadline)
    left = max(deadline - (time.monotonic() - started), 0.001)
    response = _client(connection, deadline).post(
        connection.endpoint_url, content=envelope.rest(request),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        timeout=left)
    if response.status_code == 401:  # the token was revoked early: forget it
        forget_token(connection)
    _check(response)
    return envelope.read_rest(response.content)


# --- OAuth 2.0 tokens ------------------------------------------------------------------

_tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def _token_key(connection: Connection, secret: str) -> tuple[str, str, str]:
    return (connection.token_url, connection.oauth_client_id,
            hashlib.sha256(secret.encode()).hexdigest())


def bearer_token(connection: Connection, deadline: float = MAX_TIMEOUT) -> str:
    """A valid access token for the connection, fetched once and kept until near expiry."""
    secret = current_secret(connection, CredentialKind.OAUTH_SECRET) or ""
    key = _token_key(connection, secret)
    with _tokens_lock:
        held = _tokens.get(key)
        if held is not None and held[1] > time.monotonic():
            return held[0]
    response = _client(connection, deadline).post(
        connection.token_url, data={"grant_type": "client_credentials"},
        auth=(connection.oauth_client_id, secret), timeout=deadline)
    if response.status_code != 200:
        raise CoreFailure(f"the token endpoint refused the client credentials "
                          f"(HTTP {response.status_code})")
    try:
        answer = response.json()
        token, lifetime = str(answer["access_token"]), float(answer.get("expires_in", 300))
    except (ValueError, KeyError, TypeError) as exc:
        raise CoreFailure("the token endpoint's answer holds no access token") from exc
    with _tokens_lock:
        _tokens[key] = (token, time.monotonic() + max(lifetime - TOKEN_MARGIN, 1.0))
    return token


def forget_token(connection: Connection) -> None:
    with _tokens_lock:
        for key in [k for k in _tokens if k[:2] == (connection.token_url,
                                                    connection.oauth_client_id)]:
            del _tokens[key]


# --- HTTP clients ----------------------------------------------------------------------

_clients: dict[tuple[int, str, str], httpx.Client] = {}
_clients_lock = threading.Lock()


def _client(connection: Connection, deadline: float) -> httpx.Client:
    """One pooled client per connection version and certificate: keep-alive saves the TCP
    and TLS handshakes that would otherwise be most of our own time per inquiry."""
    cert = (current_secret(connection, CredentialKind.CLIENT_CERT) or ""
            if connection.kind == ConnectionKind.CORE_REST else "")
    key = (connection.pk or 0, connection.updated_at.isoformat(),
           hashlib.sha256(cert.encode()).hexdigest())
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = httpx.Client(verify=_tls(cert), timeout=deadline,
                                  limits=httpx.Limits(max_connections=64,
                                                      max_keepalive_connections=32))
            _clients[key] = client
        return client


def _tls(cert_pem: str) -> ssl.SSLContext:
    """The system's trust store, plus our client certificate (mutual TLS) when we have one.

    ``ssl`` reads a certificate chain only from a file, so the PEM lives in a private
    temporary file for the moment it takes to load it.
    """
    context = ssl.create_default_context()
    if cert_pem:
        fd, path = tempfile.mkstemp(suffix=".pem")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(cert_pem)
            context.load_cert_chain(path)
        finally:
            os.unlink(path)
    return context


def close_clients() -> None:
    """Close every pooled client (tests, and a worker shutting down)."""
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()
