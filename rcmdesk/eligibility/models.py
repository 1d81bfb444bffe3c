"""Upcoming visits: what eligibility checks and prior authorizations are worked ahead of.

A visit comes from the client's scheduling system (CSV or FHIR Appointment) or is entered by
hand; it is the anchor for "verify benefits N days before" and "is an authorization needed".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.claims.models import Coverage, Patient, Payer, Provider
from rcmdesk.intake.models import OutboundFile, ReceivedFile
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet


class VisitSource(models.TextChoices):
    UI = "ui", "Entered here"
    CSV = "csv", "CSV import"
    FHIR = "fhir", "FHIR import"


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled"  # not verified yet
    VERIFIED = "verified"  # an active coverage answer is on file
    NEEDS_ATTENTION = "needs_attention"  # inactive, other payer first, or the payer refused
    CANCELLED = "cancelled"


class Visit(models.Model):
    tenant_field = "client_id"
    tenant_workflow = Workflow.ELIGIBILITY

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="visits")
    coverage = models.ForeignKey(Coverage, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="visits")
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="visits")
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="visits")
    scheduled_on = models.DateField()
    # EB03 service type codes the visit needs benefits for (30: health benefit plan coverage)
    service_types = models.JSONField(default=list, blank=True)
    procedures = models.JSONField(default=list, blank=True)  # planned CPT/HCPCS codes
    source = models.CharField(max_length=4, choices=VisitSource.choices,
                              default=VisitSource.UI)
    external_id = models.CharField(max_length=100, blank=True)  # the scheduler's id
    status = models.CharField(max_length=16, choices=VisitStatus.choices,
                              default=VisitStatus.SCHEDULED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_on", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["client", "source", "external_id"],
            condition=~models.Q(external_id=""), name="one_visit_per_external_id")]
        indexes = [models.Index(fields=["client", "scheduled_on"],
                                name="eligibility_visit_day")]

    def __str__(self) -> str:
        return f"{self.patient} on {self.scheduled_on}"


def _money() -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)


def _percent() -> models.DecimalField:  # type: ignore[type-arg]
    """Coinsurance as the payer sends it (EB08: 0.2 is twenty per cent)."""
    return models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)


class CoverageStatus(models.TextChoices):
    ACTIVE = "active"  # EB01 1-5
    INACTIVE = "inactive"  # EB01 6-8
    REJECTED = "rejected"  # the payer answered with AAA and no benefits
    UNKNOWN = "unknown"  # benefits without a status, or nothing usable


class EligibilityRequest(models.Model):
    """One visit asked about in a 270 we wrote.

    The trace (TRN02) is ours and the payer echoes it; the reference (BHT03) is the whole
    270's, echoed in the 271's BHT03, which is the only key an answer rejected at the
    source or receiver level (no subscriber loop) carries back.
    """

    tenant_field = "client_id"
    tenant_workflow = Workflow.ELIGIBILITY

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="requests")
    outbound = models.ForeignKey(OutboundFile, on_delete=models.PROTECT, related_name="+")
    trace = models.CharField(max_length=50)
    reference = models.CharField(max_length=50)
    service_types = models.JSONField(default=list, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["client", "trace"],
                                               name="one_eligibility_trace_per_client")]
        indexes = [models.Index(fields=["client", "reference"], name="eligibility_req_ref")]

    def __str__(self) -> str:
        return f"270 {self.trace} for visit #{self.visit_id}"


class EligibilityResponse(models.Model):
    """One member's answer in a 271 (or a whole 271 refused before the member level).

    Kept even when it matches no visit, so nothing a payer said is lost; ``key`` (a digest of
    what the payer said about this member) makes the same answer in a new interchange find
    its row instead of adding another.
    """

    tenant_field = "client_id"
    tenant_workflow = Workflow.ELIGIBILITY

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="responses")
    request = models.ForeignKey(EligibilityRequest, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="responses")
    file = models.ForeignKey(ReceivedFile, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    # copied from the visit so the claim page finds the latest answer for patient + payer
    patient = models.ForeignKey(Patient, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    as_of = models.DateField(null=True, blank=True)  # the day asked about (visit day)
    key = models.CharField(max_length=64)
    trace = models.CharField(max_length=50, blank=True)
    reference = models.CharField(max_length=50, blank=True)  # BHT03
    payer_name = models.CharField(max_length=200, blank=True)  # 2100A NM103
    payer_identifier = models.CharField(max_length=80, blank=True)  # 2100A NM109
    member_id = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=CoverageStatus.choices)
    plan = models.CharField(max_length=100, blank=True)  # EB05 or REF*18
    group_number = models.CharField(max_length=50, blank=True)  # REF*6P / IG
    coverage_start = models.DateField(null=True, blank=True)
    coverage_end = models.DateField(null=True, blank=True)
    dates = models.JSONField(default=dict, blank=True)  # DTP qualifier -> value as sent
    # AAA code values: [{"loop": "2100B", "valid": "Y", "reason": "50", "action": "N"}]
    rejections = models.JSONField(default=list, blank=True)
    other_payers = models.JSONField(default=list, blank=True)  # EB01 R: 2120 names
    received_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["client", "key"],
                                               name="one_eligibility_response_per_key")]
        indexes = [models.Index(fields=["client", "patient", "payer", "as_of"],
                                name="eligibility_resp_who")]

    def __str__(self) -> str:
        return f"271 {self.status} for visit #{self.visit_id}"


class BenefitSummary(models.Model):
    """The patient-responsibility picture for one service type (EB03) of one answer.

    Amounts are split in-network (EB12 Y) and out-of-network (EB12 N); an EB with EB12 W
    or blank applies to both where neither has its own. "Remaining" is EB06 29 (or 33,
    lifetime remaining); any other period is the total.
    """

    tenant_field = "client_id"
    tenant_workflow = Workflow.ELIGIBILITY

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    response = models.ForeignKey(EligibilityResponse, on_delete=models.CASCADE,
                                 related_name="benefits")
    service_type = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=CoverageStatus.choices)
    insurance_type = models.CharField(max_length=3, blank=True)  # EB04
    plan = models.CharField(max_length=100, blank=True)
    copay_in = _money()
    copay_out = _money()
    coinsurance_in = _percent()
    coinsurance_out = _percent()
    deductible_in_total = _money()
    deductible_in_remaining = _money()
    deductible_out_total = _money()
    deductible_out_remaining = _money()
    oop_in_total = _money()
    oop_in_remaining = _money()
    oop_out_total = _money()
    oop_out_remaining = _money()

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["response", "pk"]
        constraints = [models.UniqueConstraint(fields=["response", "service_type"],
                                               name="one_benefit_per_service_type")]

    def __str__(self) -> str:
        return f"{self.service_type} {self.status}"
