"""Adding a connection: a refusal comes back beside its field with what was typed."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.connectivity.models import Connection
from rcmdesk.connectivity.tests.connection_factories import core_values, sftp_values
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
URL = "/connections/add"


def _form(values: dict[str, Any]) -> dict[str, Any]:
    return values | {"carries": values["carries"].split(), "completion": "stable_size",
                     "after_download": "archive", "timeout_seconds": 60, "port":
                     values.get("port", 22)}


def test_the_form_renders_for_the_client_admin(world: World, signed_in: Any) -> None:
    page = signed_in(Role.CLIENT_ADMIN).get(URL)
    assert page.status_code == 200
    assert "Host key" in page.content.decode()


def test_an_sftp_mailbox_is_added_and_the_admin_is_sent_to_set_its_secret(
        world: World, signed_in: Any) -> None:
    response = signed_in(Role.CLIENT_ADMIN).post(URL, _form(sftp_values()))
    connection = Connection.objects.get(client=world.acme)
    assert response.status_code == 302
    assert response["Location"] == f"/connections/{connection.pk}/"
    assert connection.carries == "837 270 276 278"


def test_a_plain_http_endpoint_is_refused_beside_its_field(world: World,
                                                           signed_in: Any) -> None:
    values = _form(core_values(endpoint_url="http://core.example.com/x12"))
    page = signed_in(Role.CLIENT_ADMIN).post(URL, values)
    assert page.status_code == 400
    text = page.content.decode()
    assert "patient data never travels unencrypted" in text
    assert "http://core.example.com/x12" in text  # what was typed comes back
    assert not Connection.objects.exists()


def test_a_partner_lead_is_refused(world: World, signed_in: Any) -> None:
    assert signed_in(Role.PARTNER_LEAD).post(URL, _form(sftp_values())).status_code == 403
    assert not Connection.objects.exists()
