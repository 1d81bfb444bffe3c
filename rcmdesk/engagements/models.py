"""How a partner is engaged (the model and its plan numbers) and the onboarding path's
records: each workflow's go-live and the checklist items only a person can tick.

The engagement itself stays in ``tenancy``; this app keeps one ``EngagementPlan`` beside it.
An engagement without a plan is a legacy one: treated as in production, with no model.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.tenancy.models import Engagement
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet

WORKFLOW_CHOICES = [(w.value, w.label) for w in Workflow]


class EngagementModel(models.TextChoices):
    DEDICATED = "dedicated", "Dedicated specialist"
    MANAGED_POD = "managed_pod", "Managed pod"
    MONTHLY_SUPPORT = "monthly_support", "Monthly support"
    BACKLOG_CLEANUP = "backlog_cleanup", "Fixed-scope backlog clean-up"


class MonthlyUnit(models.TextChoices):
    HOURS = "hours", "Hours"
    ITEMS = "items", "Items worked"


class Stage(models.TextChoices):
    """Where an engagement is on its path (computed by ``checklist.Onboarding.stage``)."""

    ONBOARDING = "onboarding", "Onboarding"
    PRODUCTION = "production", "In production"
    LEGACY = "legacy", "In production (no model chosen)"
    ENDED = "ended", "Ended"


class Side(models.TextChoices):
    CLIENT = "client", "Client"
    PARTNER = "partner", "Partner"


class EngagementRowQuerySet(TenantQuerySet):
    """Rows hang off an engagement: seen exactly when the engagement is (a partner user
    only through an assignment to it, never another partner's engagement)."""

    def visible_to(self, user: Any, workflow: Workflow | None = None) -> Any:
        return self.filter(engagement__in=Engagement.objects.visible_to(user))


class EngagementPlan(models.Model):
    """The engagement's model and the numbers the client agreed for it.

    Dedicated: ``specialist``. Managed pod: ``pod_specialists`` (besides a lead and a QA
    auditor, checked against the assignments). Monthly support: ``monthly_unit`` and
    ``monthly_amount``. Backlog clean-up: the frozen starting backlog (ids, count, dollars
    of the open items in scope when frozen) and ``target_date``. ``go_live_day`` is set once,
    the day every workflow in scope is live."""

    tenant_field = "engagement__client_id"
    tenant_workflow = None

    engagement = models.OneToOneField(Engagement, on_delete=models.PROTECT, related_name="plan")
    model = models.CharField(max_length=20, choices=EngagementModel.choices)
    specialist = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    pod_specialists = models.PositiveIntegerField(default=0)
    monthly_unit = models.CharField(max_length=8, choices=MonthlyUnit.choices, blank=True)
    monthly_amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    frozen_item_ids = models.JSONField(default=list, blank=True)
    frozen_count = models.PositiveIntegerField(default=0)
    frozen_amount = models.DecimalField(max_digits=14, decimal_places=2,
                                        default=Decimal("0.00"))
    go_live_day = models.DateField(null=True, blank=True)
    go_live_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = EngagementRowQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.engagement}: {self.get_model_display()}"

    @property
    def client_id(self) -> int:
        return int(self.engagement.client_id)


class WorkflowGoLive(models.Model):
    """Production started for one workflow of an engagement: the day, and who recorded it.

    Written only by ``services.record_go_live``, which refuses a workflow without an SOP in
    force or with a specialist's access missing."""

    tenant_field = "engagement__client_id"
    tenant_workflow = None

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT,
                                   related_name="go_lives")
    workflow = models.CharField(max_length=16, choices=WORKFLOW_CHOICES)
    day = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = EngagementRowQuerySet.as_manager()

    class Meta:
        ordering = ["engagement_id", "workflow"]
        constraints = [models.UniqueConstraint(fields=["engagement", "workflow"],
                                               name="one_go_live_per_workflow")]

    def __str__(self) -> str:
        return f"{self.engagement}: {self.workflow} live {self.day}"


class ManualCheck(models.Model):
    """A checklist item the data cannot tell (a kick-off held), ticked by its side."""

    tenant_field = "engagement__client_id"
    tenant_workflow = None

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT,
                                   related_name="manual_checks")
    key = models.CharField(max_length=40)
    ticked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    ticked_at = models.DateTimeField(default=timezone.now)

    objects = EngagementRowQuerySet.as_manager()

    class Meta:
        ordering = ["engagement_id", "key"]
        constraints = [models.UniqueConstraint(fields=["engagement", "key"],
                                               name="one_tick_per_manual_check")]

    def __str__(self) -> str:
        return f"{self.engagement}: {self.key}"
