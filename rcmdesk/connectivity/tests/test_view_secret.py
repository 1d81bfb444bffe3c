"""The write-only secret form: a saved or refused secret never comes back to the browser,
and the page lists every rotation (who, when, which key)."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.connectivity import secrets
from rcmdesk.connectivity.models import Credential
from rcmdesk.connectivity.tests.connection_factories import (
    PASSWORD,
    assert_nowhere_in_audit,
    private_key,
    sftp_connection,
)
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def _url(connection_id: int, kind: str = "password") -> str:
    return f"/connections/{connection_id}/secret/{kind}"


def test_a_password_is_set_then_rotated_and_never_shown(world: World, signed_in: Any) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    browser = signed_in(Role.CLIENT_ADMIN)
    assert "Never set." in browser.get(_url(connection.pk)).content.decode()
    for value in (PASSWORD, PASSWORD + "-rotated"):
        response = browser.post(_url(connection.pk), {"secret": value})
        assert response.status_code == 302
    page = browser.get(_url(connection.pk)).content.decode()
    assert PASSWORD not in page
    assert page.count(secrets.current_key_id()) == 2
    assert "Current" in page
    assert secrets.current_secret(connection, "password") == PASSWORD + "-rotated"
    assert_nowhere_in_audit(PASSWORD)
    assert_nowhere_in_audit(PASSWORD + "-rotated")


def test_a_refused_key_comes_back_as_an_empty_box(world: World, signed_in: Any) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    key = private_key("pass phrase")
    page = signed_in(Role.CLIENT_ADMIN).post(_url(connection.pk, "private_key"),
                                             {"secret": key})
    assert page.status_code == 400
    text = page.content.decode()
    assert "protected by a passphrase" in text
    assert key.splitlines()[1] not in text
    assert not Credential.objects.exists()


def test_a_private_key_shows_its_fingerprint(world: World, signed_in: Any) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    browser = signed_in(Role.CLIENT_ADMIN)
    key = private_key()
    browser.post(_url(connection.pk, "private_key"), {"secret": key})
    text = browser.get(_url(connection.pk, "private_key")).content.decode()
    assert Credential.objects.get().hint in text
    assert key.splitlines()[1] not in text


def test_a_kind_the_connection_does_not_use_is_not_found(world: World,
                                                         signed_in: Any) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    browser = signed_in(Role.CLIENT_ADMIN)
    assert browser.get(_url(connection.pk, "oauth_secret")).status_code == 404


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST,
                                  Role.CLIENT_MANAGER])
def test_nobody_else_sets_or_sees_the_history(world: World, signed_in: Any, role: Role) -> None:
    connection = sftp_connection(world.acme, world.user(Role.CLIENT_ADMIN))
    browser = signed_in(role)
    assert browser.get(_url(connection.pk)).status_code == 403
    assert browser.post(_url(connection.pk), {"secret": PASSWORD}).status_code == 403
    assert not Credential.objects.exists()
