"""A capacity assessment of a prospective client, and the certificate left when one is deleted.

The prospect's files are loaded into a tenant of its own (an ``Organization`` of kind client,
like any other: isolated by the visibility function, every read and write audited) that has
no engagement yet. ``Assessment`` sits beside that tenant and holds what the assessment is
asked (the day its figures are as of, the weeks to clear the backlog, handle-time and
recovery assumptions) and the last figures computed, so the page, the PDF and the CLI show
the same numbers.

Deleting an assessment removes every row of its tenant (``purge.py``) and leaves a
``DeletionCertificate``, which is platform data: it outlives the tenant it describes. The
audit trail is never deleted (append-only by trigger and chain); the certificate says how
many of the tenant's events are kept and the chain's head at deletion.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.visibility import TenantQuerySet

DEFAULT_WEEKS_TO_CLEAR = 8
DEFAULT_HOURS_PER_DAY = Decimal("6.00")


class AssessmentQuerySet(TenantQuerySet):
    pass


class Assessment(models.Model):
    """One prospective client's assessment; its tenant is ``client``.

    ``handle_hours`` and ``recovery_percent`` override the defaults per work type
    (``findings.WorkType`` values -> hours / percent, as strings of decimals); every figure
    shows whether it was measured, a default or set here. ``result`` is the last computed
    assessment (``compute.Assessed.as_json()``), ``computed_at`` when."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.OneToOneField(Organization, on_delete=models.PROTECT,
                                  related_name="assessment")
    name = models.CharField(max_length=200)
    as_of = models.DateField(null=True, blank=True)  # blank: the client's today
    weeks_to_clear = models.PositiveSmallIntegerField(default=DEFAULT_WEEKS_TO_CLEAR)
    hours_per_day = models.DecimalField(max_digits=4, decimal_places=2,
                                        default=DEFAULT_HOURS_PER_DAY)
    handle_hours = models.JSONField(default=dict, blank=True)
    recovery_percent = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class DeletionCertificate(models.Model):
    """What was removed when an assessment was deleted, when, by whom and at whose request.

    Not tenant data: no foreign key to the organization it describes (which is gone). The
    ``digest`` is the SHA-256 of the certificate's content (``purge.certificate_text``),
    also recorded in the platform's audit chain, so a later edit of the row is caught."""

    organization_id = models.BigIntegerField()
    organization_slug = models.CharField(max_length=50)
    organization_name = models.CharField(max_length=200)
    assessment_name = models.CharField(max_length=200)
    requested_by = models.CharField(max_length=200)  # the person who asked, in words
    reason = models.TextField(blank=True)
    removed = models.JSONField(default=dict)  # table label -> rows removed
    rows_removed = models.PositiveIntegerField(default=0)
    files_removed = models.PositiveIntegerField(default=0)  # files on disk under the var dir
    audit_events_kept = models.PositiveIntegerField(default=0)
    audit_chain = models.BigIntegerField(default=0)
    audit_head_seq = models.BigIntegerField(default=0)
    audit_head_hash = models.CharField(max_length=64, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    deleted_at = models.DateTimeField(default=timezone.now)
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        return f"Deletion certificate {self.pk}: {self.organization_name}"


class PurgeGrant(models.Model):
    """Present only inside the transaction that deletes an assessment's tenant (``purge``):
    the append-only tables' triggers let a DELETE through for that client's rows and no
    other's. Inserted and removed in the same transaction, so no other connection ever sees
    one committed."""

    client_id = models.BigIntegerField(unique=True)

    def __str__(self) -> str:
        return f"purge of organization {self.client_id}"
