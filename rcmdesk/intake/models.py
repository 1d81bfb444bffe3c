"""Files received from clients and payers, kept byte for byte.

The raw bytes live in the row (a BinaryField) rather than under ``RCMDESK_VAR_DIR``: the file
and its status then commit or roll back together, backups and encryption at rest of the
database cover the PHI in it with no second store to secure, and two processes that race on
the same file meet at one unique constraint instead of a half-written path on disk. The cost
is database size; X12 files from one practice are megabytes, and a later issue can move the
column to object storage behind the same ``content`` accessor if a client sends gigabytes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.visibility import TenantQuerySet


class Channel(models.TextChoices):
    CLI = "cli", "Command line"
    WATCH = "watch", "Drop folder"
    UPLOAD = "upload", "Upload"
    API = "api", "API"
    SFTP = "sftp", "Trading-partner mailbox"
    REALTIME = "realtime", "Real-time answer"
    ASSESSMENT = "assess", "Loaded for an assessment"


class FileStatus(models.TextChoices):
    RECEIVED = "received"
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"
    HELD_FOR_REVIEW = "held_for_review"
    FAILED = "failed"


class ReceivedFileQuerySet(TenantQuerySet):
    pass


class ReceivedFile(models.Model):
    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content = models.BinaryField()
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=FileStatus.choices,
                              default=FileStatus.RECEIVED)
    reason = models.TextField(blank=True)  # why quarantined / held / failed, for a person
    # What the bytes are (rcmdesk.intake.sniff.FileKind: "835", "837P", "png"...), told when
    # the file arrives so the list names each file's type without reading its content.
    kind = models.CharField(max_length=8, blank=True)
    findings = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    # The processing lease (rcmdesk.intake.lease): which process is applying the file, since
    # when, and until when its claim holds unless renewed. Empty when nobody is.
    lease_token = models.CharField(max_length=32, blank=True)
    lease_holder = models.CharField(max_length=200, blank=True)  # for a person to read
    lease_process = models.CharField(max_length=120, blank=True)  # host/pid namespace:pid
    lease_since = models.DateTimeField(null=True, blank=True)
    lease_expires = models.DateTimeField(null=True, blank=True)
    # What happened to the file after it was received, for its page: claimed, recovered,
    # the outcome of each run (``lease.note``); the audit trail has the same, chained.
    history = models.JSONField(default=list, blank=True)

    objects = ReceivedFileQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["client", "sha256"],
                                               name="one_received_file_per_hash")]
        # The recovery sweep looks for unfinished files every few seconds: from these
        # indexes alone, not through the rows (each holds a whole file).
        indexes = [models.Index(fields=["status", "received_at"], name="intake_file_status_idx"),
                   models.Index(fields=["lease_expires", "lease_process"],
                                name="intake_file_lease_idx")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"


class AppliedSet(models.Model):
    """One transaction set of a file that was applied, written in the set's own transaction.

    This row, not the file's summary, is what makes a re-run after a crash apply each set
    exactly once: it commits or rolls back with the set, and a second run of the same set
    (a recovery racing a holder that was only slow) meets the unique constraint first, before
    it posts anything. Its own small table, because on SQLite every update of the file's row
    rewrites the whole file with it.
    """

    file = models.ForeignKey("ReceivedFile", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=40)  # ISA13/GS06/ST02, or TA1
    outcome = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "key"],
                                               name="apply_each_set_of_a_file_once")]

    def __str__(self) -> str:
        return f"{self.file_id}: {self.key}"


class InterchangeKey(models.Model):
    """ISA06 + ISA13 seen from one client: a second interchange reusing them is suspect."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    isa_sender = models.CharField(max_length=15)
    isa13 = models.CharField(max_length=9)
    sha256 = models.CharField(max_length=64)
    file = models.ForeignKey(ReceivedFile, on_delete=models.PROTECT, related_name="interchanges")

    objects = ReceivedFileQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "isa_sender", "isa13"],
                                               name="one_interchange_per_sender_control")]

    def __str__(self) -> str:
        return f"{self.isa_sender}/{self.isa13}"


class OutboundFile(models.Model):
    """A file we wrote for the client to send (837 batch, 276, 270, 278), kept as written.

    Kept byte for byte for the same reasons as received files, and because a payer's
    acknowledgment (999, 277CA, 277) names the interchange and group control numbers we used.
    """

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    set_id = models.CharField(max_length=3)  # 837, 276, 270, 278
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content = models.BinaryField()
    isa_sender = models.CharField(max_length=15)
    isa13 = models.CharField(max_length=9)
    gs06 = models.CharField(max_length=9)
    count = models.PositiveIntegerField(default=0)  # claims / requests inside
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    purpose = models.CharField(max_length=200, blank=True)

    # The first set's ST02 and BHT03 as ``outbound.write`` put them, for a caller that sends
    # the file at once and logs them (real time) without parsing its own bytes back. Not a
    # column: a row read from the database has ("", "").
    written_heads: tuple[str, str] = ("", "")

    objects = ReceivedFileQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["client", "isa_sender", "isa13"],
                                               name="one_outbound_per_sender_control")]

    def __str__(self) -> str:
        return f"{self.name} ({self.set_id})"


class ControlCounter(models.Model):
    """The last interchange control number used per client and sender: never reused."""

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    isa_sender = models.CharField(max_length=15)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "isa_sender"],
                                               name="one_control_counter_per_sender")]

    def __str__(self) -> str:
        return f"{self.isa_sender}: {self.last}"
