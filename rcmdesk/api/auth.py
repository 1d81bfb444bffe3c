"""API authentication: a bearer token, or the browser session (with CSRF and the second
factor).

A request that presents a token (``Authorization: Bearer …``) is judged by the token alone:
the session cookie riding along is never consulted, so the cookie cannot lend its identity
to a request, and no CSRF check applies because a browser never attaches that header to a
cross-site request on its own. A request without a token is a browser's: its session must be
verified and every write must carry the CSRF token, exactly as a page's form does.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from rcmdesk.accounts.middleware import needs_second_factor, presents_api_token
from rcmdesk.accounts.models import ApiToken

CSRF_REFUSED = ("This change came from a browser session without the page's CSRF token, so it "
                "was refused. Send it from an rcmdesk page, or use an API token "
                "(Authorization: Bearer …).")


class VerifiedSession(SessionAuth):
    def __call__(self, request: HttpRequest) -> Any:
        if presents_api_token(request) or not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, CSRF_REFUSED)
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and needs_second_factor(user) and not user.is_verified():
            return None
        return user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.find(token)
        user = found.user if found is not None else None
        # From here on the request acts as the token's user, or as nobody: never as the user
        # of a session cookie that came along.
        request.user = user or AnonymousUser()
        acting = getattr(request, "acting", None)
        if acting is not None:
            acting.user = user
        return user


AUTH = [BearerToken(), VerifiedSession()]
SESSION_ONLY = [VerifiedSession()]
