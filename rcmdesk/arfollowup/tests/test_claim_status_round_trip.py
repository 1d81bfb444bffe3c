"""The claim status round trip: our 276 goes out, the payer's 277 comes back through intake,
and the claim's answers and AR item follow."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.arfollowup.models import ClaimStatusRequest, ClaimStatusResponse
from rcmdesk.arfollowup.services import MixedClients, request_status
from rcmdesk.arfollowup.status277 import apply_277
from rcmdesk.arfollowup.tests.builders import Reply, build_277, write_277
from rcmdesk.audit.models import AuditEvent
from rcmdesk.claims.models import Claim
from rcmdesk.conftest import World, make_user
from rcmdesk.intake import services as intake
from rcmdesk.intake.models import OutboundFile
from rcmdesk.intake.services import ALREADY, ingest
from rcmdesk.playbooks.services import DeadlineBook
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import services as workqueue
from rcmdesk.workqueue.models import (
    KIND_WORKFLOW,
    ActionKind,
    ItemKind,
    ItemStatus,
    WorkAction,
    WorkItem,
)
from rcmdesk.workqueue.tests.factories import make_claim
from rcmdesk.x12 import t276
from rcmdesk.x12.findings import Severity
from rcmdesk.x12.parser import parse
from rcmdesk.x12.validate import validate
from rcmdesk.x12.writer import Envelope, write_interchange

pytestmark = pytest.mark.django_db


def specialist(world: World) -> Any:
    return world.user(Role.PARTNER_SPECIALIST)


def ar_item(claim: Claim, **fields: Any) -> WorkItem:
    return WorkItem.objects.create(
        client=claim.client, workflow=KIND_WORKFLOW[ItemKind.AR_FOLLOWUP],
        kind=ItemKind.AR_FOLLOWUP, source_key=f"claim:{claim.pk}", claim=claim,
        title=f"follow up {claim.patient_control_number}", priority=70, **fields)


def parsed(out: OutboundFile) -> list[t276.StatusRequest]:
    return list(t276.requests(bytes(out.content), name=out.name))


def inquiries(out: OutboundFile) -> list[t276.ClaimInquiry]:
    return [claim for req in parsed(out) for provider in req.providers
            for person in provider.subscribers for claim in person.claims]


def traces(claim: Claim) -> list[str]:
    return list(ClaimStatusRequest.objects.filter(claim=claim).values_list("trace", flat=True))


def receive(world: World, replies: list[Reply], interchange: int = 1) -> Any:
    return ingest(world.acme, write_277(replies, interchange=interchange), "status.277")


# --- the 276 ------------------------------------------------------------------------------


def test_a_276_for_one_claim_reads_back_with_its_trace_and_references(world: World) -> None:
    claim = make_claim(world.acme, "PCN1", service=date(2025, 12, 1))
    out = request_status([claim], acting_user=specialist(world))
    [inquiry] = inquiries(out)
    [req] = ClaimStatusRequest.objects.filter(claim=claim)
    assert inquiry.trace == req.trace
    assert ("EJ", "PCN1") in inquiry.references
    assert inquiry.charge == Decimal("100.00")
    assert req.outbound == out
    assert req.requested_by == specialist(world)
    assert out.set_id == "276"
    assert out.count == 1
    assert parsed(out)[0].payer is not None
    assert parsed(out)[0].payer.id == claim.payer.payer_id


def test_our_276_passes_our_own_validator(world: World) -> None:
    claim = make_claim(world.acme, "PCN1", service=date(2025, 12, 1))
    out = request_status([claim, make_claim(world.acme, "PCN2")], acting_user=specialist(world))
    errors = [f for f in validate(bytes(out.content), name=out.name)
              if f.severity is Severity.ERROR]
    assert errors == []


def test_a_batch_asks_about_every_claim_once_with_a_trace_each(world: World) -> None:
    claims = [make_claim(world.acme, f"PCN{n}") for n in range(3)]
    medicare = make_claim(world.acme, "PCN-M", payer_kind="medicare")
    out = request_status([*claims, claims[0], medicare], acting_user=specialist(world))
    asked = inquiries(out)
    assert sorted(i.trace for i in asked) == sorted(
        ClaimStatusRequest.objects.values_list("trace", flat=True))
    assert sorted(dict(i.references)["EJ"] for i in asked) == ["PCN-M", "PCN0", "PCN1", "PCN2"]
    assert len({i.trace for i in asked}) == 4
    assert sorted(r.payer.id for r in parsed(out) if r.payer) == ["P-commercial", "P-medicare"]
    assert out.count == 4


def test_every_request_takes_a_new_control_number_and_a_new_trace(world: World) -> None:
    claim = make_claim(world.acme, "PCN1")
    first = request_status([claim], acting_user=specialist(world))
    second = request_status([claim], acting_user=specialist(world))
    assert first.isa13 != second.isa13
    assert len(set(traces(claim))) == 2


def test_asking_about_a_claim_writes_status_requested_on_its_ar_item(world: World) -> None:
    claim = make_claim(world.acme, "PCN1")
    item = ar_item(claim)
    request_status([claim], acting_user=specialist(world))
    item.refresh_from_db()
    action = item.actions.get()
    assert action.kind == ActionKind.STATUS_REQUESTED
    assert traces(claim)[0] in action.note
    assert item.version == 2
    assert item.touches == 1


def test_the_holder_of_the_item_records_the_request_through_the_engine(world: World) -> None:
    claim = make_claim(world.acme, "PCN1")
    ar_item(claim)
    held = workqueue.claim_next(acting_user=specialist(world))
    assert held is not None
    request_status([claim], acting_user=specialist(world))
    held.refresh_from_db()
    assert [a.kind for a in held.actions.all()] == [ActionKind.CLAIMED,
                                                   ActionKind.STATUS_REQUESTED]
    assert held.status == ItemStatus.IN_PROGRESS
    assert held.is_leased_to(specialist(world))


def test_someone_outside_the_client_cannot_ask_and_nothing_is_written(world: World) -> None:
    claim = make_claim(world.acme, "PCN1")
    with pytest.raises(Http404):
        request_status([claim], acting_user=world.birch_admin)
    with pytest.raises(PermissionDenied):
        request_status([claim], acting_user=world.user(Role.PARTNER_QA))
    assert not OutboundFile.objects.exists()
    assert not ClaimStatusRequest.objects.exists()


def test_one_request_never_mixes_clients(world: World) -> None:
    with pytest.raises(MixedClients):
        request_status([make_claim(world.acme, "A"), make_claim(world.birch, "B")],
                       acting_user=world.user(Role.PLATFORM_ADMIN))


def test_the_request_is_audited(world: World) -> None:
    claim = make_claim(world.acme, "PCN1")
    request_status([claim], acting_user=specialist(world))
    assert AuditEvent.objects.filter(action="arfollowup.status_requested").count() == 1


# --- the 277 ------------------------------------------------------------------------------


def asked(world: World, pcn: str = "PCN1", **item_fields: Any) -> tuple[Claim, WorkItem, str]:
    claim = make_claim(world.acme, pcn)
    item = ar_item(claim, **item_fields)
    request_status([claim], acting_user=specialist(world))
    item.refresh_from_db()
    return claim, item, traces(claim)[0]


def followup_days(claim: Claim) -> int:
    return DeadlineBook(claim.client_id).for_payer(claim.payer).followup_days


@pytest.mark.parametrize("category", ["A1", "A2", "P0", "P1"])
def test_an_acknowledged_or_pending_claim_waits_for_the_payer(world: World,
                                                              category: str) -> None:
    claim, item, trace = asked(world)
    result = receive(world, [Reply(trace, "PCN1", category, "20", day="20260105")])
    assert result.outcome == "applied"
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING_PAYER
    assert item.follow_up_on == date(2026, 1, 5) + timedelta(days=followup_days(claim))
    assert item.detail["claim_status"] == {"category": category, "status": "20"}
    assert item.priority == 70
    [answer] = ClaimStatusResponse.objects.filter(claim=claim)
    assert (answer.category, answer.status_code, answer.effective_date) == (
        category, "20", date(2026, 1, 5))
    assert answer.request is not None
    assert answer.request.trace == trace


@pytest.mark.parametrize(("category", "step"), [("F1", "check_remit"), ("F2", "work_denial"),
                                                ("F3", "check_remit")])
def test_a_finalized_claim_goes_back_to_the_queue_to_check_the_remit_or_work_the_denial(
        world: World, category: str, step: str) -> None:
    claim, item, trace = asked(world, status=ItemStatus.PENDING_PAYER,
                               follow_up_on=date(2026, 3, 1))
    receive(world, [Reply(trace, "PCN1", category, "65", paid=Decimal("80.00"))])
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    assert item.follow_up_on is None
    assert item.detail["next_step"] == step
    assert "finalized" in item.detail["note"]
    answer = ClaimStatusResponse.objects.get(claim=claim)
    assert (answer.total_charge, answer.paid_amount) == (Decimal("100.00"), Decimal("80.00"))


@pytest.mark.parametrize("category", ["A3", "A4", "A6", "A7", "A8", "D0"])
def test_a_claim_the_payer_cannot_find_or_rejected_is_to_be_resubmitted(
        world: World, category: str) -> None:
    _, item, trace = asked(world, status=ItemStatus.PENDING_PAYER,
                           follow_up_on=date(2026, 3, 1))
    receive(world, [Reply(trace, "PCN1", category, "21")])
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    assert item.detail["next_step"] == "resubmit"
    assert item.priority == 70


def test_a_code_without_a_rule_opens_the_item_with_a_note(world: World) -> None:
    _, item, trace = asked(world, status=ItemStatus.PENDING_PAYER)
    receive(world, [Reply(trace, "PCN1", "R1", "21")])
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    assert "R1" in item.detail["note"]


def test_a_payer_waiting_on_the_provider_is_work_not_waiting(world: World) -> None:
    _, item, trace = asked(world)
    receive(world, [Reply(trace, "PCN1", "P3", "21")])
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    assert item.detail["next_step"] == "send_information"


def test_each_change_is_history_with_codes_only_and_audited(world: World) -> None:
    _, item, trace = asked(world)
    receive(world, [Reply(trace, "PCN1", "A2", "20")])
    action = WorkAction.objects.filter(item=item, kind=ActionKind.UPDATED).get()
    assert action.actor is None
    assert action.note == "277 A2:20 2026-01-05"
    assert (action.from_status, action.to_status) == (ItemStatus.OPEN,
                                                      ItemStatus.PENDING_PAYER)
    assert AuditEvent.objects.filter(action="workitem.updated", object_id=str(item.pk)).exists()


def test_a_batch_answer_moves_each_claims_item_by_its_own_status(world: World) -> None:
    claims = [make_claim(world.acme, f"PCN{n}") for n in range(3)]
    items = [ar_item(c) for c in claims]
    request_status(claims, acting_user=specialist(world))
    codes = ["A1", "F2", "A7"]
    receive(world, [Reply(traces(c)[0], c.patient_control_number, code, "20")
                    for c, code in zip(claims, codes, strict=True)])
    for item in items:
        item.refresh_from_db()
    assert [i.status for i in items] == [ItemStatus.PENDING_PAYER, ItemStatus.OPEN,
                                         ItemStatus.OPEN]
    assert [i.detail["next_step"] for i in items] == ["", "work_denial", "resubmit"]


def test_the_payers_claim_number_fills_a_blank_one_and_never_overwrites(world: World) -> None:
    claim, _, trace = asked(world)
    other = make_claim(world.acme, "PCN2")
    Claim.objects.filter(pk=other.pk).update(payer_claim_control_number="KEEP")
    request_status([other], acting_user=specialist(world))
    receive(world, [Reply(trace, "PCN1", "A1", "20", payer_claim_number="PAYER123"),
                    Reply(traces(other)[0], "PCN2", "A1", "20", payer_claim_number="NEW")])
    claim.refresh_from_db()
    other.refresh_from_db()
    assert claim.payer_claim_control_number == "PAYER123"
    assert other.payer_claim_control_number == "KEEP"


def test_an_answer_without_our_trace_finds_its_claim_by_account_then_payer_number(
        world: World) -> None:
    by_pcn = make_claim(world.acme, "PCN1")
    by_payer_number = make_claim(world.acme, "PCN2")
    Claim.objects.filter(pk=by_payer_number.pk).update(payer_claim_control_number="PAY2")
    receive(world, [Reply("THEIRS1", "PCN1", "A1", "20"),
                    Reply("THEIRS2", "UNKNOWN", "A2", "20", payer_claim_number="PAY2")])
    assert ClaimStatusResponse.objects.get(claim=by_pcn).request is None
    assert ClaimStatusResponse.objects.get(claim=by_payer_number).category == "A2"


def test_the_same_277_twice_changes_nothing(world: World) -> None:
    _, item, trace = asked(world)
    data = write_277([Reply(trace, "PCN1", "A1", "20")])
    ingest(world.acme, data, "status.277")
    item.refresh_from_db()
    version = item.version
    again = ingest(world.acme, data, "status-again.277")
    assert again.outcome == ALREADY
    item.refresh_from_db()
    assert item.version == version
    assert ClaimStatusResponse.objects.count() == 1


def test_the_same_answers_in_a_new_interchange_change_nothing(world: World) -> None:
    _, item, trace = asked(world)
    receive(world, [Reply(trace, "PCN1", "A1", "20")], interchange=1)
    item.refresh_from_db()
    before = (item.version, item.status, item.follow_up_on, item.actions.count())
    result = receive(world, [Reply(trace, "PCN1", "A1", "20")], interchange=2)
    assert result.outcome == "applied"
    item.refresh_from_db()
    assert (item.version, item.status, item.follow_up_on, item.actions.count()) == before
    assert ClaimStatusResponse.objects.count() == 1


def test_a_new_status_for_the_same_claim_moves_the_item_again(world: World) -> None:
    _, item, trace = asked(world)
    receive(world, [Reply(trace, "PCN1", "A1", "20")], interchange=1)
    receive(world, [Reply(trace, "PCN1", "F2", "65", day="20260120")], interchange=2)
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    assert item.detail["next_step"] == "work_denial"
    assert ClaimStatusResponse.objects.count() == 2


def test_a_277_never_touches_another_clients_claim(world: World) -> None:
    theirs = make_claim(world.birch, "PCN1")
    Claim.objects.filter(pk=theirs.pk).update(payer_claim_control_number="B-PAY")
    their_item = ar_item(theirs)
    request_status([theirs], acting_user=make_user("birch.staff", Role.CLIENT_STAFF, world.birch))
    trace = traces(theirs)[0]
    result = receive(world, [Reply(trace, "PCN1", "F2", "65", payer_claim_number="B-PAY")])
    assert result.outcome == "applied"
    their_item.refresh_from_db()
    assert their_item.version == 2  # only the 276 note
    assert not ClaimStatusResponse.objects.exists()
    assert result.file.summary["sets"]
    [summary] = result.file.summary["sets"].values()
    assert (summary["matched"], summary["unmatched"]) == (0, 1)


def test_an_answer_for_a_claim_without_an_ar_item_is_still_kept(world: World) -> None:
    claim = make_claim(world.acme, "PCN1")
    request_status([claim], acting_user=specialist(world))
    receive(world, [Reply(traces(claim)[0], "PCN1", "A1", "20")])
    assert ClaimStatusResponse.objects.filter(claim=claim).count() == 1


def test_a_277ca_is_left_to_the_rejection_work(world: World) -> None:
    """Applied directly: our 277 layout is not a valid 277CA, so intake would quarantine it."""
    claim, item, _ = asked(world)
    body = build_277([Reply(claim.patient_control_number, "PCN1", "A7", "21")])
    data = write_interchange([replace(body, version="005010X214")], Envelope(sender="CH"))
    received, _ = intake.receive(world.acme, data, "ack.277")
    [tx] = parse(data)
    assert apply_277(received, tx, acting_user=None)["stored_only"] is True
    assert not ClaimStatusResponse.objects.exists()
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
