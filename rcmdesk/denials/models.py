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
from rcmdesk.remits.models import RemitClaim
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
    """Where the appeal is now, in the words a billing team uses (the payer's answer itself
    is ``AppealOutcome``; ``won`` and ``lost`` keep their stored values)."""

    DRAFT = "draft", "Draft"
    PENDING_CLIENT_DECISION = "pending_client_decision", "Waiting on the client's decision"
    APPROVED = "approved", "Approved, ready to file"  # the client said file it
    DECLINED = "declined", "Declined by the client"  # the client said do not
    FILED = "filed", "Filed, waiting on the payer"
    WON = "won", "Overturned, waiting for payment"
    LOST = "lost", "Upheld by the payer"
    PAID = "paid", "Overturned and paid"


class AppealOutcome(models.TextChoices):
    OVERTURNED = "overturned", "Overturned"
    PARTIALLY_OVERTURNED = "partially_overturned", "Partially overturned"
    UPHELD = "upheld", "Upheld"


class FilingChannel(models.TextChoices):
    PORTAL = "portal", "Payer portal"
    FAX = "fax", "Fax"
    MAIL = "mail", "Mail"
    ELECTRONIC = "electronic", "Electronic (clearinghouse)"


OPEN_APPEAL_STATUSES = (AppealStatus.DRAFT, AppealStatus.PENDING_CLIENT_DECISION,
                        AppealStatus.APPROVED, AppealStatus.FILED)
# Not yet with the payer: the filing deadline still matters.
UNFILED_STATUSES = (AppealStatus.DRAFT, AppealStatus.PENDING_CLIENT_DECISION,
                    AppealStatus.APPROVED)
# The payer answered; an overturn stays one once the money arrives (PAID).
OVERTURNED_STATUSES = (AppealStatus.WON, AppealStatus.PAID)
ANSWERED_STATUSES = (*OVERTURNED_STATUSES, AppealStatus.LOST)
# Nothing more will happen to the appeal itself.
CLOSED_STATUSES = (AppealStatus.DECLINED, AppealStatus.LOST, AppealStatus.PAID)


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
    filing_channel = models.CharField(max_length=16, choices=FilingChannel.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)  # payer's answer (won/lost)
    outcome = models.CharField(max_length=24, choices=AppealOutcome.choices, blank=True)
    expected_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True,
                                          blank=True)  # what the overturn should pay
    outcome_note = models.TextField(blank=True)
    # The remit claim that paid the overturn, closing the appeal.
    paid_by = models.ForeignKey(RemitClaim, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    paid_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    # The appeal this one takes to the next level (level 2 of an upheld level 1).
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="next_levels")
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

    @property
    def state_label(self) -> str:
        """The status in words, saying "partially" where the payer overturned only part."""
        label = str(self.get_status_display())
        if (self.outcome == AppealOutcome.PARTIALLY_OVERTURNED
                and self.status in OVERTURNED_STATUSES):
            return "Partially o" + label[1:]
        return label
