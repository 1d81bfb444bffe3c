"""``Server-Timing: app;dur=<ms>`` on every response.

The crawler (rcmdesk/web/tests/test_crawler.py) holds every page to 500 ms of server time; the
header lets it measure the server alone, without the network or the browser's rendering, and
lets anyone see the same number in the browser's developer tools. It sits near the top of the
middleware stack so the number covers sessions, authentication and audit as well as the view.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ServerTimingMiddleware:
    """Add the request's server time in milliseconds as the ``app`` metric."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        return response
