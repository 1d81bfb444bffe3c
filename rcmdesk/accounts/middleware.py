"""Session lifetime and the two-factor gate.

Idle logoff only counts requests a person made: views marked ``background_poll`` (HTMX
refreshes of queue counts and the like) and requests sent with ``X-RCM-Background: 1`` never
refresh the idle clock, so a page left open on a shared workstation still logs off.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from rcmdesk.audit.services import record

LAST_ACTIVITY = "rcm_last_activity"
STARTED = "rcm_started"
BACKGROUND_HEADER = "X-RCM-Background"


def background_poll(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view as polled in the background: it must never extend a session."""
    view.background_poll = True  # type: ignore[attr-defined]
    return view


def is_background(request: HttpRequest) -> bool:
    if request.headers.get(BACKGROUND_HEADER) == "1":
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return bool(getattr(match.func, "background_poll", False))


def wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def presents_api_token(request: HttpRequest) -> bool:
    """An API request carrying ``Authorization: Bearer …``: the token alone decides who it
    is (rcmdesk.api.auth), so the session riding along is neither checked nor refreshed."""
    scheme = request.headers.get("Authorization", "").split(" ", 1)[0]
    return wants_json(request) and scheme.lower() == "bearer"


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # Bearer-token API calls are authenticated later, by the token alone.
        if not user.is_authenticated or presents_api_token(request):
            return self.get_response(request)
        request.acting.user = user  # type: ignore[attr-defined]
        expired = self._expired(request)
        if expired:
            record("session_expired", client_id=None, acting_user=user, detail={"reason": expired})
            logout(request)
            return self._to_login(request, expired)
        if not is_background(request):
            request.session[LAST_ACTIVITY] = time.time()
        return self.get_response(request)

    def _expired(self, request: HttpRequest) -> str | None:
        now = time.time()
        started = request.session.setdefault(STARTED, now)
        last = request.session.get(LAST_ACTIVITY, started)
        if now - last > settings.RCMDESK_IDLE_TIMEOUT.total_seconds():
            return "idle"
        if now - started > settings.RCMDESK_SESSION_LIFETIME.total_seconds():
            return "lifetime"
        return None

    def _to_login(self, request: HttpRequest, reason: str) -> HttpResponse:
        login_url = reverse("accounts:login") + f"?expired={reason}"
        if wants_json(request):
            return JsonResponse({"detail": "Session expired."}, status=401)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = login_url
            return response
        return redirect(login_url)


TWO_FACTOR_EXEMPT = ("accounts:otp", "accounts:enroll", "accounts:logout")


class RequireTwoFactorMiddleware:
    """Default-deny: a user who needs a second factor reaches nothing else until verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not presents_api_token(request)
            and needs_second_factor(user)
            and not is_verified(user)
            and request.path_info not in self.exempt_paths()
        ):
            if wants_json(request):
                return JsonResponse({"detail": "Two-factor verification required."}, status=401)
            if request.headers.get("HX-Request"):
                # Never swap the code form into a fragment: send the whole page there.
                response = HttpResponse(status=401)
                response["HX-Redirect"] = reverse("accounts:otp")
                return response
            return redirect("accounts:otp")
        return self.get_response(request)

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = tuple(reverse(name) for name in TWO_FACTOR_EXEMPT)
        return self._exempt


def is_verified(user: Any) -> bool:
    """Whether django-otp's middleware marked this user as past the second factor."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def needs_second_factor(user: Any) -> bool:
    """Required for partners and admins; for anyone else once they have enrolled a device."""
    from django_otp import user_has_device

    return bool(user.requires_two_factor or user_has_device(user, confirmed=True))
