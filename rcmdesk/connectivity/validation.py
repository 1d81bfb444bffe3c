"""What a client admin types for a connection, checked before anything is saved.

A connection that cannot log in is found out at two in the morning by the background worker,
so each check runs when the admin saves, in words a billing office's IT person acts on. Keys
and certificates are parsed by the libraries that will use them (asyncssh, cryptography),
never by our own reading of their formats. A refusal never repeats any part of a secret.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import asyncssh
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from rcmdesk import errors
from rcmdesk.calendar import office_day
from rcmdesk.conf import is_loopback
from rcmdesk.connectivity.models import (
    Completion,
    ConnectionKind,
    CredentialKind,
    RemoteAfter,
)

SETS = ("837", "270", "276", "278")
MAX_SECRET_CHARS = 64 * 1024  # a PEM chain with its key fits many times over
MAX_CORE_TIMEOUT = 60  # CORE: an HTTP reply within 60 seconds
SECRET_KINDS: Mapping[str, tuple[CredentialKind, ...]] = {
    ConnectionKind.SFTP: (CredentialKind.PASSWORD, CredentialKind.PRIVATE_KEY),
    ConnectionKind.CORE_SOAP: (CredentialKind.WS_PASSWORD, CredentialKind.CLIENT_CERT),
    ConnectionKind.CORE_REST: (CredentialKind.OAUTH_SECRET, CredentialKind.CLIENT_CERT),
}
TEXT_FIELDS = ("name", "host", "username", "host_key", "outbound_dir", "inbound_dir",
               "archive_dir", "inbound_pattern", "endpoint_url", "token_url",
               "oauth_client_id", "core_sender_id", "core_receiver_id")
CHOICE_FIELDS: Mapping[str, Any] = {"kind": ConnectionKind, "completion": Completion,
                                    "after_download": RemoteAfter}
NUMBER_FIELDS = ("port", "timeout_seconds")
FIELDS = (*TEXT_FIELDS, *CHOICE_FIELDS, *NUMBER_FIELDS, "carries")


class ConnectionProblem(errors.Invalid, ValueError):
    """A connection or secret cannot be saved as given; ``field`` names the field at fault
    so a form shows the sentence beside it."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field

    def facts(self) -> dict[str, object]:
        return {"field": self.field} if self.field else {}


@dataclass(frozen=True)
class CheckedSecret:
    """A secret that parsed, with what may be said about it (never any part of it)."""

    value: str
    hint: str = ""
    facts: Mapping[str, str] | None = None


def clean_connection(values: Mapping[str, Any]) -> dict[str, Any]:
    """The connection's fields, trimmed and checked for its kind; a ``ConnectionProblem``
    names the first field at fault."""
    data: dict[str, Any] = {f: str(values.get(f) or "").strip() for f in TEXT_FIELDS}
    for name, choices in CHOICE_FIELDS.items():
        data[name] = _choice(name, values.get(name), choices)
    data["port"] = _number("port", values.get("port"), 22, 1, 65535,
                           "The port is a number from 1 to 65535 (SFTP is usually 22).")
    data["timeout_seconds"] = _number(
        "timeout_seconds", values.get("timeout_seconds"), MAX_CORE_TIMEOUT, 1,
        MAX_CORE_TIMEOUT, "The time limit is 1 to 60 seconds: CORE expects an answer "
        "within 60.")
    data["carries"] = _carries(values.get("carries"))
    if not data["name"]:
        raise ConnectionProblem("Give the connection a name your team recognises "
                                "(e.g. the clearinghouse's).", "name")
    if data["kind"] == ConnectionKind.SFTP:
        _check_sftp(data)
    else:
        _check_core(data)
    return data


def _choice(name: str, value: Any, choices: Any) -> str:
    default = {"completion": Completion.STABLE_SIZE, "after_download": RemoteAfter.ARCHIVE}
    code = str(value or default.get(name, ""))
    if code not in choices.values:
        words = ", ".join(str(label) for label in choices.labels)
        raise ConnectionProblem(f"Choose one of: {words}.", name)
    return code


def _number(name: str, value: Any, default: int, low: int, high: int, message: str) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConnectionProblem(message, name) from None
    if not low <= number <= high:
        raise ConnectionProblem(message, name)
    return number


def _carries(value: Any) -> str:
    items = value.split() if isinstance(value, str) else list(value or [])
    unknown = [str(i) for i in items if str(i) not in SETS]
    if unknown or not items:
        raise ConnectionProblem(
            "Say which files this connection carries: any of 837 (claims), 270 "
            "(eligibility), 276 (claim status) and 278 (authorizations).", "carries")
    return " ".join(s for s in SETS if s in {str(i) for i in items})


def _check_sftp(data: dict[str, Any]) -> None:
    needed = {"host": "the mailbox's host name", "username": "the user name it gave you",
              "host_key": "its host key (so we know we reach the real server)",
              "outbound_dir": "the folder we upload claims and inquiries to",
              "inbound_dir": "the folder its answers arrive in"}
    for field, words in needed.items():
        if not data[field]:
            raise ConnectionProblem(f"An SFTP mailbox needs {words}.", field)
    host = data["host"]
    if "://" in host or "/" in host or any(c.isspace() for c in host):
        raise ConnectionProblem("Give the host name or address only (sftp.example.com), "
                                "without sftp:// or a folder.", "host")
    data["host_key"] = pinned_host_key(data["host_key"])
    if data["after_download"] == RemoteAfter.ARCHIVE and not data["archive_dir"]:
        raise ConnectionProblem("Name the archive folder, or choose to delete or leave "
                                "files once they are taken.", "archive_dir")
    if not data["inbound_pattern"]:
        data["inbound_pattern"] = "*"


def pinned_host_key(text: str) -> str:
    """The server's public key in OpenSSH's one-line form (without a comment), as asyncssh
    reads it; a line as ssh-keyscan prints it ("host ssh-ed25519 AAAA...") is taken too."""
    line = " ".join(text.split())
    for candidate in (line, line.partition(" ")[2]):
        try:
            key = asyncssh.import_public_key(candidate)
        except (asyncssh.KeyImportError, ValueError):
            continue
        key.set_comment(None)
        return key.export_public_key("openssh").decode().strip()
    raise ConnectionProblem(
        "The host key could not be read. Paste the server's public key as one line, "
        "e.g. \"ssh-ed25519 AAAA...\" (ssh-keyscan prints it; your clearinghouse can "
        "confirm it).", "host_key")


def host_key_fingerprint(text: str) -> str:
    return str(asyncssh.import_public_key(text).get_fingerprint("sha256")) if text else ""


def _check_core(data: dict[str, Any]) -> None:
    if not data["endpoint_url"]:
        raise ConnectionProblem("A CORE real-time connection needs the endpoint address "
                                "the clearinghouse gave you.", "endpoint_url")
    check_url(data["endpoint_url"], "endpoint_url")
    if data["token_url"]:
        check_url(data["token_url"], "token_url")
    if data["kind"] == ConnectionKind.CORE_REST and bool(data["token_url"]) != bool(
            data["oauth_client_id"]):
        field = "oauth_client_id" if data["token_url"] else "token_url"
        raise ConnectionProblem("OAuth 2.0 needs both the token address and the client ID "
                                "(or neither, with a client certificate alone).", field)


def check_url(url: str, field: str) -> None:
    """https only, except to this machine (the clearinghouse simulator)."""
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme not in ("https", "http"):
        raise ConnectionProblem("Give the full address, starting with https://.", field)
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConnectionProblem("The address must start with https://: patient data never "
                                "travels unencrypted (plain http is allowed only to this "
                                "machine, for the simulator).", field)


def check_secret(connection_kind: str, kind: str, value: str, now: datetime) -> CheckedSecret:
    """The secret as it will be stored, with its hint; refused in words, never quoted."""
    allowed = SECRET_KINDS.get(connection_kind, ())
    if kind not in allowed:
        words = " or ".join(k.label.lower() for k in allowed)
        raise ConnectionProblem(f"This kind of connection logs in with a {words}.", "kind")
    if not value.strip():
        raise ConnectionProblem("The secret is empty: paste or type it again.", "secret")
    if len(value) > MAX_SECRET_CHARS:
        raise ConnectionProblem("That is far longer than any password, key or certificate; "
                                "check what was pasted.", "secret")
    if kind == CredentialKind.PRIVATE_KEY:
        return _private_key(value)
    if kind == CredentialKind.CLIENT_CERT:
        return _client_certificate(value, now)
    if "\n" in value.strip("\r\n") or "\r" in value.strip("\r\n"):
        raise ConnectionProblem("A password is one line; check what was pasted.", "secret")
    return CheckedSecret(value.strip("\r\n"))


def _private_key(value: str) -> CheckedSecret:
    text = value.strip() + "\n"
    try:
        key = asyncssh.import_private_key(text)
    except (asyncssh.KeyImportError, asyncssh.KeyEncryptionError, ValueError) as exc:
        if _encrypted(text, exc):
            raise ConnectionProblem(
                "This private key is protected by a passphrase. The product logs in "
                "unattended, so save a copy without one (ssh-keygen -p -N \"\" -f KEYFILE) "
                "and paste that.", "secret") from None
        raise ConnectionProblem(
            "The private key could not be read. Paste the whole key file, from its "
            "\"-----BEGIN\" line to its \"-----END\" line.", "secret") from None
    return CheckedSecret(text, str(key.get_fingerprint("sha256")))


def _encrypted(text: str, exc: Exception) -> bool:
    return (isinstance(exc, asyncssh.KeyEncryptionError) or "ENCRYPTED" in text
            or "passphrase" in str(exc).lower())


def _client_certificate(value: str, now: datetime) -> CheckedSecret:
    data = value.strip().encode() + b"\n"
    try:
        certificate = x509.load_pem_x509_certificates(data)[0]
    except ValueError:
        raise ConnectionProblem(
            "No certificate could be read. Paste the certificate and its private key "
            "together, both in PEM form (\"-----BEGIN CERTIFICATE-----\" ... and "
            "\"-----BEGIN PRIVATE KEY-----\" ...).", "secret") from None
    key = _certificate_key(data)
    if key.public_key().public_bytes(*_SPKI) != certificate.public_key().public_bytes(*_SPKI):
        raise ConnectionProblem("The private key pasted does not belong to this "
                                "certificate.", "secret")
    if certificate.not_valid_after_utc <= now:
        raise ConnectionProblem(f"This certificate expired on "
                                f"{office_day(certificate.not_valid_after_utc.date())}; ask the "
                                "clearinghouse for a current one.", "secret")
    if certificate.not_valid_before_utc > now:
        raise ConnectionProblem(f"This certificate is valid only from "
                                f"{office_day(certificate.not_valid_before_utc.date())}.", "secret")
    digest = base64.b64encode(certificate.fingerprint(hashes.SHA256())).decode().rstrip("=")
    return CheckedSecret(data.decode(), f"SHA256:{digest}", {
        "subject": certificate.subject.rfc4514_string()[:200],
        "expires": office_day(certificate.not_valid_after_utc.date())})


_SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _certificate_key(data: bytes) -> Any:
    if b"PRIVATE KEY-----" not in data:
        raise ConnectionProblem("The certificate's private key is missing: paste the "
                                "certificate and its key together.", "secret")
    try:
        return serialization.load_pem_private_key(data, password=None)
    except TypeError:  # the library's word for "encrypted, and no password given"
        raise ConnectionProblem("This private key is protected by a password. The product "
                                "connects unattended, so paste a copy without one.",
                                "secret") from None
    except ValueError:
        raise ConnectionProblem("The certificate's private key could not be read; paste "
                                "it in PEM form.", "secret") from None
