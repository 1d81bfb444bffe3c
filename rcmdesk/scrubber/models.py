"""Scrub runs and their findings: what the scrubber said about which claims, and when.

A run is kept (not just the claims' front-door state) so the clean-claim rate of each batch
and each charge-entry session can be reported later, and a held claim can show why.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.claims.models import Claim
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet

HUNDRED = Decimal("100")
RATE_PLACES = Decimal("0.01")


class ScrubRun(models.Model):
    tenant_field = "client_id"
    tenant_workflow = Workflow.CHARGES_CLAIMS

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=100, blank=True)  # "batch", "charge entry", "cli"...
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    scrubbed = models.PositiveIntegerField(default=0)
    # claims with no error (warnings allowed); not "clean", which is Model.clean()
    clean_claims = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)  # error findings
    warnings = models.PositiveIntegerField(default=0)  # warning findings

    objects = TenantQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "-created_at"], name="scrubrun_client_recent")]

    def __str__(self) -> str:
        return f"scrub of {self.scrubbed} claim(s), {self.clean_claim_rate}% clean"

    @property
    def clean_claim_rate(self) -> Decimal:
        """Percent of scrubbed claims with no error, two places (100.00 for an empty run)."""
        if not self.scrubbed:
            return HUNDRED.quantize(RATE_PLACES)
        rate = Decimal(self.clean_claims) * HUNDRED / Decimal(self.scrubbed)
        return rate.quantize(RATE_PLACES)


class ScrubFinding(models.Model):
    tenant_field = "run__client_id"
    tenant_workflow = Workflow.CHARGES_CLAIMS

    run = models.ForeignKey(ScrubRun, on_delete=models.CASCADE, related_name="findings")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="scrub_findings")
    code = models.CharField(max_length=30)  # a built-in rule's code or a ClaimEdit's code
    severity = models.CharField(max_length=8)  # error | warning
    field = models.CharField(max_length=80)
    line_number = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=500)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["run", "claim", "line_number", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.field}: {self.message}"



class HcpcsCode(models.Model):
    """HCPCS Level II codes loaded from the CMS annual alpha-numeric file (public domain).

    The same for every client, so not tenant data. While the table is empty the scrubber
    checks the form of HCPCS codes only (``rcmdesk claims codes load-hcpcs FILE`` fills it).
    """

    code = models.CharField(max_length=5, primary_key=True)
    description = models.CharField(max_length=300, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.code
