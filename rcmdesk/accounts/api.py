from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from rcmdesk.accounts import members
from rcmdesk.accounts.models import ApiToken, User
from rcmdesk.accounts.requests import acting_user
from rcmdesk.api.auth import SESSION_ONLY
from rcmdesk.audit.services import record
from rcmdesk.tenancy.roles import Role

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    role: str
    organization: str | None
    two_factor_verified: bool


class TokenIn(Schema):
    name: str
    days: int = 30


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    expires_at: datetime
    token: str | None = None


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    user = request.user
    org = user.organization  # type: ignore[union-attr]
    return MeOut(username=user.get_username(), role=user.role,  # type: ignore[union-attr]
                 organization=org.slug if org else None,
                 two_factor_verified=bool(getattr(user, "is_verified", lambda: False)()))


@router.post("/tokens", response={201: TokenOut}, auth=SESSION_ONLY)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenOut]:
    """Tokens come only from a signed-in, two-factor-verified browser session."""
    days = max(1, min(payload.days, 90))
    token, raw = ApiToken.issue(request.user, payload.name[:100], days)  # type: ignore[arg-type]
    record("create", client_id=None, obj=token, detail={"name": token.name, "days": days})
    return Status(201, TokenOut(id=token.pk, name=token.name, prefix=token.prefix,
                         expires_at=token.expires_at, token=raw))


@router.delete("/tokens/{token_id}", response={204: None})
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()  # type: ignore[misc]
    if token is None:
        raise Http404("Not found.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record("revoke", client_id=None, obj=token)
    return Status(204, None)


class MemberOut(Schema):
    id: int
    username: str
    role: str
    is_active: bool


class MemberIn(Schema):
    username: str
    password: str
    role: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""


class MemberCreated(MemberOut):
    enrollment_token: str | None


def _member_out(user: User) -> MemberOut:
    return MemberOut(id=user.pk, username=user.username, role=user.role,
                     is_active=user.is_active)


@router.get("/members", response=list[MemberOut])
def list_members(request: HttpRequest) -> list[MemberOut]:
    """Your own organization's accounts (client admins only)."""
    return [_member_out(u) for u in members.members(acting_user(request))]


@router.post("/members", response={201: MemberCreated})
def add_member(request: HttpRequest, payload: MemberIn) -> Status[MemberCreated]:
    """The organization is always your own; a one-time enrolment token comes back for roles
    that must use two-factor sign-in."""
    try:
        role = Role(payload.role)
    except ValueError:
        raise ValidationError(f"Unknown role {payload.role!r}.") from None
    user, token = members.add_member(
        acting_user=acting_user(request), username=payload.username, password=payload.password,
        role=role,
        email=payload.email, first_name=payload.first_name, last_name=payload.last_name)
    return Status(201, MemberCreated(**_member_out(user).model_dump(), enrollment_token=token))


@router.post("/members/{user_id}/disable", response=MemberOut)
def disable_member(request: HttpRequest, user_id: int) -> MemberOut:
    members.disable_member(user_id, acting_user=acting_user(request))
    return _member_out(members.member(acting_user(request), user_id))
