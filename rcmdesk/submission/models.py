"""837 batches we send, who we say we are in them, and what the front door answered.

A batch is one outbound file (one interchange, one 837P or 837I group). Each claim in it
keeps the transaction set it went in (ST02) because a 999 answers per set and a 277CA per
claim; both are recorded on ``BatchClaim`` so the batch page shows the answer without
re-reading acknowledgment files.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.claims.models import Claim, ClaimsQuerySet
from rcmdesk.intake.models import OutboundFile
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow


class ProfileKind(models.TextChoices):
    BOTH = "B", "837P and 837I"
    PROFESSIONAL = "P", "837P"
    INSTITUTIONAL = "I", "837I"


class Usage(models.TextChoices):
    TEST = "T", "test"
    PRODUCTION = "P", "production"


class SubmissionProfile(models.Model):
    """How a client's 837s are addressed: submitter (1000A), receiver (1000B) and ISA ids.

    Per client and kind, because a practice may send professional and institutional claims
    through different clearinghouse accounts. Only a client admin edits it.
    """

    tenant_field = "client_id"
    tenant_workflow = Workflow.CHARGES_CLAIMS

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=1, choices=ProfileKind.choices, default=ProfileKind.BOTH)
    submitter_name = models.CharField(max_length=60)
    submitter_id = models.CharField(max_length=80)  # ETIN, NM109 of 1000A
    contact_name = models.CharField(max_length=60, default="BILLING OFFICE")
    contact_phone = models.CharField(max_length=20, default="5555550100")
    receiver_name = models.CharField(max_length=60, default="RCMDESK CLEARINGHOUSE")
    receiver_id = models.CharField(max_length=80, default="RCMDESKCH")
    isa_sender_qualifier = models.CharField(max_length=2, default="ZZ")
    isa_sender_id = models.CharField(max_length=15)
    isa_receiver_qualifier = models.CharField(max_length=2, default="ZZ")
    isa_receiver_id = models.CharField(max_length=15, default="RCMDESKCH")
    usage = models.CharField(max_length=1, choices=Usage.choices, default=Usage.TEST)
    outbound_dir = models.CharField(max_length=500, blank=True)  # also write files here

    objects = ClaimsQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "kind"],
                                               name="one_submission_profile_per_kind")]

    def __str__(self) -> str:
        return f"{self.submitter_name} -> {self.receiver_name} ({self.kind})"


class BatchStatus(models.TextChoices):
    SENT = "sent", "written, waiting for acknowledgments"
    ACKNOWLEDGED = "acknowledged", "999 received"
    PARTLY_REJECTED = "partly_rejected", "some claims rejected"
    REJECTED = "rejected", "rejected as a whole"


class SubmissionBatch(models.Model):
    tenant_field = "client_id"
    tenant_workflow = Workflow.CHARGES_CLAIMS

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=1, choices=[("P", "837P"), ("I", "837I")])
    outbound = models.OneToOneField(OutboundFile, on_delete=models.PROTECT,
                                    related_name="submission_batch")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    claims_count = models.PositiveIntegerField(default=0)
    # clean-claim rate (percent) of the scrub run that fed this batch
    clean_claim_rate = models.DecimalField(max_digits=5, decimal_places=2,
                                           default=Decimal("100.00"))
    scrubbed = models.PositiveIntegerField(default=0)
    scrub_run_id = models.PositiveIntegerField(null=True, blank=True)  # scrubber.ScrubRun
    # BHT03 of the batch's sets is this plus the set's ST02; a 277CA echoes it in 2200B TRN02
    reference = models.CharField(max_length=40, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=BatchStatus.choices,
                              default=BatchStatus.SENT)

    objects = ClaimsQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"837{self.kind} batch {self.pk} ({self.claims_count} claims)"


class AckStatus(models.TextChoices):
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class BatchClaim(models.Model):
    tenant_field = "batch__client_id"
    tenant_workflow = Workflow.CHARGES_CLAIMS

    batch = models.ForeignKey(SubmissionBatch, on_delete=models.CASCADE, related_name="claims")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="batch_entries")
    set_control = models.CharField(max_length=9)  # ST02 of the set the claim went in
    position = models.PositiveIntegerField()  # 1-based order within the set
    ack_status = models.CharField(max_length=8, choices=AckStatus.choices,
                                  default=AckStatus.SENT)
    ack_detail = models.JSONField(default=dict, blank=True)

    objects = ClaimsQuerySet.as_manager()

    class Meta:
        ordering = ["batch", "set_control", "position"]
        constraints = [models.UniqueConstraint(fields=["batch", "claim"],
                                               name="one_batch_entry_per_claim")]
        indexes = [models.Index(fields=["claim", "ack_status"], name="batchclaim_claim_ack")]

    def __str__(self) -> str:
        return f"{self.claim_id} in batch {self.batch_id}"


class AckVerdict(models.TextChoices):
    ACCEPTED = "accepted", "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_errors", "accepted with errors"
    REJECTED = "rejected", "rejected"


class AckSource(models.TextChoices):
    TA1 = "ta1", "TA1 (interchange)"
    ACK_999 = "999", "999 (functional group)"


class OutboundAck(models.Model):
    """A TA1 or 999 that named one of our outbound files (837, 270, 276 or 278).

    Kept for every acknowledged file, not only 837 batches and not only files the worker
    sent: a file handed over by hand has no ``Transmission`` row to carry its verdict, and
    the verdict of a file that has one is derived from these rows (the worst wins), which
    makes re-ingesting an acknowledgment change nothing. One row per (file, answer, kind).
    """

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    outbound = models.ForeignKey(OutboundFile, on_delete=models.PROTECT, related_name="acks")
    received = models.ForeignKey("intake.ReceivedFile", on_delete=models.PROTECT,
                                 related_name="+")
    source = models.CharField(max_length=3, choices=AckSource.choices)
    verdict = models.CharField(max_length=16, choices=AckVerdict.choices)
    summary = models.CharField(max_length=300, blank=True)  # in words, for the pages
    detail = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ClaimsQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["outbound", "received", "source"],
                                               name="one_ack_per_file_and_answer")]

    def __str__(self) -> str:
        return f"{self.source} {self.verdict} for {self.outbound_id}"
