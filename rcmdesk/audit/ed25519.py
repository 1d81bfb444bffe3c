"""Signing the audit checkpoints: Ed25519 (RFC 8032) with a key derived by HKDF (RFC 5869).

A checkpoint is signed so that a client can check an exported checkpoint file with the
public key alone, without the audit key that seals the chains. The signing key is derived
from the audit key (``checkpoints``), so there is no second secret to keep. The algorithms
are the ``cryptography`` library's, never our own: these functions only fix the byte formats
(raw 32-byte seed and public key, raw 64-byte signature) the checkpoint file uses.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def hkdf_sha256(secret: bytes, *, info: bytes, length: int = 32, salt: bytes = b"") -> bytes:
    """``length`` pseudorandom bytes from ``secret`` (an empty salt is RFC 5869's zeros)."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt or None,
                info=info).derive(secret)


def public_key(seed: bytes) -> bytes:
    """The raw 32-byte public key of the private key whose seed is ``seed``."""
    return (Ed25519PrivateKey.from_private_bytes(seed).public_key()
            .public_bytes(Encoding.Raw, PublicFormat.Raw))


def sign(seed: bytes, message: bytes) -> bytes:
    """The 64-byte signature of ``message`` by the key whose seed is ``seed``."""
    return Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is the holder of ``public``'s signature of ``message``."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
