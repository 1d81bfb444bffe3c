"""Which connection does what: ``Connection.objects.enabled(...).carrying(...)`` is the one
question every sender, poller and clock asks, on both databases."""

from __future__ import annotations

import pytest

from rcmdesk.conftest import World
from rcmdesk.connectivity.models import Connection, ConnectionKind

pytestmark = pytest.mark.django_db


def _row(world: World, name: str, kind: str = ConnectionKind.SFTP, carries: str = "837",
         enabled: bool = True) -> Connection:
    # Rows made directly: the question is about the query, not about validating the form.
    return Connection.objects.create(client=world.acme, name=name, kind=kind, carries=carries,
                                     enabled=enabled)


def test_carrying_matches_a_set_only_as_a_whole_word_wherever_it_stands(world: World) -> None:
    alone = _row(world, "alone", carries="270")
    first = _row(world, "first", carries="270 276")
    last = _row(world, "last", carries="837 270")
    between = _row(world, "between", carries="837 270 278")
    _row(world, "other", carries="837 276 278")
    found = set(Connection.objects.carrying("270"))
    assert found == {alone, first, last, between}


def test_a_set_that_is_part_of_another_word_is_not_carried(world: World) -> None:
    _row(world, "wide", carries="2700 1270")
    assert not Connection.objects.carrying("270").exists()


def test_enabled_leaves_out_disabled_rows_and_takes_one_kind_or_several(world: World) -> None:
    sftp = _row(world, "mailbox")
    _row(world, "off", enabled=False)
    soap = _row(world, "soap", kind=ConnectionKind.CORE_SOAP, carries="270 276")
    rest = _row(world, "rest", kind=ConnectionKind.CORE_REST, carries="276")
    assert set(Connection.objects.enabled()) == {sftp, soap, rest}
    assert list(Connection.objects.enabled(ConnectionKind.SFTP)) == [sftp]
    core = (ConnectionKind.CORE_SOAP, ConnectionKind.CORE_REST)
    assert set(Connection.objects.enabled(core).carrying("276")) == {soap, rest}
    assert list(Connection.objects.enabled(core).carrying("270")) == [soap]
