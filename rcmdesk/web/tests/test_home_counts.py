"""The home page's client card: open items and decisions waiting, as the workbench and the
decisions inbox count them for the viewer."""

from __future__ import annotations

from decimal import Decimal

from rcmdesk.conftest import World
from rcmdesk.decisions.tests.factories import ar_item, write_off
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus
from rcmdesk.workqueue.tests.factories import make_item


def test_the_card_shows_open_items_with_dollars_and_decisions_waiting(world: World,
                                                                      signed_in) -> None:
    make_item(world.acme, 1, amount=Decimal("100.00"))
    make_item(world.acme, 2, amount=Decimal("1000.00"), status=ItemStatus.DONE)
    # a $250.00 AR item set aside for the client's write-off decision: open, and waiting
    write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme, 3), "40.00")
    body = signed_in(Role.CLIENT_MANAGER).get("/clients/acme/queue-counts/").content.decode()
    assert "2 open items, $350.00" in body
    assert 'data-testid="open-denials" data-count="1"' in body
    assert "1 decision waiting" in body


def test_a_client_with_nothing_open_says_so(world: World, signed_in) -> None:
    make_item(world.birch, 1, kind=ItemKind.ELIGIBILITY)
    body = signed_in(Role.CLIENT_MANAGER).get("/clients/acme/queue-counts/").content.decode()
    assert "no open items" in body
    assert "decision" not in body
