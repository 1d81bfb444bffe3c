"""Prior authorizations: what a payer agreed to pay for before the service, and what we asked.

An authorization is kept per patient, payer and set of procedure codes whatever way it reached
us (a 278 response, a portal screen, a phone call, a fax), so the scrubber and the work queue
ask one place "is this line covered". Decision codes are kept as values only (HCR01/HCR03 are
X12's code lists; the words shown are our own).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.claims.models import Patient, Payer, Provider
from rcmdesk.eligibility.models import Visit
from rcmdesk.intake.models import OutboundFile, ReceivedFile
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet


class AuthStatus(models.TextChoices):
    REQUESTED = "requested"  # a 278 went out, nothing back yet
    PENDING = "pending"  # the payer pended it (HCR01 A4) or we are waiting on a call back
    APPROVED = "approved"  # certified in total (A1), or no authorization needed (NA)
    PARTIALLY_APPROVED = "partially_approved"  # certified partially (A2) or modified (A6)
    DENIED = "denied"  # not certified (A3)
    CANCELLED = "cancelled"  # cancelled (C)

    @classmethod
    def usable(cls) -> frozenset[str]:
        """Statuses under which a claim line may be billed against the authorization."""
        return frozenset({cls.APPROVED, cls.PARTIALLY_APPROVED})


class AuthSource(models.TextChoices):
    X278 = "278", "278 response"
    PORTAL = "portal", "payer portal"
    PHONE = "phone", "phone call"
    FAX = "fax", "fax"


class Authorization(models.Model):
    tenant_field = "client_id"
    tenant_workflow = Workflow.PRIOR_AUTH

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="authorizations")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="authorizations")
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="authorizations")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="authorizations")
    codes = models.JSONField(default=list, blank=True)  # procedure codes it covers
    status = models.CharField(max_length=20, choices=AuthStatus.choices,
                              default=AuthStatus.REQUESTED)
    certification_number = models.CharField(max_length=50, blank=True)  # HCR02 / REF*BB
    decision_code = models.CharField(max_length=2, blank=True)  # HCR01 as received
    reason_code = models.CharField(max_length=3, blank=True)  # HCR03, value only
    rejection_code = models.CharField(max_length=3, blank=True)  # AAA03: request not processed
    payer_reference = models.CharField(max_length=50, blank=True)  # REF*NT (pended cases)
    approved_units = models.DecimalField(max_digits=10, decimal_places=3, null=True,
                                         blank=True)  # None: not limited by units
    # units billed on submitted claim lines (recomputed by sync_authorizations)
    used_units = models.DecimalField(max_digits=10, decimal_places=3, default=Decimal(0))
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=6, choices=AuthSource.choices,
                              default=AuthSource.X278)
    reference = models.CharField(max_length=50, blank=True)  # our TRN02 trace
    # lines of one request answered differently by the payer become sibling authorizations
    split_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="splits")
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["client", "patient"], name="priorauth_patient"),
                   models.Index(fields=["client", "reference"], name="priorauth_reference")]

    def __str__(self) -> str:
        return f"authorization #{self.pk} ({self.status}) for {', '.join(self.codes)}"

    def covers_code(self, code: str) -> bool:
        return code.strip().upper() in {c.strip().upper() for c in self.codes}


class AuthRequest(models.Model):
    """One 278 request we wrote for an authorization (the trace ties the answer back)."""

    tenant_field = "client_id"
    tenant_workflow = Workflow.PRIOR_AUTH

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    authorization = models.ForeignKey(Authorization, on_delete=models.PROTECT,
                                      related_name="requests")
    outbound = models.ForeignKey(OutboundFile, on_delete=models.PROTECT, related_name="+")
    trace = models.CharField(max_length=50)  # TRN02: the payer echoes it in the response
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "trace"],
                                               name="one_auth_trace_per_client")]

    def __str__(self) -> str:
        return f"278 {self.trace} for authorization #{self.authorization_id}"


class AuthDecision(models.Model):
    """A decision as received or recorded: the history shown on the authorization page.

    ``key`` makes a re-ingested 278 find its row instead of adding a second one.
    """

    tenant_field = "client_id"
    tenant_workflow = Workflow.PRIOR_AUTH

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    authorization = models.ForeignKey(Authorization, on_delete=models.PROTECT,
                                      related_name="decisions")
    file = models.ForeignKey(ReceivedFile, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    source = models.CharField(max_length=6, choices=AuthSource.choices)
    status = models.CharField(max_length=20, choices=AuthStatus.choices)
    decision_code = models.CharField(max_length=2, blank=True)
    reason_code = models.CharField(max_length=3, blank=True)
    rejection_code = models.CharField(max_length=3, blank=True)
    payer_reference = models.CharField(max_length=50, blank=True)
    certification_number = models.CharField(max_length=50, blank=True)
    approved_units = models.DecimalField(max_digits=10, decimal_places=3, null=True,
                                         blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    codes = models.JSONField(default=list, blank=True)  # the service lines it answered
    note = models.CharField(max_length=500, blank=True)
    key = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["client", "key"],
                                               name="one_auth_decision_per_key")]

    def __str__(self) -> str:
        return f"{self.status} on authorization #{self.authorization_id}"
