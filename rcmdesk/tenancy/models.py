"""Organizations, engagements and assignments: who may touch whose data.

Every row of patient or claim data belongs to exactly one client organization. A partner
organization reaches a client's data only through an active engagement, and a partner user
only through an assignment to that engagement.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from rcmdesk.calendar import local_date
from rcmdesk.tenancy.roles import OrgKind, Role, Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone.")


def validate_scope(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Scope must be a list of workflow names.")
    unknown = sorted(set(value) - {w.value for w in Workflow})
    if unknown:
        raise ValidationError(f"Unknown workflows in scope: {', '.join(unknown)}.")


def default_working_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


def validate_weekdays(value: object) -> None:
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, int) and 0 <= v <= 6 for v in value)):
        raise ValidationError("Working weekdays are a non-empty list of 0 (Monday) to 6.")


class OrganizationQuerySet(TenantQuerySet):
    """Only client organizations are tenants; ``visible_to`` lists the ones a user may see."""

    def clients(self) -> OrganizationQuerySet:
        return self.filter(kind=OrgKind.CLIENT)

    def working(self) -> OrganizationQuerySet:
        """Active clients whose work the product runs (not a prospect under assessment)."""
        return self.clients().filter(is_active=True, prospect=False)

    def zones_by_day(self, now: datetime) -> dict[date, list[str]]:
        """The clients' time zones grouped by the calendar day each is on at ``now``.

        A query across clients (a queue, a due list) compares each row with *its* client's
        day; there are a handful of zones, so it filters per day, not per client."""
        out: dict[date, list[str]] = {}
        for zone in sorted(set(self.clients().values_list("time_zone", flat=True))):
            out.setdefault(local_date(now, zone), []).append(zone)
        return out


def on_client_days(now: datetime, condition: Callable[[date], models.Q],
                   client: str = "client") -> models.Q:
    """``condition`` of each row's *client's* day at ``now``, for queries across clients.

    A queue or tracker that lists several clients cannot compare with one "today": at 17:00
    in Los Angeles it is already tomorrow in Kolkata. ``client`` is the path to the row's
    client organization."""
    out = models.Q(pk__in=[])
    for day, zones in Organization.objects.zones_by_day(now).items():
        out |= models.Q(**{f"{client}__time_zone__in": zones}) & condition(day)
    return out


class Organization(models.Model):
    tenant_field = "id"
    tenant_workflow = None

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=[(k.value, k.value) for k in OrgKind])
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    is_active = models.BooleanField(default=True)
    # The client's working weekdays (date.weekday(): Monday 0 .. Sunday 6); its holidays are
    # ``Holiday`` rows. Read together by ``tenancy.calendars.business_calendar``.
    working_weekdays = models.JSONField(default=default_working_weekdays,
                                        validators=[validate_weekdays])
    # A prospective client loaded for a capacity assessment (rcmdesk.assessments): its files
    # are history to measure, not work arriving today, so no work items are produced for it
    # and no scheduled job runs for it. A tenant like any other in every other respect.
    prospect = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_client(self) -> bool:
        return self.kind == OrgKind.CLIENT

    def today(self, now: datetime | None = None) -> date:
        """The client's calendar day at ``now`` (default: this instant).

        The one clock every day-counting rule reads (deadlines, SLAs, aging, follow-ups,
        report and QA weeks): a UTC server is already on Tuesday at 17:00 Monday in Los
        Angeles, and a deadline off by one day is a lost claim. Tests pass ``now``."""
        return local_date(now or timezone.now(), self.time_zone)


class EngagementQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, workflow: Workflow | None = None) -> EngagementQuerySet:
        """A partner user sees only the engagements they are assigned to, never another
        partner's engagement with the same client."""
        visible = super().visible_to(user, workflow)
        if user.is_authenticated and Role(user.role).is_partner:
            visible = visible.filter(partner_id=user.organization_id, assignments__user=user)
        return visible

    def active_on(self, day: date) -> EngagementQuerySet:
        return self.filter(start_date__lte=day).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day)
        )


class Engagement(models.Model):
    """One partner working for one client, on the workflows in ``scope``."""

    tenant_field = "client_id"
    tenant_workflow = None

    partner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="engagements_as_partner",
        limit_choices_to={"kind": OrgKind.PARTNER},
    )
    client = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="engagements_as_client",
        limit_choices_to={"kind": OrgKind.CLIENT},
    )
    name = models.CharField(max_length=200)
    scope = models.JSONField(default=list, validators=[validate_scope])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["client__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="engagement_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def today(self, now: datetime | None = None) -> date:
        """The date in the engagement's time zone: an engagement ends at the client's midnight."""
        return local_date(now or timezone.now(), self.time_zone)

    def is_active(self, day: date | None = None) -> bool:
        day = day or self.today()
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def workflows(self) -> frozenset[Workflow]:
        return frozenset(Workflow(w) for w in self.scope)

    def clean(self) -> None:
        if self.partner_id and self.partner.kind != OrgKind.PARTNER:
            raise ValidationError("The partner side of an engagement must be a partner.")
        if self.client_id and self.client.kind != OrgKind.CLIENT:
            raise ValidationError("The client side of an engagement must be a client.")


class AssignmentQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, workflow: Workflow | None = None) -> AssignmentQuerySet:
        engagements = Engagement.objects.visible_to(user, workflow)
        return self.filter(engagement__in=engagements)


class Assignment(models.Model):
    """A partner user placed on an engagement by their lead."""

    tenant_field = "engagement__client_id"

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["engagement", "user"], name="one_assignment_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.engagement}"


class BreakGlassGrant(models.Model):
    """Time-boxed, reasoned emergency access for a platform admin (HIPAA 164.312(a)(2)(ii)).

    Rows are never edited after creation except to end them early; every use is audited.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"break-glass {self.user} → {self.client} until {self.expires_at:%Y-%m-%d %H:%M}"

    def is_open(self) -> bool:
        now = timezone.now()
        return self.ended_at is None and self.starts_at <= now < self.expires_at


class Holiday(models.Model):
    """A day the client's office is closed: no business day for anything counted on the
    client's calendar (service levels, review periods). Kept by the client's admin."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="holidays",
                               limit_choices_to={"kind": OrgKind.CLIENT})
    day = models.DateField()
    name = models.CharField(max_length=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["client", "day"],
                                               name="one_holiday_per_client_day")]

    def __str__(self) -> str:
        return f"{self.name} ({self.day.isoformat()})"
