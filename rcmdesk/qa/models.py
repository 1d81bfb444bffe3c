"""QA sample audits: what the client expects (plans), what chance picked (draws), and what
the auditor found (audits and their checklist points).

The client owns the expectations: only a client admin edits a plan (the same right as the
SOPs the audits score against, ``Action.EDIT_PLAYBOOKS``). The partner's QA auditors run them:
they draw and score (``Action.AUDIT_QA``). Client users see every audit of their client;
a partner specialist sees only the audits of their own work.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import Role, Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet, visibility_for
from rcmdesk.workqueue.models import WorkItem

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
WORKFLOW_CHOICES = [(w.value, w.label) for w in Workflow]
MONEY_WORKFLOWS = frozenset({Workflow.POSTING.value})  # where dollars decide (MUS offered)


class SamplingMethod(models.TextChoices):
    """How a plan sizes its weekly draw (``sampling`` and ``stats`` explain each)."""

    PERCENT = "percent", "Fixed percent of each specialist's items"
    PRECISION = "precision", "Size for a target precision"
    MONETARY = "monetary", "Monetary-unit (by dollars)"


class SamplingPlan(models.Model):
    """How much of each specialist's completed work QA looks at, per engagement.

    ``workflow`` blank: every workflow in the engagement's scope. Percentages, not fractions
    (5 means 5 %).
    """

    tenant_field = "engagement__client_id"
    tenant_workflow = None

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT,
                                   related_name="sampling_plans")
    workflow = models.CharField(max_length=16, choices=WORKFLOW_CHOICES, blank=True)
    base_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("5"),
                                       validators=PERCENT)
    new_specialist_percent = models.DecimalField(max_digits=5, decimal_places=2,
                                                 default=Decimal("20"), validators=PERCENT)
    new_specialist_days = models.PositiveIntegerField(default=30)
    after_failure_percent = models.DecimalField(max_digits=5, decimal_places=2,
                                                default=Decimal("25"), validators=PERCENT)
    after_failure_weeks = models.PositiveIntegerField(default=2)
    minimum_per_week = models.PositiveIntegerField(default=2)
    # a precision or monetary-unit plan: the week's sample size from ``stats.sample_size``
    method = models.CharField(max_length=10, choices=SamplingMethod.choices,
                              default=SamplingMethod.PERCENT)
    precision_points = models.DecimalField(  # half-width, percentage points (5: +/- 5 %)
        max_digits=4, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(50))])
    confidence_percent = models.DecimalField(
        max_digits=4, decimal_places=1, default=Decimal("90"),
        validators=[MinValueValidator(Decimal(50)), MaxValueValidator(Decimal("99.9"))])
    expected_error_percent = models.DecimalField(  # 50: the conservative (largest) size
        max_digits=5, decimal_places=2, default=Decimal("50"), validators=PERCENT)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["engagement_id", "workflow", "id"]
        constraints = [models.UniqueConstraint(
            fields=["engagement", "workflow"], condition=Q(active=True),
            name="qa_one_active_plan_per_workflow")]

    def __str__(self) -> str:
        return f"{self.engagement}: {self.workflow or 'all workflows'}"

    @property
    def client_id(self) -> int:
        return int(self.engagement.client_id)

    def workflows(self) -> list[str]:
        scope = [str(w) for w in self.engagement.scope]
        return [self.workflow] if self.workflow else sorted(scope)


class SampleDraw(models.Model):
    """One week's draw under a plan, with what is needed to re-run it: the seed, and the
    population (item ids per specialist and workflow) it was drawn from."""

    tenant_field = "plan__engagement__client_id"
    tenant_workflow = None

    plan = models.ForeignKey(SamplingPlan, on_delete=models.PROTECT, related_name="draws")
    week = models.CharField(max_length=8)  # ISO year-week, "2026-W47"
    seed = models.BigIntegerField()
    redraw_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="redraws")
    reason = models.CharField(max_length=300, blank=True)  # why a redraw was needed
    drawn_at = models.DateTimeField(default=timezone.now)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    population_size = models.PositiveIntegerField(default=0)
    sampled = models.PositiveIntegerField(default=0)
    # {"<specialist id>": {"standing": .., "percent": "5.00",
    #                      "workflows": {"<wf>": {"population": [ids], "sampled": [ids]}}}}
    counts = models.JSONField(default=dict, blank=True)
    # a precision or monetary-unit draw: how its size was computed and, for MUS, the
    # population's dollars, interval and start ({} for a fixed-percent draw)
    design = models.JSONField(default=dict, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-drawn_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "week"], condition=Q(redraw_of__isnull=True),
                                    name="qa_one_draw_per_plan_week"),
            models.UniqueConstraint(fields=["plan", "week", "seed"],
                                    name="qa_redraw_needs_a_new_seed"),
        ]

    def __str__(self) -> str:
        return f"draw {self.week} of plan {self.plan_id}"


class AuditStatus(models.TextChoices):
    PENDING = "pending", "to score"
    DONE = "done", "scored"


class AuditQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, workflow: Workflow | None = None) -> AuditQuerySet:
        """Each audit's workflow decides (like work items); a specialist sees only their own."""
        visibility = visibility_for(user)
        rule = Q(pk__in=[])
        for wf in [workflow] if workflow is not None else list(Workflow):
            clients = visibility.clients_for(wf)
            if clients:
                rule |= Q(workflow=wf, client_id__in=clients)
        mine = self.filter(rule)
        if user.is_authenticated and user.role == Role.PARTNER_SPECIALIST:
            mine = mine.filter(specialist=user)
        return mine


class Audit(models.Model):
    """One sampled item, scored against the checklist of the SOP version it was worked under."""

    tenant_field = "client_id"
    tenant_workflow = None

    draw = models.ForeignKey(SampleDraw, on_delete=models.PROTECT, related_name="audits")
    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(WorkItem, on_delete=models.PROTECT, related_name="qa_audits")
    specialist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="qa_audits")
    workflow = models.CharField(max_length=16, choices=WORKFLOW_CHOICES)
    sop_version = models.ForeignKey("playbooks.SopVersion", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=AuditStatus.choices,
                              default=AuditStatus.PENDING)
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    # passes / (passes + fails), n/a left out; None when every point was n/a
    score = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    summary = models.TextField(blank=True)
    # dollars found wrong in the item (monetary-unit draws); blank: a failed audit puts the
    # whole amount in error, a passed one none
    misstatement = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True,
                                       validators=[MinValueValidator(Decimal(0))])
    work_item = models.ForeignKey(WorkItem, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")  # the QA_AUDIT item in the queue
    feedback_item = models.ForeignKey(WorkItem, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "status"], name="qa_audit_status"),
                   models.Index(fields=["specialist", "completed_at"],
                                name="qa_audit_specialist")]

    def __str__(self) -> str:
        return f"audit #{self.pk} of item #{self.item_id}"

    @property
    def failed(self) -> bool:
        return any(p.result == PointResult.FAIL for p in self.points.all())


class PointResult(models.TextChoices):
    PASS = "pass"
    FAIL = "fail"
    NA = "na", "n/a"


class AuditPoint(models.Model):
    """One checklist point as the auditor scored it (``result`` blank until scored)."""

    tenant_field = "audit__client_id"
    tenant_workflow = None

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="points")
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    result = models.CharField(max_length=4, choices=PointResult.choices, blank=True)
    comment = models.TextField(blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["audit", "position"]
        constraints = [models.UniqueConstraint(fields=["audit", "position"],
                                               name="qa_one_point_per_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}: {self.result or 'unscored'}"
