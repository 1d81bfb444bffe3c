"""The site's one error page: a title in plain words, the reason, and a way back.

Every refusal a person meets on a page ends here: Django's handlers (400, 403, 404, 500 via
``rcmdesk.api.problems``), a domain error (``middleware.refusal``: 400, 403, 404, 409, 412)
and a bare status a view returned without a page (``BarePageErrorMiddleware``). The page
uses the site's layout, so a signed-in person keeps the navigation, and it offers the page
they came from and the home page, never a dead end.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import strip_tags
from django.utils.http import url_has_allowed_host_and_scheme

from rcmdesk.accounts.middleware import wants_json

# (title, reason) for a status when the refusal brings no words of its own.
PLAIN: dict[int, tuple[str, str]] = {
    400: ("This request was not understood",
          "Something in the address or the form could not be read, so nothing was done."),
    403: ("Not allowed",
          "Your account is not allowed to do this. If you think it should be, ask your "
          "administrator."),
    404: ("Not found", "There is nothing here that you can see."),
    405: ("Not available this way",
          "This page does not take that kind of request. Open it from a link or a button."),
    409: ("Not possible in this state",
          "The record is no longer in a state that allows this. Reload it to see where it "
          "stands."),
    412: ("Changed by someone else",
          "Someone changed this record after you opened it. Reload it and try again."),
    500: ("Something went wrong",
          "The server could not finish this request. It has been logged; please try again "
          "in a moment."),
}
# Statuses a person may meet as a page; another one is answered as a 400.
PAGE_STATUSES = frozenset(PLAIN)


def plain(status: int) -> tuple[str, str]:
    return PLAIN.get(status) or PLAIN[500 if status >= 500 else 400]


def came_from(request: HttpRequest) -> str:
    """The page the person came from, when it is one of ours and not this one ("" if not)."""
    referer = request.headers.get("Referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 for a forged Host header: trust nothing it says
        return ""
    if not referer or not url_has_allowed_host_and_scheme(
            referer, allowed_hosts={host}, require_https=request.is_secure()):
        return ""
    parts = urlsplit(referer)
    back = parts.path + (f"?{parts.query}" if parts.query else "")
    return "" if back == request.get_full_path() else back


def error_page(request: HttpRequest, status: int, *, title: str = "",
               detail: str = "") -> HttpResponse:
    """The styled page for ``status``, in the refusal's own words where it has some."""
    default_title, default_detail = plain(status)
    return render(request, "web/error.html", {
        "status": status, "title": title or default_title, "detail": detail or default_detail,
        "back": came_from(request)}, status=status)


def is_page_request(request: HttpRequest) -> bool:
    """A person's browser asking for a page: not the API, not an htmx swap."""
    return not wants_json(request) and not request.headers.get("HX-Request")


class BarePageErrorMiddleware:
    """A refusal a view answered without a page (``HttpResponseBadRequest("bad week")``, the
    empty 405 of ``require_GET``) becomes the site's error page, with the view's sentence as
    the reason: a person never meets an unstyled page, whichever view refused.

    Only for page requests; the API and htmx keep the bare answer (the API's own handlers and
    app.js's message in place speak for them)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _bare_refusal(response) or not is_page_request(request):
            return response
        reason = strip_tags(response.content.decode(errors="replace")).strip()[:500]
        page = error_page(request, response.status_code if response.status_code in
                          PAGE_STATUSES else 400, detail=reason)
        for header in ("Allow", "X-Request-ID"):
            if header in response:
                page[header] = response[header]
        return page


def _bare_refusal(response: HttpResponse) -> bool:
    if not 400 <= response.status_code < 500 or response.status_code == 401:
        return False
    if getattr(response, "streaming", False):
        return False
    kind = response.get("Content-Type", "")
    if not (kind.startswith("text/html") or kind.startswith("text/plain")):
        return False
    head = response.content[:512].lstrip().lower()
    return not head.startswith((b"<!doctype", b"<html"))
