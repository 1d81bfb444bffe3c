"""An attached document: a file's bytes (stored on disk by sha256) and what it is attached to.

A document belongs to one owner, a claim, an appeal, a work item or a decision (a proposal),
named by ``owner_kind`` and the matching foreign key. ``claim`` is also filled for the other
owners when they have a claim, so the claim page can list every document about the claim.
Who may see a document is exactly who may see its owner: ``visible_to`` reuses the owning
apps' own visibility querysets rather than restating their rules.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rcmdesk.attachments.sniff import by_content_type
from rcmdesk.claims.models import Claim
from rcmdesk.decisions.models import Proposal
from rcmdesk.denials.models import Appeal
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet
from rcmdesk.workqueue.models import WorkItem


class OwnerKind(models.TextChoices):
    CLAIM = "claim", "claim"
    APPEAL = "appeal", "appeal"
    ITEM = "item", "work item"
    DECISION = "decision", "decision"


class AttachmentQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, workflow: Workflow | None = None) -> AttachmentQuerySet:
        """The documents whose owner the viewer sees, by the owner's own rule."""
        return self.filter(
            Q(owner_kind=OwnerKind.CLAIM, claim__in=Claim.objects.visible_to(user))
            | Q(owner_kind=OwnerKind.APPEAL, appeal__in=Appeal.objects.visible_to(user))
            | Q(owner_kind=OwnerKind.ITEM, item__in=WorkItem.objects.visible_to(user))
            | Q(owner_kind=OwnerKind.DECISION,
                proposal__in=Proposal.objects.visible_to(user)))


class Attachment(models.Model):
    tenant_field = "client_id"
    tenant_workflow = None  # per owner: see AttachmentQuerySet.visible_to

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    owner_kind = models.CharField(max_length=10, choices=OwnerKind.choices)
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="attachments")
    appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="attachments")
    item = models.ForeignKey(WorkItem, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="attachments")
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="attachments")
    name = models.CharField(max_length=200)  # shown and offered as the download's name
    content_type = models.CharField(max_length=40)  # as read from the bytes, never as sent
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["client", "sha256"])]
        constraints = [
            models.CheckConstraint(
                name="attachment_has_its_owner",
                condition=(Q(owner_kind=OwnerKind.CLAIM, claim__isnull=False)
                           | Q(owner_kind=OwnerKind.APPEAL, appeal__isnull=False)
                           | Q(owner_kind=OwnerKind.ITEM, item__isnull=False)
                           | Q(owner_kind=OwnerKind.DECISION, proposal__isnull=False))),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_owner_kind_display()})"

    @property
    def kind_label(self) -> str:
        """What a billing person calls it ("PDF", "TIFF image"), not the MIME type."""
        return by_content_type(self.content_type).label

    @property
    def owner_id(self) -> int | None:
        return {OwnerKind.CLAIM: self.claim_id, OwnerKind.APPEAL: self.appeal_id,
                OwnerKind.ITEM: self.item_id, OwnerKind.DECISION: self.proposal_id,
                }[OwnerKind(self.owner_kind)]
