from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.playbooks.models import PayerRule, PlaybookChange
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.tests.factories import make_claim

pytestmark = pytest.mark.django_db


def form(**fields: Any) -> dict[str, Any]:
    return {"client": "acme", "payer": "", "timely_filing_days": "", "appeal_days": "",
            "followup_days": "", "corrected_days": "", "secondary_days": "", "note": "",
            "change_note": "contract", **fields}


def test_a_client_admin_sets_a_payers_days_with_a_change_note(world: World,
                                                               signed_in: Any) -> None:
    payer = make_claim(world.acme).payer
    browser = signed_in(Role.CLIENT_ADMIN)
    response = browser.post("/playbook/rules/", form(payer=payer.pk, appeal_days="60",
                                                     secondary_days="120"))
    assert response.status_code == 302
    rule = PayerRule.objects.get()
    assert (rule.payer, rule.appeal_days, rule.secondary_days) == (payer, 60, 120)
    html = browser.get("/playbook/rules/").content.decode()
    assert 'data-testid="rule-form"' in html
    assert "appeal_days — → 60" in html


def test_a_rule_for_every_payer_and_its_history(world: World, signed_in: Any) -> None:
    browser = signed_in(Role.CLIENT_ADMIN)
    browser.post("/playbook/rules/", form(followup_days="30"))
    browser.post("/playbook/rules/", form(followup_days="21", change_note="faster"))
    assert PayerRule.objects.get(payer=None).followup_days == 21
    assert PlaybookChange.objects.count() == 2
    assert "followup_days 30 → 21" in browser.get("/playbook/rules/").content.decode()


def test_a_client_admin_asks_for_the_payers_call_reference_on_every_call(
        world: World, signed_in: Any) -> None:
    browser = signed_in(Role.CLIENT_ADMIN)
    browser.post("/playbook/rules/", form(call_reference_required="true",
                                          change_note="SOP: record the call reference"))
    assert PayerRule.objects.get(payer=None).call_reference_required is True
    html = browser.get("/playbook/rules/").content.decode()
    assert "call_reference_required — → True" in html
    assert '<td data-testid="call-reference">required</td>' in html


def test_days_out_of_range_are_refused(world: World, signed_in: Any) -> None:
    response = signed_in(Role.CLIENT_ADMIN).post("/playbook/rules/", form(appeal_days="0"))
    assert response.status_code == 400
    assert not PayerRule.objects.exists()


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, Role.CLIENT_STAFF, Role.PARTNER_LEAD,
                                  Role.PARTNER_SPECIALIST, Role.PARTNER_QA])
def test_other_roles_read_the_rules_but_cannot_change_them(world: World, signed_in: Any,
                                                           role: Role) -> None:
    browser = signed_in(role)
    page = browser.get("/playbook/rules/?client=acme")
    assert page.status_code == 200
    assert 'data-testid="rule-form"' not in page.content.decode()
    assert browser.post("/playbook/rules/", form(appeal_days="1")).status_code == 403
    assert not PayerRule.objects.exists()


def test_another_clients_rules_are_not_found(world: World, signed_in: Any) -> None:
    browser = signed_in(Role.CLIENT_ADMIN)
    assert browser.get("/playbook/rules/?client=birch").status_code == 404
    assert browser.post("/playbook/rules/", form(client="birch")).status_code == 404
