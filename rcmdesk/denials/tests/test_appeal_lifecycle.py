"""Appeals to the end: filed, answered, paid, taken to level 2 or to a write-off proposal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.decisions.models import Proposal, ProposalStatus
from rcmdesk.denials import appeals
from rcmdesk.denials.appeals import AppealConflict, AppealProblem
from rcmdesk.denials.deadlines import deadline_flag
from rcmdesk.denials.models import Appeal, AppealOutcome, AppealStatus
from rcmdesk.denials.paid import close_paid_appeals
from rcmdesk.denials.tests.appeal_steps import (
    ANSWERED_ON,
    FILED_ON,
    answered,
    decided,
    filed,
    payment_835,
)
from rcmdesk.denials.tests.builders import denied_claim, lease
from rcmdesk.intake.services import ingest
from rcmdesk.remits.models import Remittance
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemStatus, WorkAction, WorkItem
from rcmdesk.workqueue.services import NotAllowed

pytestmark = pytest.mark.django_db


def item_of(appeal: Appeal) -> WorkItem:
    return WorkItem.objects.get(pk=appeal.item_id)


def test_filing_records_the_day_the_channel_and_the_payers_reference(world: World) -> None:
    _, appeal, _ = filed(world)
    assert appeal.status == AppealStatus.FILED
    assert (appeal.filed_on, appeal.filing_channel, appeal.filing_reference) == (
        FILED_ON, "portal", "PORTAL-991")
    assert appeal.state_label == "Filed, waiting on the payer"
    item = item_of(appeal)
    assert item.status == ItemStatus.PENDING_PAYER
    assert WorkAction.objects.filter(item=item).last().note == (  # type: ignore[union-attr]
        "Filed the level-1 appeal by payer portal PORTAL-991")
    event = AuditEvent.objects.get(action="denials.appeal.filed")
    assert event.detail["channel"] == "portal"


@pytest.mark.parametrize(("channel", "day", "words"), [
    ("", date(2026, 3, 12), "Say how the appeal was filed"),
    ("pigeon", date(2026, 3, 12), "Say how the appeal was filed"),
    ("fax", date(2099, 1, 1), "after today"),
])
def test_filing_is_refused_without_a_channel_or_with_a_day_after_today(
        world: World, channel: str, day: date, words: str) -> None:
    appeal, specialist = decided(world, approve=True)
    with pytest.raises(AppealProblem, match=words):
        appeals.record_filed(appeal, appeal.version, acting_user=specialist, filed_on=day,
                             channel=channel)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.APPROVED


def test_a_declined_appeal_cannot_be_filed_and_says_why(world: World) -> None:
    appeal, specialist = decided(world, approve=False)
    with pytest.raises(NotAllowed, match="declined by the client cannot be filed"):
        appeals.record_filed(appeal, appeal.version, acting_user=specialist,
                             filed_on=FILED_ON, channel="mail")


def test_qa_may_not_file_or_record_the_payers_answer(world: World) -> None:
    approved, _ = decided(world, approve=True)
    qa = world.user(Role.PARTNER_QA)
    with pytest.raises(PermissionDenied):
        appeals.record_filed(approved, approved.version, acting_user=qa, filed_on=FILED_ON,
                             channel="portal")
    Appeal.objects.all().update(status=AppealStatus.FILED)
    appeal = Appeal.objects.get()
    with pytest.raises(PermissionDenied):
        appeals.record_outcome(appeal, appeal.version, acting_user=qa, outcome="upheld",
                               decided_on=ANSWERED_ON)


def test_an_overturn_expects_the_denied_amount_and_leaves_the_item_waiting_for_it(
        world: World) -> None:
    _, appeal, _ = answered(world, "overturned")
    assert appeal.status == AppealStatus.WON
    assert appeal.outcome == AppealOutcome.OVERTURNED
    assert appeal.expected_amount == Decimal("150.00")
    assert appeal.state_label == "Overturned, waiting for payment"
    item = item_of(appeal)
    assert item.status == ItemStatus.PENDING_PAYER
    assert item.follow_up_on == ANSWERED_ON + timedelta(days=30)
    assert "expecting $150.00" in item.actions.last().note  # type: ignore[union-attr]


def test_an_upheld_appeal_puts_the_item_back_in_the_queue_for_level_2_or_a_write_off(
        world: World) -> None:
    _, appeal, _ = answered(world, "upheld")
    assert (appeal.status, appeal.outcome) == (AppealStatus.LOST, AppealOutcome.UPHELD)
    assert appeal.state_label == "Upheld by the payer"
    item = item_of(appeal)
    assert (item.status, item.assignee_id) == (ItemStatus.OPEN, None)
    assert "appeal at level 2 or propose a write-off" in item.actions.last().note  # type: ignore[union-attr]


@pytest.mark.parametrize(("outcome", "expected", "words"), [
    ("partially_overturned", None, "Say how much the payer will pay"),
    ("partially_overturned", "150.00", r"pays less than the \$150.00 denied"),
    ("upheld", "20.00", "leave the expected amount empty"),
    ("won", None, "Say what the payer answered"),
])
def test_an_answer_that_does_not_add_up_is_refused_in_words(
        world: World, outcome: str, expected: str | None, words: str) -> None:
    _, appeal, specialist = filed(world)
    with pytest.raises(AppealProblem, match=words):
        appeals.record_outcome(appeal, appeal.version, acting_user=specialist, outcome=outcome,
                               decided_on=ANSWERED_ON,
                               expected_amount=Decimal(expected) if expected else None)


def test_the_payer_cannot_answer_before_the_filing_nor_an_unfiled_appeal(world: World) -> None:
    _, appeal, specialist = filed(world)
    with pytest.raises(AppealProblem, match="before the appeal was filed"):
        appeals.record_outcome(appeal, appeal.version, acting_user=specialist,
                               outcome="upheld", decided_on=FILED_ON - timedelta(days=1))
    draft = Appeal.objects.create(client=world.acme, item=appeal.item, claim=appeal.claim,
                                  level=2, category="authorization", subject="s",
                                  letter_text="t")
    with pytest.raises(AppealConflict, match="Only a filed appeal gets the payer's answer"):
        appeals.record_outcome(draft, draft.version, acting_user=specialist, outcome="upheld",
                               decided_on=ANSWERED_ON)


def test_level_2_is_a_new_appeal_linked_to_the_first_with_its_own_deadline(
        world: World) -> None:
    _, first, specialist = answered(world, "upheld")
    second = appeals.draft_next_level(first, acting_user=specialist)
    assert (second.level, second.previous_id, second.status) == (2, first.pk, AppealStatus.DRAFT)
    assert second.deadline == ANSWERED_ON + timedelta(days=180)
    assert first.deadline != second.deadline
    with pytest.raises(AppealConflict, match="level-2 appeal is already drafted"):
        appeals.draft_next_level(first, acting_user=specialist)


def test_a_partial_overturn_may_go_to_level_2(world: World) -> None:
    _, partial, specialist = answered(world, "partially_overturned", "90.00")
    assert partial.state_label == "Partially overturned, waiting for payment"
    assert appeals.draft_next_level(partial, acting_user=specialist).level == 2


def test_a_full_overturn_leaves_nothing_to_appeal_at_the_next_level(world: World) -> None:
    _, full, specialist = answered(world, "overturned")
    with pytest.raises(AppealConflict, match="Only an upheld or partially overturned"):
        appeals.draft_next_level(full, acting_user=specialist)
    with pytest.raises(AppealConflict, match="nothing is left to appeal"):
        appeals.draft_appeal(lease(item_of(full), specialist), acting_user=specialist)


def test_what_the_payer_kept_goes_to_the_client_as_a_write_off_proposal(world: World) -> None:
    _, appeal, specialist = answered(world, "partially_overturned", "90.00")
    proposal = appeals.propose_write_off(appeal, acting_user=specialist)
    assert proposal.kind == "write_off"
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.amount == Decimal("60.00")  # $150 denied, $90 overturned
    assert "partially overturned the level-1 appeal (answered 2026-04-02)" in proposal.reasons
    assert item_of(appeal).status == ItemStatus.PENDING_CLIENT_DECISION


def test_an_overturned_appeal_has_nothing_to_write_off(world: World) -> None:
    _, appeal, specialist = answered(world, "overturned")
    with pytest.raises(AppealConflict, match="once the payer has upheld"):
        appeals.propose_write_off(appeal, acting_user=specialist)
    assert not Proposal.objects.exists()


def test_the_835_that_pays_an_overturned_appeal_closes_it_and_its_item(world: World) -> None:
    _, appeal, _ = answered(world, "overturned")
    result = ingest(world.acme, payment_835(), "appeal-paid.835")
    assert result.file.status == "applied", result.file.status_reason
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PAID
    assert (appeal.paid_amount, appeal.paid_on) == (Decimal("150.00"), date(2026, 4, 15))
    assert appeal.paid_by.remittance.trace_number == "APPEALPAID1"  # type: ignore[union-attr]
    assert appeal.state_label == "Overturned and paid"
    assert item_of(appeal).status == ItemStatus.DONE
    assert AuditEvent.objects.filter(action="denials.appeal.paid").count() == 1
    remittance = Remittance.objects.get(trace_number="APPEALPAID1")
    assert close_paid_appeals(world.acme.pk, [remittance.pk]) == []  # a retried file: nothing


def test_a_payment_short_of_the_overturn_closes_the_appeal_and_reopens_the_item(
        world: World) -> None:
    from rcmdesk.remits.services import post_835
    from rcmdesk.x12 import t835

    _, appeal, _ = answered(world, "overturned")
    # posted on its own (no file, so no queue producer settles the item first)
    posted = post_835(world.acme, next(t835.remittances(payment_835(paid="100.00"))))
    assert posted.remittance_id is not None
    assert close_paid_appeals(world.acme.pk, [posted.remittance_id]) == [appeal.pk]
    appeal.refresh_from_db()
    assert (appeal.status, appeal.paid_amount) == (AppealStatus.PAID, Decimal("100.00"))
    item = item_of(appeal)
    assert item.status == ItemStatus.OPEN
    assert "of the $150.00 expected" in item.actions.last().note  # type: ignore[union-attr]


def test_a_payment_posted_before_the_answer_was_recorded_closes_it_on_recording(
        world: World) -> None:
    _, appeal, specialist = filed(world)
    ingest(world.acme, payment_835(), "early.835")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FILED  # no answer yet: nothing to close
    appeal = appeals.record_outcome(appeal, appeal.version, acting_user=specialist,
                                    outcome="overturned", decided_on=ANSWERED_ON)
    assert appeal.status == AppealStatus.PAID


def test_a_remit_dated_before_the_filing_pays_no_appeal(world: World) -> None:
    _, appeal, _ = answered(world, "overturned")
    ingest(world.acme, payment_835(day="20260301", trace="OLDPAY"), "old.835")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.WON


def test_the_deadline_is_flagged_past_or_near_until_the_appeal_is_filed(world: World) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    denied = denied_claim(world.acme)
    appeal = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    deadline = appeal.deadline
    assert deadline is not None
    assert deadline_flag(appeal, deadline + timedelta(days=3)).words == (
        "3 days past the deadline")
    assert deadline_flag(appeal, deadline - timedelta(days=5)).level == "near"
    assert deadline_flag(appeal, deadline).words == "due today"
    assert not deadline_flag(appeal, deadline - timedelta(days=15))
    appeal.status = AppealStatus.FILED
    assert not deadline_flag(appeal, deadline + timedelta(days=3))
