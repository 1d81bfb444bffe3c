"""The second factor: required for partner users and admins, optional for client staff."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rcmdesk.accounts.services import install_totp
from rcmdesk.accounts.tests.helpers import (
    code_for,
    confirmed_device,
    events,
    is_signed_in,
    post_code,
    post_login,
)
from rcmdesk.conftest import TOTP_KEY
from rcmdesk.tenancy.roles import Role

NEEDS_TOTP = [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.PARTNER_QA, Role.CLIENT_ADMIN,
              Role.PLATFORM_ADMIN]


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.mark.parametrize("role", NEEDS_TOTP)
def test_partner_users_and_admins_are_sent_to_the_otp_step_after_the_password(world, role):
    client = Client()
    response = post_login(client, world.user(role).username)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp")
    assert is_signed_in(client)


@pytest.mark.parametrize("role", NEEDS_TOTP)
def test_until_verified_every_page_redirects_to_the_otp_step(world, role):
    client = Client()
    post_login(client, world.user(role).username)
    for url in (reverse("web:home"), reverse("web:queue_counts", args=["acme"]),
                reverse("audit:events"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("accounts:otp"), url


@pytest.mark.parametrize("role", NEEDS_TOTP)
def test_until_verified_the_api_answers_401(world, role):
    client = Client()
    post_login(client, world.user(role).username)
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Two-factor verification required."}


def test_the_otp_page_asks_for_a_code(world):
    client = Client()
    post_login(client, "pillar.specialist")
    response = client.get(reverse("accounts:otp"))
    assert response.status_code == 200
    assert 'data-testid="otp-form"' in response.content.decode()


def test_a_valid_code_completes_sign_in_and_opens_the_api(world):
    client = Client()
    post_login(client, "pillar.specialist")
    device = confirmed_device(world.user(Role.PARTNER_SPECIALIST))
    response = post_code(client, code_for(device))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200
    me = client.get("/api/me").json()
    assert me["username"] == "pillar.specialist"
    assert me["two_factor_verified"] is True


def test_the_code_step_returns_to_the_page_first_asked_for(world):
    client = Client()
    target = reverse("tenancy:engagement", args=[world.acme_engagement.pk])
    post_login(client, "pillar.specialist", next=target)
    response = post_code(client, code_for(confirmed_device(world.user(Role.PARTNER_SPECIALIST))))
    assert response["Location"] == target


def test_a_wrong_code_is_refused_and_audited_as_otp_failed(world):
    client = Client()
    post_login(client, "pillar.specialist")
    response = post_code(client, "000000")
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:otp")
    [event] = events("otp_failed")
    assert event.actor_username == "pillar.specialist"
    assert event.detail == {"throttled": False}


def test_letters_are_not_a_code(world):
    client = Client()
    post_login(client, "pillar.specialist")
    response = post_code(client, "abcdef")
    assert response.status_code == 200
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:otp")


def test_a_right_code_right_after_a_wrong_one_is_throttled(world):
    client = Client()
    post_login(client, "pillar.specialist")
    device = confirmed_device(world.user(Role.PARTNER_SPECIALIST))
    post_code(client, "000000")
    response = post_code(client, code_for(device))
    assert response.status_code == 200
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:otp")
    assert events("otp_failed")[-1].detail == {"throttled": True}


def test_a_code_cannot_be_replayed_in_another_session(world, no_throttle):
    device = confirmed_device(world.user(Role.PARTNER_SPECIALIST))
    code = code_for(device)
    first, second = Client(), Client()
    post_login(first, "pillar.specialist")
    assert post_code(first, code)["Location"] == reverse("web:home")
    post_login(second, "pillar.specialist")
    response = post_code(second, code)
    assert response.status_code == 200
    assert second.get(reverse("web:home"))["Location"] == reverse("accounts:otp")


def test_client_staff_need_no_second_factor(world):
    client = Client()
    post_login(client, "acme.staff")
    assert client.get(reverse("web:home")).status_code == 200
    assert client.get("/api/me").status_code == 200


def test_client_staff_who_enrolled_a_device_must_use_it(world):
    install_totp(world.user(Role.CLIENT_STAFF), TOTP_KEY)
    client = Client()
    response = post_login(client, "acme.staff")
    assert response["Location"] == reverse("accounts:otp")
    assert client.get("/api/me").status_code == 401


def test_a_verified_user_visiting_the_otp_page_goes_home(world, signed_in):
    response = signed_in(Role.PARTNER_SPECIALIST).get(reverse("accounts:otp"))
    assert response["Location"] == reverse("web:home")


def test_anonymous_visitors_cannot_reach_the_otp_page(db):
    response = Client().get(reverse("accounts:otp"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_valid_code_is_audited_as_otp_verified(world):
    client = Client()
    post_login(client, "pillar.specialist")
    post_code(client, code_for(confirmed_device(world.user(Role.PARTNER_SPECIALIST))))
    [event] = events("otp_verified")
    assert event.actor_username == "pillar.specialist"


def test_an_htmx_request_before_the_code_gets_401_and_hx_redirect(world):
    client = Client()
    post_login(client, "pillar.specialist")
    response = client.get(reverse("web:queue_counts", args=["acme"]),
                          headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == reverse("accounts:otp")
