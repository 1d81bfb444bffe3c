"""The client's playbook, as data the rest of the product reads.

Only client administrators edit it (``Action.EDIT_PLAYBOOKS``, a client-only action).
"""

from __future__ import annotations

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
