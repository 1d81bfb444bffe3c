"""Every response says how long the server spent on it (``Server-Timing: app;dur=<ms>``)."""

from __future__ import annotations

import re
import time

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from rcmdesk.web.timing import ServerTimingMiddleware

HEADER = re.compile(r"^app;dur=(\d+(?:\.\d+)?)$")


def test_the_header_gives_the_time_spent_below_the_middleware_in_milliseconds():
    def slow_view(request: HttpRequest) -> HttpResponse:
        time.sleep(0.05)
        return HttpResponse("ok")

    response = ServerTimingMiddleware(slow_view)(RequestFactory().get("/"))

    match = HEADER.match(response["Server-Timing"])
    assert match is not None, response["Server-Timing"]
    assert 50 <= float(match[1]) < 5000


def test_a_real_page_carries_the_header(client, db):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert HEADER.match(response["Server-Timing"])


def test_a_refusal_carries_it_too(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code in (302, 404)
    assert HEADER.match(response["Server-Timing"])
