"""A client's trading-partner connections and the secrets they log in with.

A connection belongs to one client and is managed by that client's admins; partner users
never see its secrets. A secret is stored only as ciphertext under a key kept outside the
database (``connectivity.secrets``); rotating it adds a row and retires the old one, so the
history of who set which secret when is kept without keeping any old secret readable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.calendar import office_day
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.visibility import TenantQuerySet


class ConnectionKind(models.TextChoices):
    SFTP = "sftp", "SFTP mailbox"
    CORE_SOAP = "core_soap", "CORE real time (SOAP)"
    CORE_REST = "core_rest", "CORE real time (REST)"


class Completion(models.TextChoices):
    """How we know a file in the partner's mailbox is whole before taking it."""

    STABLE_SIZE = "stable_size", "Size unchanged between two polls"
    DONE_MARKER = "done_marker", "A .done marker file beside it"


class RemoteAfter(models.TextChoices):
    """What happens to a partner's file once it is safely taken."""

    ARCHIVE = "archive", "Move to the archive folder"
    DELETE = "delete", "Delete it"
    LEAVE = "leave", "Leave it in place"


class ConnectionQuerySet(TenantQuerySet):
    """The one home of "which connection does this": every sender, poller and clock asks
    here, so what counts as a usable connection is written once."""

    def enabled(self, kind: str | Iterable[str] | None = None) -> Self:
        """Connections in use (not disabled), of ``kind`` (one kind or several) if given."""
        rows = self.filter(enabled=True)
        if kind is None:
            return rows
        if isinstance(kind, str):
            return rows.filter(kind=kind)
        return rows.filter(kind__in=list(kind))

    def carrying(self, set_id: str) -> Self:
        """Connections whose ``carries`` names ``set_id`` ("837", "270", ...).

        ``carries`` is a space-separated list, so the set must be a whole word of it: the
        four cases are spelled out (alone, first, last, between) rather than a regex, so the
        same lookups run on SQLite and PostgreSQL alike.
        """
        word = set_id.strip()
        return self.filter(models.Q(carries=word) | models.Q(carries__startswith=f"{word} ")
                           | models.Q(carries__endswith=f" {word}")
                           | models.Q(carries__contains=f" {word} "))


class Connection(models.Model):
    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=ConnectionKind.choices)
    enabled = models.BooleanField(default=True)
    # which outbound sets this connection carries: "837 270 276 278" (space separated)
    carries = models.CharField(max_length=40, default="837 270 276 278")
    # SFTP
    host = models.CharField(max_length=255, blank=True)
    port = models.PositiveIntegerField(default=22)
    username = models.CharField(max_length=100, blank=True)
    host_key = models.TextField(blank=True)  # pinned public key, OpenSSH one-line form
    outbound_dir = models.CharField(max_length=255, blank=True)  # we upload here
    inbound_dir = models.CharField(max_length=255, blank=True)  # we download from here
    archive_dir = models.CharField(max_length=255, blank=True)
    inbound_pattern = models.CharField(max_length=100, default="*")
    completion = models.CharField(max_length=12, choices=Completion.choices,
                                  default=Completion.STABLE_SIZE)
    after_download = models.CharField(max_length=8, choices=RemoteAfter.choices,
                                      default=RemoteAfter.ARCHIVE)
    # CORE real time
    endpoint_url = models.URLField(max_length=500, blank=True)
    token_url = models.URLField(max_length=500, blank=True)  # OAuth 2.0 (REST)
    oauth_client_id = models.CharField(max_length=200, blank=True)
    core_sender_id = models.CharField(max_length=80, blank=True)
    core_receiver_id = models.CharField(max_length=80, blank=True)
    timeout_seconds = models.PositiveIntegerField(default=60)  # CORE: reply within 60 s
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "name"],
                                               name="connection_name_per_client")]

    def __str__(self) -> str:
        return self.name


class CredentialKind(models.TextChoices):
    PASSWORD = "password", "Password"
    PRIVATE_KEY = "private_key", "SSH private key"
    OAUTH_SECRET = "oauth_secret", "OAuth 2.0 client secret"
    CLIENT_CERT = "client_cert", "X.509 client certificate and key"
    WS_PASSWORD = "ws_password", "WS-Security password"


class Credential(models.Model):
    """One secret of a connection, as ciphertext; the current one has no ``retired_at``."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE,
                                   related_name="credentials")
    kind = models.CharField(max_length=12, choices=CredentialKind.choices)
    ciphertext = models.BinaryField()
    key_id = models.CharField(max_length=16)  # which key sealed it (rotation of the key)
    # e.g. "SHA256:..." of a key (50 characters), never any part of a password
    hint = models.CharField(max_length=80, blank=True)
    set_at = models.DateTimeField(default=timezone.now)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    retired_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "connection__client_id"
    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["connection", "kind"], condition=models.Q(retired_at__isnull=True),
            name="one_current_credential_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} set {office_day(self.set_at.date())}"
