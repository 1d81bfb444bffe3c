"""A forged or tampered session cookie is simply nobody: a redirect to login, never a 500."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from rcmdesk.tenancy.roles import Role


@pytest.mark.parametrize("value", ["garbage", "x" * 40, "", "../../etc/passwd", "a" * 5000])
def test_a_forged_session_cookie_is_treated_as_anonymous(db, value):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = value
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_tampered_real_session_cookie_is_treated_as_anonymous(world, signed_in):
    client = signed_in(Role.CLIENT_STAFF)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.cookies[settings.SESSION_COOKIE_NAME] = key[:-1] + ("a" if key[-1] != "a" else "b")
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_forged_cookie_gets_401_from_the_api(db):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "garbage"
    assert client.get("/api/me").status_code == 401


def test_the_session_cookie_is_http_only_and_lax(world):
    client = Client()
    client.post(reverse("accounts:login"),
                {"username": "acme.staff", "password": "correct-horse-battery-9"})
    morsel = client.cookies[settings.SESSION_COOKIE_NAME]
    assert morsel["httponly"]
    assert morsel["samesite"] == "Lax"
    assert morsel["secure"] == settings.SESSION_COOKIE_SECURE
