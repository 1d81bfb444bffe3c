"""/scrubber/rules/: every built-in rule, with its code, severity and field."""

from __future__ import annotations

import pytest

from rcmdesk.conftest import World, sign_in
from rcmdesk.scrubber.registry import all_rules
from rcmdesk.scrubber.templatetags.scrubber_tags import field_words
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_rules_page_lists_every_built_in_rule(world: World, client) -> None:
    sign_in(client, world.user(Role.PARTNER_SPECIALIST))
    html = client.get("/scrubber/rules/").content.decode()
    for r in all_rules():
        assert f'data-testid="rule-{r.code}"' in html
        assert field_words(r.field) in html


def test_a_rule_names_the_field_it_checks_in_words_not_by_its_path() -> None:
    assert field_words("line[n].service_date") == "Line: service date"
    assert field_words("billing_provider.npi") == "Billing provider: NPI"
    assert field_words("") == "—"
