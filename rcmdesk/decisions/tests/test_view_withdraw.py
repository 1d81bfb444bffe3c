"""Withdrawing: only the proposer, only while open; the item comes back to them."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.decisions.models import ProposalStatus
from rcmdesk.decisions.tests.factories import ar_item, write_off
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemStatus

pytestmark = pytest.mark.django_db


def test_the_proposer_withdraws_and_the_item_reopens(world: World, signed_in: Any) -> None:
    item = ar_item(world.acme)
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), item)
    response = signed_in(Role.PARTNER_SPECIALIST).post(f"/decisions/{proposal.pk}/withdraw",
                                                       {"comment": "paid meanwhile"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    item.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert item.status == ItemStatus.OPEN


def test_someone_else_may_not_withdraw_it(world: World, signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    assert signed_in(Role.PARTNER_LEAD).post(
        f"/decisions/{proposal.pk}/withdraw").status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
