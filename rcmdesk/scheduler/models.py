"""Schedules (one per job and client, or per platform job) and the record of every run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet

WORKFLOW_CHOICES = [(w.value, w.label) for w in Workflow]


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", "On schedule"
    MANUAL = "manual", "Run by hand"


class Schedule(models.Model):
    """When a job runs for one client (``client`` empty: a platform job).

    ``cron`` is read on the client's wall clock. ``lease_token``/``lease_expires_at`` mark the
    worker running it: a worker takes a schedule only when no live lease is on it, so two
    workers never run one schedule at once. ``workflow`` is the job's (kept here so a
    partner's visibility can filter rows in the query).
    """

    tenant_field = "client_id"
    tenant_workflow = None
    tenant_workflow_field = "workflow"

    job = models.CharField(max_length=60)
    client = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="schedules")
    workflow = models.CharField(max_length=16, choices=WORKFLOW_CHOICES)
    cron = models.CharField(max_length=120)
    enabled = models.BooleanField(default=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["client_id", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "client"], name="scheduler_one_per_client"),
            models.UniqueConstraint(fields=["job"], condition=Q(client__isnull=True),
                                    name="scheduler_one_platform_schedule"),
        ]
        indexes = [models.Index(fields=["enabled", "next_run_at"], name="scheduler_due")]

    def __str__(self) -> str:
        return f"{self.job} for {self.client or 'the platform'}"

    @property
    def time_zone(self) -> str:
        from rcmdesk.scheduler.cron import PLATFORM_ZONE

        return self.client.time_zone if self.client is not None else PLATFORM_ZONE


class JobRun(models.Model):
    """One run of a job: when, how it ended, what it did (``outcome``) or what went wrong
    (``error``, in words), and whether the schedule or a person (``triggered_by``) started it."""

    tenant_field = "client_id"
    tenant_workflow = None
    tenant_workflow_field = "schedule__workflow"

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="runs")
    client = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    job = models.CharField(max_length=60)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices,
                              default=RunStatus.RUNNING)
    outcome = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    trigger = models.CharField(max_length=10, choices=RunTrigger.choices,
                               default=RunTrigger.SCHEDULE)
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["schedule", "-started_at"], name="scheduler_run_recent")]

    def __str__(self) -> str:
        return f"{self.job} run {self.pk}"
