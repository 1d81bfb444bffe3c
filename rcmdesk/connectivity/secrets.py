"""Sealing a connection's secrets under keys kept outside the database.

A database dump alone must not give anyone a clearinghouse login, so secrets are stored as
Fernet tokens (AES-128-CBC + HMAC-SHA256, from the ``cryptography`` library) under keys read
from ``settings.CONNECTION_KEYS`` (the environment or a file beside the audit key). Each
configured key is stretched to a Fernet key with HKDF, so any long random string will do.
The first key seals; every key opens (``MultiFernet``), which is what lets an operator rotate
keys without a moment when stored secrets cannot be read. ``key_id`` names the key a token
was sealed with (a hash prefix, never the key), so a missing key is reported by name.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from rcmdesk.connectivity.models import Connection, Credential, CredentialKind
from rcmdesk.errors import PreconditionFailed

_INFO = b"rcmdesk connection secrets v1"


class SecretUnavailable(PreconditionFailed):
    """A stored secret cannot be opened with the keys this server holds."""


def _keys() -> list[str]:
    return [k.strip() for k in str(settings.CONNECTION_KEYS).split(",") if k.strip()]


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def _fernet_key(key: str) -> bytes:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(key.encode())
    return base64.urlsafe_b64encode(raw)


@cache
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def current_key_id() -> str:
    return key_id(_keys()[0])


def seal(secret: str) -> tuple[bytes, str]:
    """The secret as ciphertext and the id of the key that sealed it."""
    keys = _keys()
    return _box(tuple(keys)).encrypt(secret.encode()), key_id(keys[0])


def unseal(credential: Credential) -> str:
    try:
        return _box(tuple(_keys())).decrypt(bytes(credential.ciphertext)).decode()
    except InvalidToken as exc:
        raise SecretUnavailable(
            f"The {credential.get_kind_display().lower()} of connection "
            f"{credential.connection.name} was sealed with key {credential.key_id}, which "
            "this server does not hold; set the secret again or restore the key.") from exc


def reseal(credential: Credential) -> bool:
    """Seal an existing secret again under the current key; True when it changed."""
    if credential.key_id == current_key_id():
        return False
    credential.ciphertext, credential.key_id = seal(unseal(credential))
    credential.save(update_fields=["ciphertext", "key_id"])
    return True


def current_secret(connection: Connection, kind: CredentialKind | str) -> str | None:
    """The connection's current secret of this kind, for a transport to log in with only;
    never for a page, a log line or an API answer."""
    credential = (Credential.objects.select_related("connection")
                  .filter(connection=connection, kind=kind, retired_at__isnull=True).first())
    return unseal(credential) if credential is not None else None
