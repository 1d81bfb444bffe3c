from __future__ import annotations

import pytest

from rcmdesk.conftest import World
from rcmdesk.intake import outbound
from rcmdesk.intake.models import ControlCounter, OutboundFile
from rcmdesk.x12.parser import parse
from rcmdesk.x12.writer import Elements, Envelope, TransactionBody

pytestmark = pytest.mark.django_db


def body() -> TransactionBody:
    segments: list[Elements] = [
        ["BHT", "0010", "13", "REQ1", "20260101", "1200"], ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", "PAYER", "", "", "", "", "PI", "P1"]]
    return TransactionBody("276", "005010X212", "HR", "0001", segments)


def test_each_outbound_file_takes_a_new_control_number_per_sender(world: World) -> None:
    env = Envelope(sender="ACMESENDER", receiver="PAYER")
    first = outbound.write(world.acme, "276", [body()], env, name="a.x12")
    second = outbound.write(world.acme, "276", [body()], env, name="b.x12")
    other = outbound.write(world.birch, "276", [body()], env, name="c.x12")
    assert (first.isa13, second.isa13, other.isa13) == ("000000001", "000000002", "000000001")
    assert OutboundFile.objects.count() == 3


def test_the_written_file_carries_its_control_number(world: World) -> None:
    out = outbound.write(world.acme, "276", [body()], Envelope(sender="S1"), name="a.x12")
    tx = next(iter(parse(bytes(out.content))))
    assert tx.interchange.control == out.isa13
    assert tx.group.control == out.gs06


def test_control_numbers_never_wrap(world: World) -> None:
    ControlCounter.objects.create(client=world.acme, isa_sender="S1", last=outbound.MAX_CONTROL)
    with pytest.raises(outbound.ControlNumbersExhausted):
        outbound.write(world.acme, "276", [body()], Envelope(sender="S1"), name="a.x12")
    assert not OutboundFile.objects.exists()
