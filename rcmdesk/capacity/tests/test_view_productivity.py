"""/capacity/productivity/: items per productive hour, handle-time percentiles, weekly trend."""

from __future__ import annotations

import pytest
from django.test import Client

from rcmdesk.conftest import World, sign_in
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_admin_sees_the_specialist_rate(signed_in, world: World, worked_queue) -> None:
    response = signed_in(Role.CLIENT_ADMIN).get("/capacity/productivity/?client=acme")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<td>pillar.specialist</td><td>AR follow-up</td>" in body
    assert 'data-testid="handle"' in body


def test_client_staff_are_refused(signed_in, world: World) -> None:
    assert signed_in(Role.CLIENT_STAFF).get("/capacity/productivity/").status_code == 403


def test_another_client_is_404(world: World) -> None:
    response = sign_in(Client(), world.birch_admin).get("/capacity/productivity/?client=acme")
    assert response.status_code == 404
