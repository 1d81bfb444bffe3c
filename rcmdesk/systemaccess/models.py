"""The access registry: the client's systems and the logins partner users hold to them.

The client owns it: a partner lead asks for a login, the client's admin approves it, and the
client confirms it was given ("granted"); nothing is granted by a partner. No password is
ever stored here: at most a reference to where the secret lives in the client's own vault.
Every change of an access appends an ``AccessChange`` (the export's full history) and an
audit event; offboarding opens ``RevocationTask`` rows that only the client closes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import OrgKind, Role, Workflow
from rcmdesk.tenancy.visibility import TenantQuerySet

DEFAULT_REVIEW_DAYS = 90


class SystemKind(models.TextChoices):
    EHR = "ehr", "EHR"
    PRACTICE_MANAGEMENT = "practice_management", "Practice management / billing"
    PAYER_PORTAL = "payer_portal", "Payer portal"
    CLEARINGHOUSE = "clearinghouse", "Clearinghouse"
    FAX_PHONE = "fax_phone", "Fax / phone line"
    OTHER = "other", "Other"


class AccessStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved, awaiting the login"
    GRANTED = "granted", "Granted"
    DENIED = "denied", "Denied"
    REVOKED = "revoked", "Revoked"


class RevocationTrigger(models.TextChoices):
    USER_DISABLED = "user_disabled", "User disabled"
    UNASSIGNED = "unassigned", "Removed from the engagement"
    ENGAGEMENT_ENDED = "engagement_ended", "Engagement ended"
    CLIENT_REVOKED = "client_revoked", "Revoked by the client"


# An access still registered: a login that exists or may exist at the client.
LIVE_STATUSES = (AccessStatus.REQUESTED, AccessStatus.APPROVED, AccessStatus.GRANTED)


class ClientSystemQuerySet(TenantQuerySet):
    pass


class ClientSystem(models.Model):
    """One of the client's systems a partner may need a login to."""

    tenant_field = "client_id"
    tenant_workflow = None

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"kind": OrgKind.CLIENT})
    kind = models.CharField(max_length=24, choices=SystemKind.choices)
    name = models.CharField(max_length=200)
    payer = models.ForeignKey("claims.Payer", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    workflows = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientSystemQuerySet.as_manager()

    class Meta:
        ordering = ["client_id", "name"]
        constraints = [models.UniqueConstraint(fields=["client", "name"],
                                               name="one_system_name_per_client")]

    def __str__(self) -> str:
        return self.name

    def serves(self, workflow: Workflow | str) -> bool:
        return str(workflow) in self.workflows


class SystemAccessQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, workflow: Workflow | None = None) -> SystemAccessQuerySet:
        """The client's people see the client's registry (visibility first); a partner lead
        the accesses of the engagements they are assigned to; every other partner role only
        their own logins. Another partner's accesses never show."""
        rows = super().visible_to(user, workflow)
        if not user.is_authenticated:
            return rows.none()
        role = Role(user.role)
        if role is Role.CLIENT_STAFF:
            return rows.filter(user_id=user.pk)
        if role.is_partner:
            rows = rows.filter(engagement__in=Engagement.objects.visible_to(user))
            if role is not Role.PARTNER_LEAD:
                rows = rows.filter(user_id=user.pk)
        return rows


class SystemAccess(models.Model):
    """One partner user's login to one client system, for one engagement."""

    tenant_field = "engagement__client_id"
    tenant_workflow = None

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT,
                                   related_name="system_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="system_accesses")
    system = models.ForeignKey(ClientSystem, on_delete=models.PROTECT, related_name="accesses")
    account_name = models.CharField(max_length=200)
    vault_reference = models.CharField(max_length=300, blank=True)
    scope = models.CharField(max_length=300, blank=True)
    mfa_enabled = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=AccessStatus.choices,
                              default=AccessStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(null=True, blank=True)
    last_attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    last_attested_at = models.DateTimeField(null=True, blank=True)
    last_confirmed_in_use_at = models.DateTimeField(null=True, blank=True)
    review_period_days = models.PositiveIntegerField(default=DEFAULT_REVIEW_DAYS)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    objects = SystemAccessQuerySet.as_manager()

    class Meta:
        ordering = ["engagement_id", "user__username", "system__name"]
        indexes = [models.Index(fields=["engagement", "status"], name="access_by_engagement")]

    def __str__(self) -> str:
        return f"{self.account_name} on {self.system}"

    @property
    def client_id(self) -> int:
        return int(self.engagement.client_id)

    @property
    def review_basis(self) -> Any:
        """The instant the client last vouched for this login: its attestation, else its
        grant (the review clock starts when the login is given)."""
        return self.last_attested_at or self.granted_at


class AccessChange(models.Model):
    """Append-only: one row per change of an access, for the registry's export."""

    access = models.ForeignKey(SystemAccess, on_delete=models.PROTECT, related_name="changes")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=12, choices=AccessStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=AccessStatus.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"


class RevocationTaskQuerySet(TenantQuerySet):
    def visible_to(self, user: Any, workflow: Workflow | None = None) -> RevocationTaskQuerySet:
        return self.filter(access__in=SystemAccess.objects.visible_to(user, workflow))

    def open(self) -> RevocationTaskQuerySet:
        return self.filter(confirmed_at__isnull=True)


class RevocationTask(models.Model):
    """A login the client must take back; closed only by a client user's confirmation."""

    tenant_field = "access__engagement__client_id"
    tenant_workflow = None

    access = models.ForeignKey(SystemAccess, on_delete=models.PROTECT,
                               related_name="revocations")
    trigger = models.CharField(max_length=20, choices=RevocationTrigger.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = RevocationTaskQuerySet.as_manager()

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [models.UniqueConstraint(
            fields=["access"], condition=models.Q(confirmed_at__isnull=True),
            name="one_open_revocation_per_access")]

    def __str__(self) -> str:
        return f"revoke {self.access}"

    @property
    def is_open(self) -> bool:
        return self.confirmed_at is None
