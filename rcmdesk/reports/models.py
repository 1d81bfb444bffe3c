"""The weekly client report archive.

One row per client and ISO week. Regenerating a week replaces the row's content in place
(``version`` goes up) and the audit chain keeps the previous fingerprint (``sha256``): the
archive shows one current report per week, and the chain proves what was there before.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.visibility import TenantQuerySet


class ReportStatus(models.TextChoices):
    READY = "ready"  # HTML and PDF stored
    HTML_ONLY = "html_only", "HTML only"  # the PDF could not be made on this machine (no Pango)


class WeeklyReport(models.Model):
    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    engagement = models.ForeignKey(Engagement, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    week = models.CharField(max_length=8)  # ISO week, "2026-W47"
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")  # None: schedule
    html = models.TextField()
    pdf = models.BinaryField(blank=True, default=b"")
    sha256 = models.CharField(max_length=64)  # of the HTML and the PDF, see weekly.fingerprint
    status = models.CharField(max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.READY)
    version = models.PositiveIntegerField(default=1)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-week", "client__name"]
        constraints = [models.UniqueConstraint(fields=["client", "week"],
                                               name="one_weekly_report_per_client_week")]

    def __str__(self) -> str:
        return f"{self.client} {self.week}"
