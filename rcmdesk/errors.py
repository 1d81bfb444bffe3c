"""The five kinds of domain error, each knowing the HTTP status it answers.

A service refuses in billing words by raising one of these (or an app's own subclass of
one); it never knows about HTTP. The edges map them in one place each: the API's
exception handler (``rcmdesk.api.api``) answers a ``Problem``, the web middleware
(``rcmdesk.web.middleware.DomainErrorMiddleware``) the site's error page or, for an htmx
request, a small fragment. So a refusal reads and answers the same on every page and route,
and no view or route maps an error itself.

Pure Python: services import it without pulling in the web layer.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules do not allow; the message says why, to the person who asked."""

    http_status = 400
    title = "This cannot be done"

    @property
    def detail(self) -> str:
        return str(self) or self.title

    def facts(self) -> dict[str, object]:
        """What a program may want beyond the sentence (the API adds it to the Problem
        body, e.g. the fields at fault); most refusals have nothing more to say."""
        return {}


class NotFound(DomainError):
    """Nothing by that name in what the person may see (missing and hidden answer alike)."""

    http_status = 404
    title = "Not found"


class Forbidden(DomainError):
    """The person's role or assignment does not allow this step."""

    http_status = 403
    title = "Not allowed"


class Conflict(DomainError):
    """The record is not in a state that allows the step (already decided, no longer a draft)."""

    http_status = 409
    title = "Not possible in this state"


class PreconditionFailed(DomainError):
    """The caller's copy is stale: someone else changed the record since it was read."""

    http_status = 412
    title = "Changed by someone else"


class Invalid(DomainError):
    """What was asked is incomplete or contradicts the rules (no reason, amount too high)."""

    http_status = 400
    title = "Please check what you entered"


KINDS: tuple[type[DomainError], ...] = (NotFound, Forbidden, Conflict, PreconditionFailed,
                                        Invalid)
