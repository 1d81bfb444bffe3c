"""The one error body of the API, and Django's error pages answered as that body under /api/.

Every error a program gets from /api/ is JSON ``{"detail": "..."}``: the routes' own refusals,
a request the framework could not validate (422, with the fields at fault), and what Django
answers before or after a route runs (an unknown path, an unreadable upload, a crash). An
integration never has to parse an HTML page to learn what went wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.views import defaults
from ninja import Schema

from rcmdesk.accounts.middleware import wants_json
from rcmdesk.web.errors import error_page

NOT_FOUND = "Not found."
UNKNOWN_ROUTE = "Not found: no API route answers this address (see /api/openapi.json)."
SERVER_ERROR = ("The server could not finish this request. It has been logged under request "
                "{request_id}; please try again in a moment.")
MAX_LISTED_ERRORS = 5


class Problem(Schema):
    """What went wrong, in a sentence a person can act on."""

    detail: str


class InvalidField(Schema):
    loc: list[str | int]
    msg: str


class InvalidRequest(Problem):
    """A 422: the sentence, and the fields at fault for programs (empty when the refusal
    is about the request as a whole)."""

    errors: list[InvalidField] = []


def describe_invalid(errors: Iterable[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The sentence and the field list of a 422, from pydantic's errors as ninja reports
    them (``loc`` starts with where the value was: query, path, body, form, file)."""
    fields = [_field(e) for e in errors]
    parts = [_one_field(f["loc"], f["msg"]) for f in fields[:MAX_LISTED_ERRORS]]
    if len(fields) > MAX_LISTED_ERRORS:
        parts.append(f"and {len(fields) - MAX_LISTED_ERRORS} more")
    return "The request was not accepted: " + "; ".join(parts) + ".", fields


def _field(error: dict[str, Any]) -> dict[str, Any]:
    loc: list[str | int] = [p if isinstance(p, int) else str(p) for p in error.get("loc", ())]
    return {"loc": loc, "msg": str(error.get("msg", "invalid"))}


def _one_field(loc: list[str | int], msg: str) -> str:
    where, *name = loc or ["request"]
    return f"{'.'.join(map(str, name)) or where} ({where}): {msg}"


def unreadable(exc: BaseException | None) -> str:
    """Why Django refused to read a request, without echoing what was sent."""
    if isinstance(exc, MultiPartParserError):
        reason = "The upload could not be read as a form"
        if "header size" in str(exc):
            return (f"{reason}: its part headers are over Django's limit of 1,024 bytes. A file "
                    "name longer than about 900 characters does this; shorten the name and "
                    "send the file again.")
        return f"{reason} ({exc}). Send it again as multipart/form-data."
    if isinstance(exc, RequestDataTooBig):
        return "The request is larger than the server accepts."
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return "The request has more fields or files than the server accepts."
    return "The request could not be read."


def problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def methods_as_problems(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Ninja answers a method a route lacks with a bare text 405; answer a Problem instead,
    keeping the ``Allow`` header (and the view's attributes, such as ``csrf_exempt``)."""

    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
                "application/json"):
            return response
        allowed = response.get("Allow", "")
        refused = problem(405, f"{request.method} is not allowed here; this route takes "
                               f"{allowed}.")
        refused["Allow"] = allowed
        return refused

    return answer


# Django's error handlers (``handler400`` … in rcmdesk.urls): a Problem under /api/, the
# site's error page (rcmdesk.web.errors) everywhere else.


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return problem(400, unreadable(exception))
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return problem(403, str(exception) or "Forbidden.")
    return error_page(request, 403, detail=_refusal_words(exception))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return problem(404, UNKNOWN_ROUTE)
    # Never the exception's words: a missing and a foreign object must read the same.
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        request_id = getattr(request, "request_id", "(none)")
        return problem(500, SERVER_ERROR.format(request_id=request_id))
    try:
        return error_page(request, 500, detail=SERVER_ERROR.format(
            request_id=getattr(request, "request_id", "(none)")))
    except Exception:  # the site's layout itself failed (the database is down): bare page
        return defaults.server_error(request)


def _refusal_words(exception: Exception) -> str:
    """A refusal's own sentence ("Only client admins read the audit log."), not Django's
    generic "Permission denied" or an empty one."""
    words = str(exception).strip()
    return "" if words in ("", "Permission denied", "Forbidden.") else words
