"""/scrubber/runs/: runs of the viewer's clients, with their clean-claim rate."""

from __future__ import annotations

import pytest

from rcmdesk.conftest import World, sign_in
from rcmdesk.scrubber import services
from rcmdesk.scrubber.tests import builders as b
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_runs_page_lists_the_clients_runs_with_their_rate(world: World, client) -> None:
    run = services.scrub(world.acme, [b.claim(world.acme), b.claim(world.acme,
                                                                          diagnoses=[])],
                                                                          acting_user=None,
                         today=b.TODAY, purpose="batch")
    sign_in(client, world.user(Role.CLIENT_STAFF))
    page = client.get("/scrubber/runs/")
    assert page.status_code == 200
    assert f'data-testid="rate-{run.pk}" data-value="50.00">50.0%' in page.content.decode()


def test_another_clients_runs_are_not_listed(world: World, client) -> None:
    run = services.scrub(world.birch, [b.claim(world.birch)], acting_user=None, today=b.TODAY)
    sign_in(client, world.user(Role.CLIENT_STAFF))
    assert f"rate-{run.pk}" not in client.get("/scrubber/runs/").content.decode()


def test_the_runs_page_needs_sign_in(client) -> None:
    assert client.get("/scrubber/runs/").status_code == 302
