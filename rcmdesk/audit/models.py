"""The append-only audit trail: one HMAC chain per client organization (and one for the
platform), the key outside the database.

An event is written unsealed (no ``seq``, no hashes) inside the caller's transaction, which
takes no lock; the sealer (``rcmdesk.audit.sealer``) links committed events into their chain
in short transactions of their own, so no lock is shared between clients or held for the
length of anyone's transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rcmdesk.tenancy.visibility import TenantQuerySet

PLATFORM_CHAIN = 0  # the chain of events that belong to no client (client_org NULL)


def chain_of(client_id: int | None) -> int:
    """The chain an event of ``client_id`` is linked into: the client's id, or the platform's."""
    return client_id or PLATFORM_CHAIN


class AuditEventQuerySet(TenantQuerySet):
    pass


class AuditEvent(models.Model):
    """One thing that happened. Never deleted, never edited: a trigger refuses every UPDATE
    but the one that seals it (``seq``, ``prev_hash``, ``hash`` set once, nothing else)."""

    tenant_field = "client_org_id"
    tenant_workflow = None

    chain = models.BigIntegerField(default=PLATFORM_CHAIN)
    seq = models.BigIntegerField(null=True, blank=True)  # within the chain; NULL until sealed
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    acting_org = models.ForeignKey(
        "tenancy.Organization", null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    client_org = models.ForeignKey(
        "tenancy.Organization", null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq"),
        ]
        indexes = [
            models.Index(fields=["client_org", "id"], name="audit_event_client_id"),
            # what the sealer reads: a chain's unsealed events, oldest first
            models.Index(fields=["chain", "id"], condition=Q(seq__isnull=True),
                         name="audit_event_unsealed"),
        ]

    def __str__(self) -> str:
        where = f"#{self.seq}" if self.seq is not None else f"(unsealed, id {self.pk})"
        return f"{where} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The last sealed event of one chain. Only that chain's sealer locks it, and only for
    the short transaction that seals a batch."""

    chain = models.BigIntegerField(unique=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    checkpointed_seq = models.BigIntegerField(default=0)
    checkpointed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"audit chain {self.chain} head at #{self.seq}"


class AuditCheckpoint(models.Model):
    """A signed note of a chain's head at a moment: append-only here, and copied to a file
    outside the database and into the client's own hands (the checkpoint export), so that
    cutting the tail of a chain and rewinding its head is still caught."""

    chain = models.BigIntegerField()
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    signature = models.CharField(max_length=128)

    class Meta:
        indexes = [models.Index(fields=["chain", "seq"], name="audit_checkpoint_chain_seq")]

    def __str__(self) -> str:
        return f"checkpoint of chain {self.chain} at #{self.seq}"
