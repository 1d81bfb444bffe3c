"""Password sign-in through the real login view."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rcmdesk.accounts import services
from rcmdesk.accounts.tests.helpers import events, is_signed_in, post_login
from rcmdesk.tenancy.roles import Role


def test_the_login_page_renders_with_a_link_to_password_reset(db):
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="login-form"' in body
    assert reverse("accounts:password_reset") in body


def test_client_staff_sign_in_with_a_password_and_land_on_home(world):
    client = Client()
    response = post_login(client, "acme.staff")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert is_signed_in(client)
    assert client.get(reverse("web:home")).status_code == 200
    [event] = events("login")
    assert event.actor_username == "acme.staff"


def test_a_wrong_password_is_refused_and_audited_as_login_failed(world):
    client = Client()
    response = post_login(client, "acme.staff", "not-the-password")
    assert response.status_code == 200
    assert 'data-testid="form-error"' in response.content.decode()
    assert not is_signed_in(client)
    [event] = events("login_failed")
    assert event.detail == {"username": "acme.staff"}
    assert "not-the-password" not in str(event.detail)


def test_an_unknown_username_reads_exactly_like_a_wrong_password(world):
    wrong = post_login(Client(), "acme.staff", "not-the-password").content.decode()
    unknown = post_login(Client(), "nobody.here", "not-the-password").content.decode()

    def error(body: str) -> str:
        return body.split('data-testid="form-error">', 1)[1].split("</p>", 1)[0]

    assert error(wrong) == error(unknown)
    assert len(events("login_failed")) == 2


def test_a_disabled_user_cannot_sign_in(world):
    services.disable_user(world.user(Role.CLIENT_STAFF))
    client = Client()
    response = post_login(client, "acme.staff")
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_the_login_page_explains_an_idle_logoff(db):
    body = Client().get(reverse("accounts:login") + "?expired=idle").content.decode()
    assert 'data-testid="expired"' in body
    assert "inactivity" in body


def test_an_unknown_expired_reason_is_not_echoed(db):
    body = Client().get(reverse("accounts:login") + "?expired=<b>pwned</b>").content.decode()
    assert 'data-testid="expired"' not in body
    assert "pwned" not in body


def test_an_offsite_next_parameter_is_ignored(world):
    response = post_login(Client(), "acme.staff", next="https://evil.example/")
    assert response["Location"] == reverse("web:home")


def test_a_signed_in_user_visiting_login_goes_home(world, signed_in):
    response = signed_in(Role.CLIENT_STAFF).get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_anonymous_visitors_are_sent_to_login(db):
    response = Client().get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_signing_in_issues_a_new_session_key(world):
    from django.conf import settings

    client = Client()
    client.get(reverse("accounts:login"))
    session = client.session
    session["planted"] = True
    session.save()
    before = session.session_key
    post_login(client, "acme.staff")
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
