"""A client admin's management of their own organization's accounts.

Partner organizations' accounts are managed by the platform admin; a client admin never sees
or touches another organization's users.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from rcmdesk.accounts.models import User
from rcmdesk.accounts.services import create_user, disable_user, invite_to_enroll
from rcmdesk.tenancy.authz import allows, require
from rcmdesk.tenancy.roles import Action, OrgKind, Role

CLIENT_ROLES = [r for r in Role if r.org_kind is OrgKind.CLIENT]


def members(user: User) -> QuerySet[User]:
    if user.organization_id is None or not allows(user, Action.MANAGE_USERS):
        raise PermissionDenied("Only client admins manage members.")
    require(user, Action.MANAGE_USERS, user.organization_id)
    return User.objects.filter(organization_id=user.organization_id).order_by("username")


def member(user: User, user_id: int) -> User:
    found = members(user).filter(pk=user_id).first()
    if found is None:
        raise Http404("Not found.")
    return found


def add_member(*, acting_user: User, username: str, password: str, role: Role, email: str = "",
               first_name: str = "", last_name: str = "") -> tuple[User, str | None]:
    """Create an account in the admin's own organization; returns an enrolment token when the
    role must use a second factor."""
    members(acting_user)
    if role not in CLIENT_ROLES:
        raise ValidationError(f"A client admin cannot create a {role.value} account.")
    with transaction.atomic():
        user = create_user(username=username, password=password, role=role,
                           organization=acting_user.organization, email=email,
                           first_name=first_name, last_name=last_name)
        token = invite_to_enroll(user) if role.requires_two_factor else None
    return user, token


def disable_member(user_id: int, *, acting_user: User) -> int:
    user = member(acting_user, user_id)
    if user.pk == acting_user.pk:
        raise ValidationError("You cannot disable your own account.")
    return disable_user(user)


def reset_member_second_factor(user_id: int, *, acting_user: User) -> str:
    """For a lost phone: remove the member's devices and issue a fresh enrolment link."""
    return invite_to_enroll(member(acting_user, user_id), reset=True)
