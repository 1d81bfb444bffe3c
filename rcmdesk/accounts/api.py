from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from rcmdesk.accounts.models import ApiToken
from rcmdesk.api.auth import SESSION_ONLY
from rcmdesk.audit.services import record

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
