"""TA1s sit outside every transaction set: intake hands them to registered handlers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.audit.services import record
from rcmdesk.conftest import World
from rcmdesk.intake import signals
from rcmdesk.intake.models import FileStatus, ReceivedFile
from rcmdesk.intake.services import ingest, process, retry
from rcmdesk.remits.models import Account, LedgerEntry
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.x12.t999 import InterchangeAck

ISA = ("ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*RCMDESK        "
       "*261121*1200*^*00501*000000900*0*T*:~\n")


def ta1_only(status: str = "R") -> bytes:
    return (ISA + f"TA1*000000042*261120*1200*{status}*022~\nIEA*0*000000900~\n").encode()


class Handler:
    """Records what it was given; writes an audit event, then fails when told to."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[list[InterchangeAck]] = []

    def __call__(self, received: ReceivedFile, acks: list[Any], *,
                 acting_user: Any) -> dict[str, Any]:
        self.calls.append(acks)
        record("test.ta1_seen", client_id=received.client_id, obj=received,
               acting_user=acting_user)
        if self.fail:
            raise RuntimeError("handler broke")
        return {"seen": len(acks)}


@pytest.fixture
def handler(monkeypatch: pytest.MonkeyPatch) -> Handler:
    """The only registered handler for the test (the apps' own ones set aside)."""
    monkeypatch.setattr(signals, "INTERCHANGE_ACK_HANDLERS", [])
    found = Handler()
    signals.register_interchange_ack(found)
    return found


def test_a_file_holding_only_a_ta1_reaches_the_registered_handler(
        world: World, handler: Handler) -> None:
    result = ingest(world.acme, ta1_only(), "only.ta1")
    assert result.outcome == FileStatus.APPLIED, result.message
    [[ack]] = handler.calls
    assert (ack.control, ack.status, ack.note, ack.accepted) == ("000000042", "R", "022", False)
    assert result.file.summary["sets"]["TA1"] == {
        "set": "TA1", "acks": 1, "outcome": "applied", "seen": 1}


def test_a_file_already_applied_is_not_handed_over_again(world: World, handler: Handler) -> None:
    first = ingest(world.acme, ta1_only(), "only.ta1")
    ingest(world.acme, ta1_only(), "copy.ta1")
    process(first.file)
    assert len(handler.calls) == 1


def test_a_failing_handler_leaves_nothing_and_the_file_failed_until_retried(
        world: World, handler: Handler) -> None:
    handler.fail = True
    result = ingest(world.acme, ta1_only(), "only.ta1")
    assert result.outcome == FileStatus.FAILED
    assert "handler broke" in result.message
    assert not AuditEvent.objects.filter(action="test.ta1_seen").exists()
    handler.fail = False
    assert retry(result.file).outcome == FileStatus.APPLIED
    assert AuditEvent.objects.filter(action="test.ta1_seen").count() == 1


def test_a_ta1_beside_an_835_goes_to_the_handler_and_the_remit_still_posts(
        world: World, handler: Handler) -> None:
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    isa, rest = remit(header("100.00") + "CLP*PCN1*1*100*100**12*CCN1~"
                      "SVC*HC:99213*100*100**1~").split(b"\n", 1)
    data = isa + b"\nTA1*000000042*261120*1200*A*000~\n" + rest
    result = ingest(world.acme, data, "with-ta1.835")
    assert result.outcome == FileStatus.APPLIED, result.message
    assert [[a.accepted for a in acks] for acks in handler.calls] == [[True]]
    assert sum(e.amount for e in LedgerEntry.objects.filter(
        account=Account.PAYER_CASH)) == Decimal("100")


def test_with_no_handler_a_ta1_is_stored_only(world: World,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signals, "INTERCHANGE_ACK_HANDLERS", [])
    result = ingest(world.acme, ta1_only(), "only.ta1")
    assert result.outcome == FileStatus.APPLIED
    assert result.file.summary["sets"]["TA1"]["stored_only"] is True


def test_registering_the_same_handler_twice_keeps_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signals, "INTERCHANGE_ACK_HANDLERS", [])
    found = Handler()
    signals.register_interchange_ack(found)
    signals.register_interchange_ack(found)
    assert signals.interchange_ack_handlers() == [found]
