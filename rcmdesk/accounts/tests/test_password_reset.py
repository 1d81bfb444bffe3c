"""Password reset sets a new password and nothing else: no sign-in, no skipping TOTP."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from rcmdesk.accounts.tests.helpers import events, is_signed_in, post_login
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.roles import Role

NEW_PASSWORD = "a-brand-new-passphrase-42"


def _request_link(client: Client, email: str) -> str:
    response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    [message] = mail.outbox
    match = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def _set_password(client: Client, link: str) -> Any:
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_the_reset_page_renders(db):
    body = Client().get(reverse("accounts:password_reset")).content.decode()
    assert 'data-testid="reset-form"' in body


def test_an_unknown_address_gets_the_same_answer_and_no_mail(world):
    response = Client().post(reverse("accounts:password_reset"), {"email": "who@example.invalid"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_the_email_carries_a_link_and_no_password(world):
    _request_link(Client(), "pillar.specialist@example.invalid")
    body = mail.outbox[0].body
    assert "pillar.specialist" in body
    assert "correct-horse" not in body


def test_a_reset_never_signs_the_user_in(world):
    client = Client()
    link = _request_link(client, "pillar.specialist@example.invalid")
    response = _set_password(client, link)
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert not is_signed_in(client)
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("accounts:login"))
    assert events("password_reset")[0].actor_username == "pillar.specialist"


def test_after_a_reset_sign_in_still_asks_for_the_totp_code(world):
    client = Client()
    _set_password(client, _request_link(client, "pillar.specialist@example.invalid"))
    response = post_login(client, "pillar.specialist", NEW_PASSWORD)
    assert response["Location"] == reverse("accounts:otp")
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:otp")
    assert client.get("/api/me").status_code == 401


def test_a_reset_ends_the_sessions_the_user_already_had(world):
    user = world.user(Role.PARTNER_SPECIALIST)
    old = sign_in(Client(), user)
    _set_password(Client(), _request_link(Client(), user.email))
    assert old.get(reverse("web:home"))["Location"].startswith(reverse("accounts:login"))


def test_a_reset_link_works_only_once(world):
    client = Client()
    link = _request_link(client, "pillar.specialist@example.invalid")
    _set_password(client, link)
    again = Client().get(link, follow=True)
    assert 'data-testid="reset-invalid"' in again.content.decode()


def test_the_complete_page_reminds_that_the_second_factor_stays(db):
    body = Client().get(reverse("accounts:password_reset_complete")).content.decode()
    assert "two-factor" in body


def test_the_email_has_a_plain_subject(world):
    _request_link(Client(), "pillar.specialist@example.invalid")
    assert mail.outbox[0].subject == "Reset your rcmdesk password"


def test_reset_mails_are_limited_to_three_an_hour_per_address(world):
    client = Client()
    email = world.user(Role.CLIENT_STAFF).email
    for _ in range(5):
        response = client.post(reverse("accounts:password_reset"), {"email": email.upper()})
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 3
    assert [e.detail["throttled"] for e in events("password_reset_requested")] == [
        False, False, False, True, True]
