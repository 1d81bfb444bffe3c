"""Work items: the one shape every workflow's queue is made of.

Items are created and closed by events (a claim ages, a denial posts, a remit pays the claim)
through ``producers``; people move them through ``services``. Each row carries a ``version``
that every change increments, so two people editing one item cannot overwrite each other
silently (the stale writer gets a conflict), and a lease, so an abandoned claim returns to
the pool on its own.
"""

from __future__ import annotations

from datetime import date, datetime
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

ZERO = Decimal("0.00")


class ItemKind(models.TextChoices):
    AR_FOLLOWUP = "ar_followup", "AR follow-up"
    DENIAL = "denial", "denial"
    POSTING_EXCEPTION = "posting_exception", "posting exception"
    REJECTION = "rejection", "rejection"
    ELIGIBILITY = "eligibility", "eligibility"
    PRIOR_AUTH = "prior_auth", "prior authorization"
    QA_AUDIT = "qa_audit", "QA audit"  # a sampled item for partner_qa to score
    QA_FEEDBACK = "qa_feedback", "QA feedback"  # a failed audit, back to its specialist
    # a file that could not be sent, or an 837 whose 999 is overdue (connectivity)
    TRANSMISSION = "transmission", "transmission problem"
    JOB_FAILURE = "job_failure", "failed scheduled job"  # rcmdesk.scheduler, failed twice
    # A posted line allowed below (or above) its contract beyond tolerance (contracts app)
    UNDERPAYMENT = "underpayment", "underpayment"
    OVERPAYMENT = "overpayment", "overpayment"
    RECOUPMENT = "recoupment", "recoupment"  # money taken back that no correction explains


# The workflow (engagement scope) each kind of item belongs to: it decides who may see it.
KIND_WORKFLOW: dict[str, Workflow] = {
    ItemKind.AR_FOLLOWUP: Workflow.AR_FOLLOWUP,
    ItemKind.DENIAL: Workflow.DENIALS,
    ItemKind.POSTING_EXCEPTION: Workflow.POSTING,
    ItemKind.REJECTION: Workflow.CHARGES_CLAIMS,
    ItemKind.ELIGIBILITY: Workflow.ELIGIBILITY,
    ItemKind.PRIOR_AUTH: Workflow.PRIOR_AUTH,
    # QA items take the audited item's workflow; this is only the default for producers
    ItemKind.QA_AUDIT: Workflow.AR_FOLLOWUP,
    ItemKind.QA_FEEDBACK: Workflow.AR_FOLLOWUP,
    ItemKind.TRANSMISSION: Workflow.CHARGES_CLAIMS,
    # A failed job's item takes the job's declared workflow (Draft.workflow); the default:
    ItemKind.JOB_FAILURE: Workflow.REPORTING,
    # Recovering what the payer owes is follow-up work; an overpayment to refund and a
    # takeback to reconcile are the posting team's.
    ItemKind.UNDERPAYMENT: Workflow.AR_FOLLOWUP,
    ItemKind.OVERPAYMENT: Workflow.POSTING,
    ItemKind.RECOUPMENT: Workflow.POSTING,
}


class ItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    PENDING_PAYER = "pending_payer", "Waiting on the payer"
    PENDING_CLIENT_DECISION = "pending_client_decision", "Waiting on the client's decision"
    DONE = "done", "Done"


ACTIVE_STATUSES = tuple(s for s in ItemStatus if s is not ItemStatus.DONE)
# What "Get next" may hand out (in progress only once its lease has lapsed): the claim-next
# index holds only these rows, so done and client-decision items never cost a claim.
CLAIMABLE_STATUSES = (ItemStatus.OPEN, ItemStatus.IN_PROGRESS, ItemStatus.PENDING_PAYER)


class AgingBucket(models.TextChoices):
    D0_30 = "0-30", "0-30 days"
    D31_60 = "31-60", "31-60 days"
    D61_90 = "61-90", "61-90 days"
    D91_120 = "91-120", "91-120 days"
    D120_PLUS = "120+", "over 120 days"


def aging_bucket(days: int) -> AgingBucket:
    for limit, bucket in ((30, AgingBucket.D0_30), (60, AgingBucket.D31_60),
                          (90, AgingBucket.D61_90), (120, AgingBucket.D91_120)):
        if days <= limit:
            return bucket
    return AgingBucket.D120_PLUS


class WorkItemQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, workflow: Workflow | None = None) -> WorkItemQuerySet:
        """Each row's own workflow decides, so one list can mix workflows safely."""
        visibility = visibility_for(user)
        workflows = [workflow] if workflow is not None else list(Workflow)
        rule = Q(pk__in=[])
        for wf in workflows:
            clients = visibility.clients_for(wf)
            if clients:
                rule |= Q(workflow=wf, client_id__in=clients)
        return self.filter(rule)

    def active(self) -> WorkItemQuerySet:
        return self.exclude(status=ItemStatus.DONE)


class WorkItem(models.Model):
    tenant_field = "client_id"
    tenant_workflow = None  # per row: see WorkItemQuerySet.visible_to

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    workflow = models.CharField(max_length=16, choices=[(w.value, w.value) for w in Workflow])
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    # What produced the item ("claim:12", "line:55", "exception:9"): producers find their
    # own item again by it, so replaying an event never creates a second one.
    source_key = models.CharField(max_length=64)
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="work_items")
    claim_line = models.ForeignKey(ClaimLine, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="work_items")
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=40, blank=True)  # denial root cause, reason, ...
    aging_bucket = models.CharField(max_length=8, choices=AgingBucket.choices, blank=True)
    detail = models.JSONField(default=dict, blank=True)  # codes and facts shown on the page

    status = models.CharField(max_length=24, choices=ItemStatus.choices,
                              default=ItemStatus.OPEN)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    priority = models.IntegerField(default=0)
    priority_factors = models.JSONField(default=list, blank=True)  # why it scored so
    deadline = models.DateField(null=True, blank=True)  # timely filing / appeal limit
    due_on = models.DateField(null=True, blank=True)  # SLA: touch by this day
    follow_up_on = models.DateField(null=True, blank=True)  # snoozed / pending until

    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="work_items")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    touches = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    first_touched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=80, blank=True)

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind", "source_key"], condition=~Q(status="done"),
                name="one_active_item_per_source"),
        ]
        indexes = [
            models.Index(fields=["status", "workflow", "client", "-priority", "id"],
                         name="workitem_next"),
            models.Index(fields=["assignee", "status"], name="workitem_assignee"),
            models.Index(fields=["claim"], name="workitem_claim"),
            # "Get next" walks one client's queue in one workflow (equality on both) in the
            # queue's priority order and stops at the first claimable row, so its cost does
            # not depend on other clients' rows; done and client-decision items (never
            # claimable) stay out of it.
            models.Index(fields=["client", "workflow", "-priority", "id"],
                         name="workitem_client_next",
                         condition=Q(status__in=[s.value for s in CLAIMABLE_STATUSES])),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}: {self.title}"

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'

    def is_leased_to(self, user: Any, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (self.assignee_id == getattr(user, "pk", None)
                and self.status == ItemStatus.IN_PROGRESS
                and self.lease_expires_at is not None and self.lease_expires_at > now)

    def days_to_deadline(self, today: date) -> int | None:
        return None if self.deadline is None else (self.deadline - today).days


class ActionKind(models.TextChoices):
    # what a specialist did
    CALLED_PAYER = "called_payer", "called payer"
    CHECKED_PORTAL = "checked_portal", "checked portal"
    STATUS_REQUESTED = "status_requested", "claim status requested (276)"
    RESUBMITTED = "resubmitted", "resubmitted"
    APPEALED = "appealed", "appealed"
    CORRECTED_REBILLED = "corrected_rebilled", "corrected & rebilled"
    ESCALATED = "escalated", "escalated"
    WRITTEN_OFF = "written_off", "written off (client decision)"
    NOTE = "note", "note"
    # what happened to the item
    CREATED = "created", "created"
    CLAIMED = "claimed", "claimed"
    RELEASED = "released", "released"
    ASSIGNED = "assigned", "assigned"
    SNOOZED = "snoozed", "snoozed"
    STATUS_CHANGED = "status_changed", "status changed"
    UPDATED = "updated", "updated by event"
    CLOSED = "closed", "closed"
    REOPENED = "reopened", "reopened"


# Actions that count as a touch (work done on the item), as opposed to bookkeeping.
TOUCH_ACTIONS = frozenset({
    ActionKind.CALLED_PAYER, ActionKind.CHECKED_PORTAL, ActionKind.STATUS_REQUESTED,
    ActionKind.RESUBMITTED, ActionKind.APPEALED, ActionKind.CORRECTED_REBILLED,
    ActionKind.ESCALATED, ActionKind.WRITTEN_OFF, ActionKind.NOTE,
})


class WorkAction(models.Model):
    """One line of an item's history. Append-only: history is evidence for QA and clients."""

    tenant_field = "item__client_id"
    tenant_workflow = None

    item = models.ForeignKey(WorkItem, on_delete=models.PROTECT, related_name="actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    note = models.TextField(blank=True)
    outcome = models.CharField(max_length=120, blank=True)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    at = models.DateTimeField(default=timezone.now)
    # The client's SOP version in force when the action was taken (QA scores against it)
    sop_version = models.ForeignKey("playbooks.SopVersion", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["item", "at"], name="workaction_item")]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.item_id}"


class CallChannel(models.TextChoices):
    PHONE = "phone", "phone"
    PORTAL = "portal", "payer portal"
    FAX = "fax", "fax"
    EMAIL = "email", "email"
    CHAT = "chat", "chat / secure message"


class CallLog(models.Model):
    """What a payer said, as structured as the payer's own records of the call: the channel,
    who answered (a representative's name, or the portal), the reference number the payer
    gives for the call and what they said. One per "called payer" / "checked portal" action;
    append-only like the history it belongs to, since it is what an appeal or a client
    question is argued from."""

    tenant_field = "item__client_id"
    tenant_workflow = None

    action = models.OneToOneField(WorkAction, on_delete=models.PROTECT, related_name="call")
    item = models.ForeignKey(WorkItem, on_delete=models.PROTECT, related_name="calls")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    channel = models.CharField(max_length=8, choices=CallChannel.choices)
    contact = models.CharField(max_length=120, blank=True)  # representative or portal name
    reference = models.CharField(max_length=60, blank=True)  # the payer's call reference
    said = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["claim", "at"], name="calllog_claim")]

    def __str__(self) -> str:
        return f"{self.channel} {self.reference or '(no reference)'} on #{self.item_id}"
