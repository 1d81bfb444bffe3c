"""Real-time CORE inquiries (270/271, 276/277): one row per exchange, with the control
numbers and timestamps the CORE rules ask to be logged, and the round trip measured."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.connectivity.models.connections import Connection
from rcmdesk.intake.models import OutboundFile, ReceivedFile
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.visibility import TenantQuerySet


class InquiryState(models.TextChoices):
    WAITING = "waiting", "Waiting for the answer"
    ANSWERED = "answered", "Answered"
    TIMED_OUT = "timed_out", "No answer in time"
    FAILED = "failed", "Failed"
    FELL_BACK = "fell_back", "Sent by batch instead"


class RealtimeInquiry(models.Model):
    tenant_field = "client_id"
    tenant_workflow = None  # as its visit's or claim's request: whoever sees the client

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="+")
    set_id = models.CharField(max_length=3)  # 270 or 276
    outbound = models.ForeignKey(OutboundFile, on_delete=models.PROTECT, related_name="+")
    answer = models.ForeignKey(ReceivedFile, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    state = models.CharField(max_length=10, choices=InquiryState.choices,
                             default=InquiryState.WAITING)
    payload_id = models.CharField(max_length=64)  # CORE PayloadID (a UUID)
    isa13 = models.CharField(max_length=9)
    gs06 = models.CharField(max_length=9)
    st02 = models.CharField(max_length=9, blank=True)
    bht03 = models.CharField(max_length=50, blank=True)
    trn02 = models.CharField(max_length=50, blank=True)
    answer_isa13 = models.CharField(max_length=9, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    round_trip_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    objects = TenantQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.set_id} inquiry {self.isa13}"
