"""Denial management: the client's category rules, appeal templates and policy, and appeals.

Rules, templates and policies are the client's playbook: only client administrators edit
them (``Action.EDIT_PLAYBOOKS``). Appeals are the specialist's work on one denial item; filing
one waits for the client's decision where the client's ``AppealPolicy`` says so.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.claims.models import Claim, Payer
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet
from rcmdesk.workqueue.categories import RootCause
from rcmdesk.workqueue.models import WorkItem

CATEGORY_CHOICES = [(c.value, c.label) for c in RootCause]


class DenialCategoryRule(models.Model):
    """The client's root cause for a CARC (optionally only with a RARC and/or group code)."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=2, blank=True)  # blank: any group code
    carc = models.CharField(max_length=5)
    rarc = models.CharField(max_length=7, blank=True)  # blank: any (or no) remark
    category = models.CharField(max_length=32, choices=CATEGORY_CHOICES)
    note = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "group", "carc", "rarc"],
                                               name="one_category_rule_per_codes")]

    def __str__(self) -> str:
        codes = "-".join(p for p in (self.group, self.carc) if p)
        return f"{codes}{' / ' + self.rarc if self.rarc else ''} -> {self.category}"


class AppealTemplate(models.Model):
    """The client's wording for an appeal of one category (and payer, and level).

    ``subject`` and ``body`` are plain text with ``{field}`` merge fields from a fixed list
    (``rcmdesk.denials.merge.FIELDS``); never a template language the author could abuse.
    """

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32, choices=CATEGORY_CHOICES)
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    level = models.PositiveSmallIntegerField(default=1)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "category", "payer", "level"],
                                    name="one_appeal_template_per_payer"),
            models.UniqueConstraint(fields=["client", "category", "level"],
                                    condition=models.Q(payer__isnull=True),
                                    name="one_appeal_template_per_category"),
        ]

    def __str__(self) -> str:
        return f"{self.category} level {self.level} ({self.payer or 'every payer'})"


class AppealPolicy(models.Model):
    """Whether filing needs the client's decision, and whether the payer takes corrected
    claims with only the denied lines (with no payer: the client's default)."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    needs_approval = models.BooleanField(default=True)
    allows_line_resubmission = models.BooleanField(default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "payer"], name="one_appeal_policy_per_payer"),
            models.UniqueConstraint(fields=["client"], condition=models.Q(payer__isnull=True),
                                    name="one_default_appeal_policy"),
        ]

    def __str__(self) -> str:
        return f"appeal policy for {self.payer or 'every payer'}"


class AppealStatus(models.TextChoices):
    DRAFT = "draft"
    PENDING_CLIENT_DECISION = "pending_client_decision"
    APPROVED = "approved"  # the client said file it
    DECLINED = "declined"  # the client said do not
    FILED = "filed"
    WON = "won"
    LOST = "lost"


OPEN_APPEAL_STATUSES = (AppealStatus.DRAFT, AppealStatus.PENDING_CLIENT_DECISION,
                        AppealStatus.APPROVED, AppealStatus.FILED)


class Appeal(models.Model):
    tenant_field = "client_id"
    tenant_workflow = Workflow.DENIALS

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(WorkItem, on_delete=models.PROTECT, related_name="appeals")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="appeals")
    level = models.PositiveSmallIntegerField(default=1)
    category = models.CharField(max_length=32, choices=CATEGORY_CHOICES)
    template = models.ForeignKey(AppealTemplate, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    deadline = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=24, choices=AppealStatus.choices,
                              default=AppealStatus.DRAFT)
    subject = models.CharField(max_length=300)
    letter_text = models.TextField()
    merge_values = models.JSONField(default=dict, blank=True)  # facts the letter was built from
    filed_on = models.DateField(null=True, blank=True)
    filing_reference = models.CharField(max_length=80, blank=True)
    decided_on = models.DateField(null=True, blank=True)  # payer's answer (won/lost)
    outcome_note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "level"],
                                               name="one_appeal_per_item_level")]

    def __str__(self) -> str:
        return f"level {self.level} appeal of {self.claim}"
