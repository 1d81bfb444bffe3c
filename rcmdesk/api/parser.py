"""Request bodies read through the caps on untrusted JSON, as every uploaded file is.

django-ninja parses a body with a bare ``json.loads``: a NUL in a string reaches the
database (PostgreSQL cannot store it, a 500), ``1e400`` becomes infinity, and nesting or a
100,000-digit number is refused with a bare "Cannot parse request body". Through
``rcmdesk.untrusted`` the body meets the same limits as a FHIR file, numbers with a
fraction arrive as Decimal (money is never float), and ``refusal`` lets the 400 say which
element broke which limit.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from ninja.parser import Parser

from rcmdesk import untrusted


class UntrustedJSONParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        text = request.body.decode("utf-8-sig")
        return cast(dict[str, Any], untrusted.json_document(text, untrusted.Limits.of(settings)))


def refusal(exc: Exception) -> str | None:
    """What a cap said, when it is why ninja could not parse a body (ninja raises its own
    400 *from* the parser's exception)."""
    cause = exc.__cause__
    return str(cause) if isinstance(cause, untrusted.Refused) else None
