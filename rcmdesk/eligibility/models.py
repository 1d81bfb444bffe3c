"""Upcoming visits: what eligibility checks and prior authorizations are worked ahead of.

A visit comes from the client's scheduling system (CSV or FHIR Appointment) or is entered by
hand; it is the anchor for "verify benefits N days before" and "is an authorization needed".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.claims.models import Coverage, Patient, Payer, Provider
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet


class VisitSource(models.TextChoices):
    UI = "ui"
    CSV = "csv"
    FHIR = "fhir"


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
