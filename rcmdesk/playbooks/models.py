"""The client's playbook, as data the rest of the product reads.

Only client administrators edit it (``Action.EDIT_PLAYBOOKS``, a client-only action).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.claims.models import Payer
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.visibility import TenantQuerySet


class PayerRule(models.Model):
    """Deadline overrides for one payer (or, with no payer, for every payer of the client)."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="rules")
    timely_filing_days = models.PositiveIntegerField(null=True, blank=True)
    appeal_days = models.PositiveIntegerField(null=True, blank=True)
    followup_days = models.PositiveIntegerField(null=True, blank=True)
    # Windows of their own: a corrected claim (frequency 7/8) and a claim to a secondary
    # payer often have limits different from a first submission (blank: as timely filing).
    corrected_days = models.PositiveIntegerField(null=True, blank=True)
    secondary_days = models.PositiveIntegerField(null=True, blank=True)
    # The client's SOP "always record the payer's call reference number": a payer call or
    # portal check is not recorded without one (None: as the rule for every payer, else no).
    call_reference_required = models.BooleanField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "payer"], name="one_rule_per_payer"),
            models.UniqueConstraint(fields=["client"], condition=models.Q(payer__isnull=True),
                                    name="one_default_rule_per_client"),
        ]

    def __str__(self) -> str:
        return f"rule for {self.payer or 'every payer'}"


class Severity(models.TextChoices):
    ERROR = "error"  # the scrubber stops the claim
    WARNING = "warning"  # shown, the claim may still go


class AuthRequirement(models.Model):
    """Procedure codes that need the payer's prior authorization (no payer: every payer).

    ``codes`` is a list in the playbook's own words: "70551-70553, 72148, J9*" (ranges of
    same-form codes, exact codes, a prefix with a star); ``rcmdesk.playbooks.codes`` reads it.
    """

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="auth_requirements")
    codes = models.CharField(max_length=500)
    note = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.payer or 'every payer'} needs authorization for {self.codes}"


class EditCheck(models.TextChoices):
    """What a client's own claim edit checks on the lines whose code it names."""

    REQUIRES_MODIFIER = "requires_modifier", "needs modifier"
    FORBIDS_MODIFIER = "forbids_modifier", "must not carry modifier"
    REQUIRES_DIAGNOSIS = "requires_diagnosis", "needs a diagnosis starting with"
    MAX_UNITS = "max_units", "at most this many units"
    REQUIRES_PLACE_OF_SERVICE = "requires_place_of_service", "only in place of service"


class ClaimEdit(models.Model):
    """A client's scrubber rule as data: "payer X needs modifier Y on code Z".

    A client administrator adds these without a release; the scrubber runs them beside its
    built-in rules, each finding naming this edit's code and message.
    """

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="claim_edits")
    code = models.CharField(max_length=30)  # shown on findings, e.g. "ACME-MOD25"
    codes = models.CharField(max_length=500)  # procedure codes, as AuthRequirement.codes
    rule = models.CharField(max_length=32, choices=EditCheck.choices)
    value = models.CharField(max_length=100)  # the modifier(s), prefix(es), unit cap or POS
    severity = models.CharField(max_length=8, choices=Severity.choices,
                                default=Severity.ERROR)
    message = models.CharField(max_length=300)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "code"],
                                               name="one_claim_edit_per_code")]

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class SopDocument(models.Model):
    """One of the client's standard operating procedures: how its work is to be done.

    Attached to a workflow, and optionally narrowed to a payer and an item category (the most
    specific document in force applies to an item). Its text lives in versions: a change is
    a new ``SopVersion``, never an edit, so an audit can show what was in force when an item
    was worked.
    """

    tenant_field = "client_id"
    tenant_workflow = None
    # A partner reads only the SOPs of the workflows in its engagement's scope.
    tenant_workflow_field = "workflow"

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    workflow = models.CharField(max_length=20)  # tenancy.roles.Workflow value
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="sops")
    category = models.CharField(max_length=40, blank=True)  # work item category, blank: any
    title = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["workflow", "title"]
        indexes = [models.Index(fields=["client", "workflow"], name="playbooks_sop_workflow")]

    def __str__(self) -> str:
        return self.title


class SopVersion(models.Model):
    """The text of an SOP as one client admin wrote it at one time, with why it changed.

    ``checklist``: the points a QA auditor scores a worked item against (one string each).
    Append-only, like the ledger and the audit trail.
    """

    tenant_field = "document__client_id"
    tenant_workflow = None
    tenant_workflow_field = "document__workflow"

    document = models.ForeignKey(SopDocument, on_delete=models.PROTECT,
                                 related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()  # Markdown, rendered with sanitising
    checklist = models.JSONField(default=list, blank=True)
    change_note = models.CharField(max_length=500)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"],
                                               name="one_sop_version_number")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class PlaybookChange(models.Model):
    """One change to a machine-readable playbook rule, as it was before and after.

    Payer rules, authorization requirements and claim edits are edited in place (the product
    reads the current row); this is their history, so the playbook history can show a rule
    change beside the SOP versions. Append-only, like the ledger and the audit trail.
    """

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    model = models.CharField(max_length=60)  # "playbooks.payerrule", ...
    object_id = models.PositiveBigIntegerField()
    before = models.JSONField(null=True, blank=True)  # None: the row was created
    after = models.JSONField(null=True, blank=True)
    change_note = models.CharField(max_length=500)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"], name="playbooks_change_client"),
                   models.Index(fields=["model", "object_id"], name="playbooks_change_object")]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id}: {self.change_note}"
