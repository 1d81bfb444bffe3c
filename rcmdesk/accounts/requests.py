"""The signed-in user of a request, typed: views behind ``login_required`` and API routes
behind authentication always have one."""

from __future__ import annotations

from django.http import HttpRequest

from rcmdesk.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "only for views that require a signed-in user"
    return user
