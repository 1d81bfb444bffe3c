"""Account operations shared by the web pages, the API and the CLI."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import segno
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from rcmdesk.accounts.models import EnrollmentInvite, User
from rcmdesk.accounts.signals import end_all_sessions
from rcmdesk.audit.services import record
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Role


@dataclass(frozen=True)
class NoSuchUser:
    """Stands in for a typed name that matches no active user. Every permission check
    refuses it (not signed in, not active, no role) exactly as it refuses a user of
    another tenant, so an owner or assignee field answers the same for both and tells
    nobody which usernames exist."""

    username: str
    pk: None = None
    is_active: bool = False
    is_authenticated: bool = False
    role: str = ""

    def __str__(self) -> str:
        return self.username


def user_named(username: str) -> User | NoSuchUser:
    """The active user of that name, else a stand-in every check refuses (see NoSuchUser)."""
    found = User.objects.filter(username=username, is_active=True).select_related(
        "organization").first()
    return found if found is not None else NoSuchUser(username)


def client_of(user: User) -> int | None:
    """The client org an account event concerns: the user's own org if it is a client."""
    org = user.organization
    return org.pk if org is not None and org.is_client else None


@transaction.atomic
def create_user(
    *, username: str, password: str, role: Role, organization: Organization | None,
    email: str = "", first_name: str = "", last_name: str = "",
) -> User:
    user = User(username=username, email=email, role=role.value, organization=organization,
                first_name=first_name, last_name=last_name)
    user.is_staff = role is Role.PLATFORM_ADMIN
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    if role is Role.PLATFORM_ADMIN:
        user.user_permissions.set(Permission.objects.filter(
            content_type__app_label__in=["tenancy", "accounts"],
            content_type__model__in=["organization", "user"],
            codename__regex=r"^(add|change|view)_"))
    record("create", client_id=client_of(user), obj=user,
           detail={"username": username, "role": role.value})
    return user


@transaction.atomic
def disable_user(user: User) -> int:
    """Disable an account and end every session and token it holds, at once."""
    # End the sessions before saving: the pre_save receiver would otherwise end them first
    # and this count would always read zero.
    ended = end_all_sessions(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    record("disable", client_id=client_of(user), obj=user, detail={"sessions_ended": ended})
    return ended


@dataclass(frozen=True)
class Enrollment:
    device: TOTPDevice
    secret_base32: str
    otpauth_uri: str
    qr_data_uri: str


def start_enrollment(user: User) -> Enrollment:
    """An unconfirmed TOTP device; it counts only once the user proves they hold it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return describe_device(device)


def describe_device(device: TOTPDevice) -> Enrollment:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    uri = device.config_url
    qr = segno.make(uri, error="m").svg_data_uri(scale=4)
    return Enrollment(device=device, secret_base32=secret, otpauth_uri=uri, qr_data_uri=qr)


def install_totp(user: User, secret_hex: str) -> TOTPDevice:
    """A confirmed device with a known key: for the demo and tests only."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", key=secret_hex,
                                     confirmed=True)


@transaction.atomic
def invite_to_enroll(user: User, *, reset: bool = False) -> str:
    """A one-time enrolment link token (72 hours); ``reset`` also removes existing devices,
    for a lost phone. Older unused invites of the user stop working."""
    if reset:
        TOTPDevice.objects.filter(user=user).delete()
    EnrollmentInvite.objects.filter(user=user, used_at__isnull=True).delete()
    invite, raw = EnrollmentInvite.issue(user)
    record("enrollment_invited", client_id=client_of(user), obj=user,
           detail={"expires_at": invite.expires_at, "devices_reset": reset})
    return raw


def enrollment_allowed(user: User, invite_token: str | None) -> EnrollmentInvite | bool:
    """Users who must use a second factor enrol only through an invite; others may opt in."""
    if not user.requires_two_factor:
        return True
    if not invite_token:
        return False
    return EnrollmentInvite.find_usable(user, invite_token) or False
