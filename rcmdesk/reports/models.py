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


class KpiWeek(models.Model):
    """A closed week's KPI figures for one client and one scope (filters + what the viewer
    sees), kept so the dashboard, the API and the weekly report read a row per week instead
    of re-adding millions of ledger rows (``rcmdesk.reports.rollup`` says when a row is
    trusted, recomputed or dropped).

    ``ends_at`` is the week's end in the client's zone (an instant): a change dated before it
    may move the figures (A/R is cumulative), so invalidation deletes by it. ``zone`` and
    ``version`` make a row stale when the client's time zone or the formulas change."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8)  # ISO week, "2026-W47"
    scope = models.CharField(max_length=200)  # see rollup.scope_key
    ends_at = models.DateTimeField()
    zone = models.CharField(max_length=64)
    version = models.PositiveSmallIntegerField()
    values = models.JSONField()  # KPI key -> value as text (None: nothing to divide by)
    computed_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "week", "scope"],
                                               name="one_kpi_week_per_client_week_scope")]
        indexes = [models.Index(fields=["client", "ends_at"], name="kpiweek_client_end")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.week} {self.scope}"


class KpiChange(models.Model):
    """A write that may move a closed week's KPIs: the client and the earliest instant whose
    week it touches. Written by database triggers on the KPI input tables (migration 0003),
    in the writer's own transaction, so a change is visible exactly when its rows are, and
    no posting or ingest code has to remember to call anything. ``rollup`` consumes them.

    ``client_id`` is a plain integer, not a foreign key: a trigger must never fail a
    posting, and a change of a deleted client is simply never read."""

    client_id = models.IntegerField()
    since = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["client_id", "since"], name="kpichange_client_since")]

    def __str__(self) -> str:
        return f"{self.client_id} since {self.since}"
