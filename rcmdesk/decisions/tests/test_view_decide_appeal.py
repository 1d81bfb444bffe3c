"""An appeal's filing decision taken from the inbox goes through denials' own decide."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.denials import appeals
from rcmdesk.denials.models import Appeal, AppealStatus
from rcmdesk.denials.tests.builders import denied_claim, lease
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def pending_appeal(world: World) -> Appeal:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    denied = denied_claim(world.acme)
    appeal = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    return appeals.mark_pending_decision(appeal, appeal.version, acting_user=specialist)


def test_a_manager_approves_filing_from_the_inbox(world: World, signed_in: Any) -> None:
    appeal = pending_appeal(world)
    response = signed_in(Role.CLIENT_MANAGER).post(
        f"/decisions/appeals/{appeal.pk}/decide",
        {"decision": "approve", "comment": "file it", "version": appeal.version})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.APPROVED


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST])
def test_a_partner_cannot_decide_an_appeal_here(world: World, signed_in: Any,
                                                role: Role) -> None:
    appeal = pending_appeal(world)
    response = signed_in(role).post(f"/decisions/appeals/{appeal.pk}/decide",
                                    {"decision": "approve", "version": appeal.version})
    assert response.status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING_CLIENT_DECISION


def test_a_stale_decision_answers_conflict(world: World, signed_in: Any) -> None:
    appeal = pending_appeal(world)
    manager = signed_in(Role.CLIENT_MANAGER)
    form = {"decision": "approve", "version": appeal.version}
    manager.post(f"/decisions/appeals/{appeal.pk}/decide", form)
    assert manager.post(f"/decisions/appeals/{appeal.pk}/decide", form).status_code == 409
