"""API authentication: the browser session (with CSRF and the second factor) or a bearer
token issued from a verified session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from rcmdesk.accounts.middleware import needs_second_factor
from rcmdesk.accounts.models import ApiToken


class VerifiedSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and needs_second_factor(user) and not user.is_verified():
            return None
        return user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.find(token)
        if found is None:
            return None
        request.user = found.user
        acting = getattr(request, "acting", None)
        if acting is not None:
            acting.user = found.user
        return found.user


AUTH = [VerifiedSession(), BearerToken()]
SESSION_ONLY = [VerifiedSession()]
