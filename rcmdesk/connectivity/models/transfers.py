"""Files on their way out to, and in from, a trading partner's mailbox.

A ``Transmission`` is one outbound file (``intake.OutboundFile``) queued for one connection:
written → sending → sent (remote name, time) → acknowledged by TA1/999 (accepted, accepted
with errors, rejected). The worker claims due rows with a lease; a deliberate resend is a new
row pointing at the one it repeats, with who and why. An ``InboundFile`` is one file seen in
a partner's mailbox, from first sight (size, for the stability check) to its intake row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.connectivity.models.connections import Connection
from rcmdesk.intake.models import OutboundFile, ReceivedFile
from rcmdesk.tenancy.models import Organization


class TransmissionState(models.TextChoices):
    QUEUED = "queued", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent, waiting for acknowledgment"
    FAILED = "failed", "Could not be sent"
    ACCEPTED = "accepted", "Accepted by the receiver"
    ACCEPTED_WITH_ERRORS = "accepted_errors", "Accepted with errors"
    REJECTED = "rejected", "Rejected by the receiver"


class Transmission(models.Model):
    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    outbound = models.ForeignKey(OutboundFile, on_delete=models.PROTECT,
                                 related_name="transmissions")
    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=TransmissionState.choices,
                             default=TransmissionState.QUEUED)
    queued_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_token = models.CharField(max_length=32, blank=True)
    lease_expires = models.DateTimeField(null=True, blank=True)
    remote_name = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)  # in words, for a person
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_file = models.ForeignKey(ReceivedFile, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    resend_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="resends")
    resend_reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"],
                                name="transmission_due")]
        constraints = [models.UniqueConstraint(
            fields=["outbound", "connection"], condition=models.Q(resend_of__isnull=True),
            name="one_first_send_per_file")]

    def __str__(self) -> str:
        return f"{self.outbound.name} to {self.connection.name}"


class InboundState(models.TextChoices):
    SEEN = "seen", "Seen, waiting until complete"
    TAKEN = "taken", "Taken into intake"
    FAILED = "failed", "Could not be taken"


class InboundFile(models.Model):
    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="+")
    remote_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    remote_mtime = models.BigIntegerField(default=0)
    first_seen_at = models.DateTimeField(default=timezone.now)
    size_seen_at = models.DateTimeField(default=timezone.now)  # when ``size`` was last new
    state = models.CharField(max_length=8, choices=InboundState.choices,
                             default=InboundState.SEEN)
    taken_at = models.DateTimeField(null=True, blank=True)
    received = models.ForeignKey(ReceivedFile, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["connection", "remote_name", "remote_mtime"], name="inbound_once")]

    def __str__(self) -> str:
        return self.remote_name
