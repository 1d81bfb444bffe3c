"""One login's page: its facts, history and the buttons its viewer may press."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.systemaccess.models import AccessStatus
from rcmdesk.systemaccess.tests.factories import acme_system, login
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_client_admin_sees_the_approve_button_and_the_lead_does_not(
        world: World, signed_in) -> None:
    access = login(world, acme_system(world), until="requested")
    url = reverse("systemaccess:detail", args=[access.pk])
    admin_body = signed_in(Role.CLIENT_ADMIN).get(url).content.decode()
    assert 'data-testid="approve"' in admin_body
    assert "Requested" in admin_body
    lead_body = signed_in(Role.PARTNER_LEAD).get(url).content.decode()
    assert 'data-testid="approve"' not in lead_body
    assert "sam.s" in lead_body


def test_the_history_lists_every_step_in_words(world: World, signed_in) -> None:
    access = login(world, acme_system(world))
    body = signed_in(Role.CLIENT_ADMIN).get(
        reverse("systemaccess:detail", args=[access.pk])).content.decode()
    assert "Approved, awaiting the login" in body
    assert "login given" in body
    assert access.status == AccessStatus.GRANTED


def test_another_clients_admin_gets_not_found(world: World) -> None:
    from django.test import Client

    from rcmdesk.conftest import sign_in

    access = login(world, acme_system(world))
    client = sign_in(Client(), world.birch_admin)
    assert client.get(reverse("systemaccess:detail", args=[access.pk])).status_code == 404
