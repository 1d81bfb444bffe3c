"""A drawn week for page and API tests: the world's specialist closed four items, QA drew all."""

from __future__ import annotations

import pytest

from rcmdesk.conftest import World
from rcmdesk.qa.models import Audit
from rcmdesk.qa.tests.factories import drawn
from rcmdesk.tenancy.roles import Role


@pytest.fixture
def audits(world: World) -> list[Audit]:
    return drawn(world.acme_engagement, world.user(Role.PARTNER_QA),
                 world.user(Role.PARTNER_SPECIALIST))[1]
