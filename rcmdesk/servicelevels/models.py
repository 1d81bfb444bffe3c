"""Service-level targets: what a client and its partner agreed for one engagement.

One row per engagement, kind and workflow ("95 % of denials acted on within 10 business
days"). The client's admin sets and retires them; both sides see them. What was achieved is
never stored: it is measured from the product's own records (``measure.py``) on the client's
business calendar, so it cannot drift from the work it describes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from rcmdesk.tenancy.models import Engagement
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet


class Kind(models.TextChoices):
    ACTED_ON = "acted_on", "work items acted on"
    POSTED = "posted", "835 remittances posted"
    SUBMITTED = "submitted", "claims submitted"
    QA_ACCURACY = "qa_accuracy", "QA accuracy"


# The workflow each kind is measured in when the kind names one (None: the target's own).
KIND_WORKFLOW: dict[str, Workflow | None] = {
    Kind.ACTED_ON: None, Kind.POSTED: Workflow.POSTING,
    Kind.SUBMITTED: Workflow.CHARGES_CLAIMS, Kind.QA_ACCURACY: None,
}
TIMED_KINDS = frozenset({Kind.ACTED_ON, Kind.POSTED, Kind.SUBMITTED})


class ServiceLevelQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, workflow: Workflow | None = None) -> ServiceLevelQuerySet:
        """A target is seen by whoever sees its engagement (a partner: only its own)."""
        return self.filter(engagement__in=Engagement.objects.visible_to(user, workflow))


class ServiceLevel(models.Model):
    tenant_field = "engagement__client_id"
    tenant_workflow = None

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT,
                                   related_name="service_levels")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # blank only for QA accuracy over every workflow of the engagement
    workflow = models.CharField(max_length=16, blank=True,
                                choices=[(w.value, w.label) for w in Workflow])
    business_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)])  # None for QA accuracy
    target_percent = models.DecimalField(
        max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))])
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ServiceLevelQuerySet.as_manager()

    class Meta:
        ordering = ["engagement", "kind", "workflow"]
        constraints = [models.UniqueConstraint(fields=["engagement", "kind", "workflow"],
                                               name="one_service_level_per_kind_workflow")]

    def __str__(self) -> str:
        return self.sentence

    @property
    def sentence(self) -> str:
        """The target in words, as a contract states it."""
        pct = f"{self.target_percent.normalize():f}%"
        where = Workflow(self.workflow).label if self.workflow else "every workflow"
        days = self.business_days
        plural = "" if days == 1 else "s"
        if self.kind == Kind.ACTED_ON:
            return (f"{pct} of {where} items acted on within {days} business day{plural} "
                    "of arrival")
        if self.kind == Kind.POSTED:
            return f"{pct} of 835 remittances posted within {days} business day{plural} of receipt"
        if self.kind == Kind.SUBMITTED:
            return (f"{pct} of claims submitted within {days} business day{plural} of "
                    "charge entry")
        return f"QA accuracy at least {pct} in the week ({where})"
