"""Disabling a user ends every session and API token they hold, at once."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from rcmdesk.accounts import services
from rcmdesk.accounts.models import ApiToken, UserSession
from rcmdesk.accounts.tests.helpers import events, is_signed_in
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.roles import Role


def test_disabling_a_user_ends_all_their_sessions_and_tokens(world):
    user = world.user(Role.PARTNER_SPECIALIST)
    browsers = [sign_in(Client(), user), sign_in(Client(), user)]
    _, raw = ApiToken.issue(user, "laptop")
    bearer = {"Authorization": f"Bearer {raw}"}
    assert Client().get("/api/me", headers=bearer).status_code == 200

    ended = services.disable_user(user)

    assert ended == 2
    assert not UserSession.objects.filter(user=user).exists()
    assert Session.objects.count() == 0
    for browser in browsers:
        assert browser.get(reverse("web:home"))["Location"].startswith(reverse("accounts:login"))
    assert Client().get("/api/me", headers=bearer).status_code == 401
    assert ApiToken.objects.get(user=user).revoked_at is not None
    assert events("disable")[0].detail == {"sessions_ended": 2}


def test_other_users_keep_their_sessions(world):
    other = sign_in(Client(), world.user(Role.PARTNER_LEAD))
    sign_in(Client(), world.user(Role.PARTNER_SPECIALIST))
    services.disable_user(world.user(Role.PARTNER_SPECIALIST))
    assert other.get(reverse("web:home")).status_code == 200


def test_saving_a_user_as_inactive_anywhere_also_ends_their_sessions(world):
    user = world.user(Role.CLIENT_STAFF)
    browser = sign_in(Client(), user)
    user.is_active = False
    user.save()
    assert not UserSession.objects.filter(user=user).exists()
    assert not is_signed_in(browser)
