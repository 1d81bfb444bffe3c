"""Thresholds: the client admin edits them (audited), other people of the client read them,
partners do not see the page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.decisions.models import DecisionRule
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_client_admin_sets_a_write_off_threshold(world: World, signed_in: Any) -> None:
    response = signed_in(Role.CLIENT_ADMIN).post(
        "/decisions/rules/", {"kind": "write_off", "threshold": "25.00", "note": "small"})
    assert response.status_code == 302
    assert DecisionRule.objects.get(client=world.acme).threshold == Decimal("25.00")
    assert AuditEvent.objects.filter(action="decisions.rule").count() == 1


def test_a_manager_reads_but_may_not_change_them(world: World, signed_in: Any) -> None:
    manager = signed_in(Role.CLIENT_MANAGER)
    page = manager.get("/decisions/rules/")
    assert page.status_code == 200
    assert "Every amount is asked" in page.content.decode()
    assert 'data-testid="rule-form"' not in page.content.decode()
    assert manager.post("/decisions/rules/", {"kind": "write_off",
                                              "threshold": "25"}).status_code == 403
    assert not DecisionRule.objects.exists()


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST])
def test_partners_have_no_thresholds_page(world: World, signed_in: Any, role: Role) -> None:
    assert signed_in(role).get("/decisions/rules/").status_code == 403
