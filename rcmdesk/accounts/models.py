"""Users belong to exactly one organization and hold exactly one role there.

One role per user keeps least privilege legible: a person who needs two roles gets two
accounts, and the audit trail says which hat they wore.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from rcmdesk.tenancy.roles import Role


class OrgAwareUserManager(UserManager["User"]):
    """Loads the organization with the user: every request needs it for visibility."""

    def get_queryset(self) -> models.QuerySet[User]:
        return super().get_queryset().select_related("organization")


class User(AbstractUser):
    organization = models.ForeignKey(
        "tenancy.Organization", null=True, blank=True, on_delete=models.PROTECT,
        related_name="members",
    )
    role = models.CharField(max_length=32, choices=[(r.value, r.label) for r in Role])
    time_zone = models.CharField(max_length=64, default="America/New_York")

    objects: ClassVar[OrgAwareUserManager] = OrgAwareUserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["username"]

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def requires_two_factor(self) -> bool:
        return self.role_enum.requires_two_factor or self.is_staff or self.is_superuser

    def clean(self) -> None:
        super().clean()
        expected = Role(self.role).org_kind
        if expected is None:
            if self.organization_id is not None:
                raise ValidationError("A platform admin belongs to no organization.")
            return
        if self.organization is None or self.organization.kind != expected.value:
            raise ValidationError(f"The role {self.role} needs a {expected.value} organization.")


class UserSession(models.Model):
    """Which sessions a user holds, so disabling the user can end every one of them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tracked_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"session of {self.user_id}"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(),
                           user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: User, name: str, days: int = 30) -> tuple[ApiToken, str]:
        raw = "rcm_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[4:12], digest=_digest(raw),
            expires_at=timezone.now() + timedelta(days=days),
        )
        return token, raw

    @classmethod
    def find(cls, raw: str) -> ApiToken | None:
        return cls.objects.usable().select_related("user").filter(digest=_digest(raw)).first()


class EnrollmentInvite(models.Model):
    """A one-time link that lets a user enrol an authenticator.

    Without it, anyone holding only a partner's or admin's password could enrol their own
    device on an account that has none yet and so pass the second factor.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrollment_invites")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"enrollment invite for {self.user_id}"

    @classmethod
    def issue(cls, user: User, hours: int = 72) -> tuple[EnrollmentInvite, str]:
        raw = secrets.token_urlsafe(32)
        invite = cls.objects.create(user=user, digest=_digest(raw),
                                    expires_at=timezone.now() + timedelta(hours=hours))
        return invite, raw

    @classmethod
    def find_usable(cls, user: User, raw: str) -> EnrollmentInvite | None:
        return cls.objects.filter(user=user, digest=_digest(raw), used_at__isnull=True,
                                  expires_at__gt=timezone.now()).first()
