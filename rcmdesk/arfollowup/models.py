"""What we asked payers about a claim (276) and what they answered (277).

Both are kept per claim so a specialist sees the whole conversation with the payer, and so
an answer can be tied back to the question by its trace number (TRN02), which we choose and
the payer echoes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.claims.models import Claim
from rcmdesk.intake.models import OutboundFile, ReceivedFile
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.visibility import TenantQuerySet


class ClaimStatusRequest(models.Model):
    """One claim inquiry inside a 276 we wrote, and the work item it was asked for."""

    tenant_field = "client_id"
    # Where a claim stands is the claim's, like its remits: whoever sees the client sees the
    # conversation, whichever workflow's item (AR follow-up, denial) asked.
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="status_requests")
    outbound = models.ForeignKey(OutboundFile, on_delete=models.PROTECT, related_name="+")
    trace = models.CharField(max_length=50)  # TRN02: the payer echoes it in the 277
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("workqueue.WorkItem", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="status_requests")

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "trace"],
                                               name="one_status_trace_per_client")]
        indexes = [models.Index(fields=["claim", "requested_at"], name="statusreq_claim")]

    def __str__(self) -> str:
        return f"276 {self.trace} for claim #{self.claim_id}"


class ClaimStatusResponse(models.Model):
    """One STC status composite a payer reported for a claim (code values only: X12 owns
    the descriptions)."""

    tenant_field = "client_id"
    tenant_workflow = None  # as the request's

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="status_responses")
    request = models.ForeignKey(ClaimStatusRequest, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="responses")
    file = models.ForeignKey(ReceivedFile, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    trace = models.CharField(max_length=50, blank=True)  # TRN02 as received
    category = models.CharField(max_length=3)  # STC01-1 (507)
    status_code = models.CharField(max_length=3)  # STC01-2 (508)
    entity = models.CharField(max_length=3, blank=True)  # STC01-3 (98)
    effective_date = models.DateField(null=True, blank=True)  # STC02
    total_charge = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    paid_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    payer_claim_control_number = models.CharField(max_length=50, blank=True)  # REF*1K
    raw_stc = models.CharField(max_length=40)  # the composite as sent, e.g. "A1:20:PR"
    # (claim, trace, category, status, entity, date): the same answer arriving again in a
    # new interchange finds its row instead of adding a second one.
    key = models.CharField(max_length=120)
    received_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"],
                                               name="one_status_response_per_key")]
        indexes = [models.Index(fields=["claim", "received_at"], name="statusresp_claim")]

    def __str__(self) -> str:
        return f"277 {self.raw_stc} for claim #{self.claim_id}"
