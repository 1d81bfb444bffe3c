"""Signing out is POST only, so a link or an image cannot sign anyone out."""

from __future__ import annotations

from django.urls import reverse

from rcmdesk.accounts.tests.helpers import events, is_signed_in
from rcmdesk.tenancy.roles import Role


def test_a_get_does_not_sign_out(world, signed_in):
    client = signed_in(Role.CLIENT_STAFF)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert is_signed_in(client)


def test_a_post_signs_out_and_is_audited(world, signed_in):
    client = signed_in(Role.PARTNER_SPECIALIST)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert not is_signed_in(client)
    assert events("logout")[0].actor_username == "pillar.specialist"


def test_an_unverified_partner_can_still_sign_out(world):
    from django.test import Client

    from rcmdesk.accounts.tests.helpers import post_login

    client = Client()
    post_login(client, "pillar.specialist")
    assert client.post(reverse("accounts:logout"))["Location"] == reverse("accounts:login")
    assert not is_signed_in(client)


def test_the_sign_out_button_is_a_form_post(world, signed_in):
    body = signed_in(Role.CLIENT_STAFF).get(reverse("web:home")).content.decode()
    assert f'method="post" action="{reverse("accounts:logout")}"' in body
