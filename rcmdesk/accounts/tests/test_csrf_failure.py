"""A refused CSRF check answers with a plain page and no reason."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rcmdesk.accounts.tests.helpers import is_signed_in


def test_a_login_post_without_a_csrf_token_is_refused_plainly(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"),
                           {"username": "acme.staff", "password": "correct-horse-battery-9"})
    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-testid="error-csrf"' in body
    assert "CSRF cookie not set" not in body
    assert "Reason" not in body
    assert not is_signed_in(client)


def test_a_logout_post_without_a_csrf_token_does_not_sign_out(world):
    from rcmdesk.conftest import sign_in
    from rcmdesk.tenancy.roles import Role

    client = sign_in(Client(enforce_csrf_checks=True), world.user(Role.CLIENT_STAFF))
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    assert is_signed_in(client)


def test_a_login_post_with_the_token_from_the_form_works(world):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:login")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(reverse("accounts:login"),
                           {"username": "acme.staff", "password": "correct-horse-battery-9",
                            "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert is_signed_in(client)
