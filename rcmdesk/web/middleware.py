"""Request-wide plumbing: request ids, the acting context for audit, refused-access events,
and the one place a page or an htmx request answers a domain error."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from rcmdesk.accounts.middleware import wants_json
from rcmdesk.accounts.people import person
from rcmdesk.audit.context import acting
from rcmdesk.errors import DomainError
from rcmdesk.web.errors import error_page

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
REFUSED_STATUSES = {401, 403, 404, 405}


class RequestContextMiddleware:
    """Give each request an id and an acting context; audit refusals to signed-in users.

    Refused and failed reads are part of the trail (who probed what), so any 401/403/404
    answered to an authenticated user becomes an audit event.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        ip = request.META.get("REMOTE_ADDR") or None
        with acting(None, ip=ip, request_id=request_id, channel="web") as ctx:
            request.acting = ctx  # type: ignore[attr-defined]
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if response.status_code in REFUSED_STATUSES and person(user) is not None:
                _audit_refusal(request, response, user)
        response["X-Request-ID"] = request_id
        return response


def _audit_refusal(request: HttpRequest, response: HttpResponse, user: object) -> None:
    from rcmdesk.audit.services import record

    record(
        "access_refused", client_id=None, acting_user=user,
        object_type="url", object_id=request.path[:64],
        detail={"method": request.method, "status": response.status_code,
                "path": request.get_full_path()[:500]},
    )


class PermissionsPolicyMiddleware:
    """Switch off browser features the workbench never uses."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.POLICY)
        response.setdefault("Cache-Control", "no-store")
        return response


class RejectedSessionMiddleware:
    """Audit a session cookie the server does not know: forged, tampered or expired.

    Django treats such a cookie as anonymous and deletes it; this leaves a trace of it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        presented = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        # Loading a session whose key the store does not know leaves it keyless.
        if presented and not request.session.keys() and request.session.session_key is None:
            from rcmdesk.audit.services import record

            record("session_rejected", client_id=None,
                   detail={"reason": "unknown, expired or tampered session cookie",
                           "path": request.path[:200]})
        return self.get_response(request)


class DomainErrorMiddleware:
    """A domain error that escapes a view answers its kind's status, in the service's words.

    A middleware, not a view decorator: it covers every view, present and future, without
    each one having to opt in (the way Django already answers Http404 and PermissionDenied),
    and it sees the error before Django's own PermissionDenied handler does, so a
    ``Forbidden`` refusal that is also a PermissionDenied shows its message. A view that
    re-renders its form with the error beside the field still catches it: that is
    presentation; the bare error-to-status mapping lives only here (and in the API's one
    handler, ``rcmdesk.api.api.domain_error``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest,
                          exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        return refusal(request, exception)


def refusal(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The answer to a refused request: a Problem under /api/, a fragment aimed at the
    page's ``#refusal`` region for htmx (shown although it is a 4xx, see app.js), the
    site's error page otherwise."""
    status = error.http_status
    if wants_json(request):
        return JsonResponse({"detail": error.detail}, status=status)
    if not request.headers.get("HX-Request"):
        return error_page(request, status, title=error.title, detail=error.detail)
    context = {"title": error.title, "detail": error.detail, "status": status}
    response = render(request, "web/_refused.html", context, status=status)
    response["HX-Retarget"] = "#refusal"
    response["HX-Reswap"] = "innerHTML"
    response["X-RCM-Refusal"] = "1"
    return response
