"""/scrubber/rules/: every built-in rule, with its code, severity and field."""

from __future__ import annotations

import pytest

from rcmdesk.conftest import World, sign_in
from rcmdesk.scrubber.registry import all_rules
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_rules_page_lists_every_built_in_rule(world: World, client) -> None:
    sign_in(client, world.user(Role.PARTNER_SPECIALIST))
    html = client.get("/scrubber/rules/").content.decode()
    for r in all_rules():
        assert f'data-testid="rule-{r.code}"' in html
        assert r.field in html
