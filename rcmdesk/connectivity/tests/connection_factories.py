"""Builders for connection tests: real keys and certificates made on the spot (asyncssh,
cryptography), connections of each kind, and the plaintext-never-leaks check."""

from __future__ import annotations

import datetime
from typing import Any

import asyncssh
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone

from rcmdesk.audit.models import AuditEvent
from rcmdesk.connectivity import services
from rcmdesk.connectivity.models import Connection, ConnectionKind
from rcmdesk.tenancy.models import Organization

PASSWORD = "Tr0ub4dor&3-not-in-any-page"


def host_key() -> str:
    key = asyncssh.generate_private_key("ssh-ed25519")
    return key.export_public_key("openssh").decode().strip()


def private_key(passphrase: str | None = None) -> str:
    key = asyncssh.generate_private_key("ssh-ed25519")
    if passphrase:  # PKCS#8: OpenSSH's own encryption needs bcrypt, not installed
        return key.export_private_key("pkcs8-pem", passphrase=passphrase).decode()
    return key.export_private_key("openssh").decode()


def certificate_pem(*, days: int = 365, valid_from_days: int = -1,
                    password: bytes | None = None, other_key: bool = False) -> str:
    """A self-signed client certificate and its private key, in one PEM text."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "acme-core-client")])
    now = timezone.now()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now + datetime.timedelta(days=valid_from_days))
            .not_valid_after(now + datetime.timedelta(days=days)).sign(key, hashes.SHA256()))
    shown_key = ec.generate_private_key(ec.SECP256R1()) if other_key else key
    encryption: Any = (serialization.BestAvailableEncryption(password) if password
                       else serialization.NoEncryption())
    return (cert.public_bytes(serialization.Encoding.PEM).decode()
            + shown_key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8, encryption).decode())


def sftp_values(**overrides: Any) -> dict[str, Any]:
    return {"name": "Clearinghouse SFTP", "kind": ConnectionKind.SFTP, "host": "127.0.0.1",
            "port": 2222, "username": "acme", "host_key": host_key(),
            "outbound_dir": "/outbound", "inbound_dir": "/inbound", "archive_dir": "/archive",
            "carries": "837 270 276 278"} | overrides


def core_values(**overrides: Any) -> dict[str, Any]:
    return {"name": "Clearinghouse real time", "kind": ConnectionKind.CORE_REST,
            "endpoint_url": "https://core.example.com/x12", "carries": "270 276"} | overrides


def sftp_connection(client: Organization, admin: Any, **overrides: Any) -> Connection:
    return services.create_connection(client, sftp_values(**overrides), acting_user=admin)


def assert_nowhere_in_audit(secret: str) -> None:
    """No audit row holds the secret or any line of it, in its detail or anywhere else."""
    pieces = [line for line in secret.splitlines() if len(line) > 8 and "-----" not in line]
    for event in AuditEvent.objects.all():
        text = repr(event.detail) + event.object_id + event.object_type + event.action
        assert secret not in text
        assert not any(piece in text for piece in pieces)
