"""Client decisions: what a partner proposes and only a client manager may approve.

A ``Proposal`` is the question (write this balance off? escalate to the payer?), its history
is an append-only list of ``ProposalEvent`` rows, and ``DecisionRule`` is the client's own
word on which amounts need asking at all. The system acts on a proposal (posts the write-off)
only in the transaction that approves it; see ``services``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rcmdesk.claims.models import Claim, ClaimLine
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet, visibility_for
from rcmdesk.workqueue.models import WorkItem

ZERO = Decimal("0.00")


def money_field(*, null: bool = False, default: Decimal | None = None) -> Any:
    if default is not None:
        return models.DecimalField(max_digits=12, decimal_places=2, default=default)
    return models.DecimalField(max_digits=12, decimal_places=2, null=null, blank=null)


class ProposalKind(models.TextChoices):
    WRITE_OFF = "write_off", "write-off"
    APPEAL_FILING = "appeal_filing", "appeal filing"  # decided on the appeal itself (denials)
    PAYER_ESCALATION = "payer_escalation", "payer escalation"
    POLICY_EXCEPTION = "policy_exception", "policy exception"
    REFUND = "refund", "refund"  # a credit balance paid back to the payer (remits.resolution)


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed"
    APPROVED = "approved"  # decided yes; nothing to carry out (escalation, exception)
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXECUTED = "executed"  # decided yes and carried out (the write-off is posted)
    FAILED = "failed"  # decided yes but could not be carried out (balance already gone)


CLOSED_STATUSES = (ProposalStatus.APPROVED, ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN,
                   ProposalStatus.EXECUTED, ProposalStatus.FAILED)


class WriteOffAccount(models.TextChoices):
    """Which receivable a write-off takes the amount from."""

    INSURANCE_AR = "insurance_ar", "insurance AR"
    PATIENT_AR = "patient_ar", "patient responsibility"


class ProposalQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, workflow: Workflow | None = None) -> ProposalQuerySet:
        """A proposal about a work item is seen by whoever sees that workflow; one without
        (a policy exception, a claim-level question) by whoever sees the client at all."""
        visibility = visibility_for(user)
        rule = Q(workflow="", client_id__in=visibility.client_ids)
        for wf in [workflow] if workflow is not None else list(Workflow):
            clients = visibility.clients_for(wf)
            if clients:
                rule |= Q(workflow=wf, client_id__in=clients)
        return self.filter(rule)


class AdjustmentReason(models.Model):
    """One entry of the client's list of write-off reasons ("timely filing limit passed"):
    a write-off names one, so the client's books say why each dollar was let go. The client
    admin keeps the list; a reason is retired, never deleted, since decisions name it."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20)  # short, as a billing system's adjustment code
    label = models.CharField(max_length=120)
    carc = models.CharField(max_length=10, blank=True)  # the payer code that usually leads here
    active = models.BooleanField(default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["label", "id"]
        constraints = [models.UniqueConstraint(fields=["client", "code"],
                                               name="one_adjustment_reason_per_code")]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class Proposal(models.Model):
    tenant_field = "client_id"
    tenant_workflow = None  # per row: see ProposalQuerySet.visible_to

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ProposalKind.choices)
    status = models.CharField(max_length=12, choices=ProposalStatus.choices,
                              default=ProposalStatus.PROPOSED)
    workflow = models.CharField(max_length=16, blank=True)  # the item's; blank: client-wide
    item = models.ForeignKey(WorkItem, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="proposals")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="proposals")
    # The line a write-off is about (the denied line of the item), when it is about one
    claim_line = models.ForeignKey(ClaimLine, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    amount = money_field(null=True)
    account = models.CharField(max_length=12, choices=WriteOffAccount.choices, blank=True)
    adjustment_reason = models.ForeignKey(AdjustmentReason, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="proposals")
    # The payer's denial adjustments (CAS) a posted write-off settled: the remit lines that
    # were "left open (denial)" read as written off from then on.
    settles = models.ManyToManyField("remits.RemitAdjustment", blank=True,
                                     related_name="written_off_by")
    reasons = models.TextField()
    evidence = models.TextField(blank=True)  # notes and links the manager can check
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)  # what approval set off (journal id …)
    version = models.PositiveIntegerField(default=1)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item"], condition=Q(status="proposed"),
                                    name="one_open_proposal_per_item"),
        ]
        indexes = [models.Index(fields=["client", "status", "kind"], name="proposal_inbox")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} proposal #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.PROPOSED


class ProposalEvent(models.Model):
    """One line of a proposal's history (proposed, approved, executed …). Never edited."""

    tenant_field = "proposal__client_id"
    tenant_workflow = None

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12)  # a ProposalStatus value
    comment = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on proposal #{self.proposal_id}"


class DecisionRule(models.Model):
    """The client's threshold for one kind of proposal: amounts above ``threshold`` need a
    client manager's decision; at or below it the rule itself is the client's approval,
    given in advance. With no rule every amount needs a decision (a write-off of one cent
    included): the client keeps every decision until its admin says otherwise."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ProposalKind.choices)
    threshold = money_field(default=ZERO)
    note = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "kind"],
                                               name="one_decision_rule_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} above {self.threshold}"
