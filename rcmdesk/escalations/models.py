"""Escalations to a named person, their thread and their history.

An escalation belongs to one client (the tenant) and is visible to everyone on either side
who sees that client, whatever their workflows: an escalation is about the engagement, not
one queue. Its owner's time zone is copied onto the row when it is raised or reassigned, so
the promised response time does not move if the owner later changes their profile.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rcmdesk.claims.models import Claim, Payer
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet
from rcmdesk.workqueue.models import WorkItem


class EscalationKind(models.TextChoices):
    PAYER_STUCK = "payer_stuck", "Payer stuck on an issue"
    SOP_GAP = "sop_gap", "Gap in the SOP"
    SYSTEM_ACCESS = "system_access", "System access problem"
    OTHER = "other", "Other"


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESPONDED = "responded", "Responded"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class EscalationQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, workflow: Workflow | None = None) -> Self:
        """The client decides; an escalation about a work item also needs that item's
        workflow, so a partner engaged for one queue does not read another queue's items
        through an escalation's link."""
        rows = super().visible_to(user, workflow)
        return rows.filter(Q(item__isnull=True)
                           | Q(item__in=WorkItem.objects.visible_to(user).values("pk")))


class Escalation(models.Model):
    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    engagement = models.ForeignKey(Engagement, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    kind = models.CharField(max_length=16, choices=EscalationKind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    item = models.ForeignKey(WorkItem, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    owner_time_zone = models.CharField(max_length=64)  # IANA, copied from the owner
    sla_hours = models.DecimalField(max_digits=6, decimal_places=2)  # business hours promised
    status = models.CharField(max_length=16, choices=EscalationStatus.choices,
                              default=EscalationStatus.OPEN)
    response_due_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = EscalationQuerySet.as_manager()

    class Meta:
        ordering = ["response_due_at", "pk"]
        indexes = [models.Index(fields=["client", "status", "response_due_at"])]

    def __str__(self) -> str:
        return f"Escalation #{self.pk}: {self.subject}"

    def is_overdue(self, now: datetime | None = None) -> bool:
        """No first response by the due time (any response, acknowledging included, stops
        the clock, and so does resolving or closing)."""
        at = now if now is not None else timezone.now()
        return (self.first_response_at is None and self.status == EscalationStatus.OPEN
                and self.response_due_at < at)


class EscalationMessage(models.Model):
    """One post in the thread; never edited or deleted."""

    tenant_field = "escalation__client_id"
    tenant_workflow = None

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT,
                                   related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Message on #{self.escalation_id} by {self.author_id}"


class EscalationEvent(models.Model):
    """One change of an escalation (raised, acknowledged, reassigned, ...), in order."""

    tenant_field = "escalation__client_id"
    tenant_workflow = None

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT,
                                   related_name="events")
    kind = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"#{self.escalation_id} {self.kind}: {self.from_status} -> {self.to_status}"


class ResponseSla(models.Model):
    """A client's own response promise for one kind, overriding the default hours."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=EscalationKind.choices)
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "kind"],
                                               name="one_response_sla_per_client_kind"),
                       models.CheckConstraint(condition=models.Q(hours__gt=0),
                                              name="response_sla_hours_positive")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.hours} business hours"
