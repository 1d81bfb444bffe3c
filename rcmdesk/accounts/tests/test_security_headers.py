"""Every page carries the security headers; pages are never cached."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rcmdesk.tenancy.roles import Role


def _check(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["accounts:login", "accounts:password_reset"])
def test_anonymous_pages_carry_the_security_headers(db, name):
    response = Client().get(reverse(name))
    assert response.status_code == 200
    _check(response)


def test_signed_in_pages_carry_the_security_headers(world, signed_in):
    response = signed_in(Role.PARTNER_SPECIALIST).get(reverse("web:home"))
    assert response.status_code == 200
    _check(response)


def test_the_api_carries_the_security_headers(world, signed_in):
    response = signed_in(Role.CLIENT_STAFF).get("/api/me")
    assert response.status_code == 200
    _check(response)


def test_error_pages_carry_the_security_headers(world, signed_in):
    response = signed_in(Role.CLIENT_STAFF).get("/no/such/page/")
    assert response.status_code == 404
    _check(response)


def test_pages_contain_no_inline_script_or_style(world, signed_in):
    client = signed_in(Role.PARTNER_SPECIALIST)
    for url in (reverse("web:home"), reverse("accounts:login")):
        body = client.get(url).content.decode()
        assert "<script>" not in body
        assert "style=" not in body
        assert "<style" not in body
