"""Posting exceptions are resolved in place, each kind its own way, and money moves only in
balanced journals: matched and posted once, parked as unapplied cash and applied later, a
credit refunded only on the client's decision, a takeback posted against its claim."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.decisions import services as decisions
from rcmdesk.decisions.models import DecisionRule, ProposalKind, ProposalStatus
from rcmdesk.intake.services import ingest
from rcmdesk.remits import queries, resolution
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import (
    Account,
    ExceptionStatus,
    LedgerEntry,
    PostingException,
    UnappliedCash,
)
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.producers import sync_client
from rcmdesk.workqueue.tests.factories import make_item

D = Decimal
UNMATCHED = "CLP*NOSUCH*1*50*50**12*CCNX~SVC*HC:99213*50*50**1~"
PAID = "CLP*OVER1*1*100*100**12*CCNO~SVC*HC:99213*100*100**1~"
TAKEBACK = "CLP*GONE1*22*-80*-80**12*CCNT~SVC*HC:99213*-80*-80**1~"
UNKNOWN = "CLP*ODD1*1*100*60**12*CCNU~SVC*HC:99213*100*60**1~CAS*CO*Z99*40~"


@pytest.fixture(autouse=True)
def _ledger_stays_balanced(db: Any) -> Iterator[None]:
    yield
    assert check_ledger() == []


def posts(world: World, body: str, amount: str, trace: str) -> None:
    isa13 = f"{zlib.crc32(trace.encode()) % 10**9:09d}"
    ingest(world.acme, remit(header(amount, trace=trace) + body, isa13=isa13), f"{trace}.835")


def arrives(world: World, body: str, amount: str, trace: str = "T1") -> PostingException:
    posts(world, body, amount, trace)
    latest: PostingException = PostingException.objects.filter(client=world.acme).latest("pk")
    return latest


def paid_twice(world: World) -> PostingException:
    """The payer pays OVER1 in full, then again in another payment: an overpayment."""
    make_claim(world.acme, "OVER1", [("99213", "100.00")])
    posts(world, PAID, "100.00", "FIRST")
    exception = arrives(world, PAID, "100.00", "AGAIN")
    assert exception.reason == "overpaid"
    return exception


def specialist(world: World) -> Any:
    world.acme_engagement.scope = ["ar_followup", "denials", "posting"]
    world.acme_engagement.save()
    return world.user(Role.PARTNER_SPECIALIST)


def account(name: str) -> Decimal:
    total = LedgerEntry.objects.filter(account=name).aggregate(t=Sum("amount"))["t"]
    return D(str(total or 0)).quantize(D("0.01"))


def item_of(exception: PostingException) -> WorkItem:
    return WorkItem.objects.get(kind=ItemKind.POSTING_EXCEPTION,
                                source_key=f"exception:{exception.pk}")


def test_each_kind_of_exception_offers_its_own_actions(world: World) -> None:
    make_claim(world.acme, "ODD1", [("99213", "100.00")])
    assert resolution.actions_for(arrives(world, UNMATCHED, "50.00", "A")) == ("match", "park")
    assert resolution.actions_for(paid_twice(world)) == ("refund", "park")
    assert resolution.actions_for(arrives(world, TAKEBACK, "-80.00", "C")) == ("link",)
    odd = arrives(world, UNKNOWN, "60.00", "D")
    assert resolution.kind_of(odd) == "unknown adjustment code"
    assert resolution.actions_for(odd) == ("review",)


def test_matching_an_unmatched_payment_to_a_chosen_claim_posts_it_once_and_closes_its_item(
        world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    sync_client(world.acme, world.acme.today())
    claim = make_claim(world.acme, "REAL1", [("99213", "50.00")])
    user = specialist(world)

    found = queries.search_claims(user, exception, queries.ClaimSearch(pcn="real"))
    assert found == [claim]
    assert resolution.match(exception, claim, acting_user=user) == "posted"

    exception.refresh_from_db()
    claim.refresh_from_db()
    assert exception.status == ExceptionStatus.RESOLVED
    assert exception.claim == claim
    assert exception.resolution == "matched to claim REAL1: posted"
    assert claim.insurance_balance == D("0.00")
    assert account(Account.PAYER_CASH) == D("50.00")
    item = item_of(exception)
    assert item.status == ItemStatus.DONE
    assert "matched to claim REAL1" in item.close_reason
    with pytest.raises(resolution.AlreadyResolved):
        resolution.match(exception, claim, acting_user=user)
    assert account(Account.PAYER_CASH) == D("50.00")


def test_matching_to_a_claim_with_less_open_leaves_an_open_overpayment(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    claim = make_claim(world.acme, "SMALL", [("99213", "20.00")])

    assert resolution.match(exception, claim, acting_user=specialist(world)) == "overpaid"
    exception.refresh_from_db()
    assert (exception.status, exception.reason, exception.claim) == ("open", "overpaid", claim)
    assert resolution.actions_for(exception) == ("refund", "park")


def test_a_claim_of_another_client_cannot_be_matched(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    other = make_claim(world.birch, "BIRCH1", [("99213", "50.00")])
    with pytest.raises(resolution.errors.NotFound):
        resolution.match(exception, other, acting_user=specialist(world))
    assert not LedgerEntry.objects.filter(account=Account.PAYER_CASH).exists()


def test_a_qa_auditor_may_not_resolve_an_exception(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    world.acme_engagement.scope = ["posting"]
    world.acme_engagement.save()
    with pytest.raises(PermissionDenied):
        resolution.park(exception, "no claim yet", acting_user=world.user(Role.PARTNER_QA))


def test_parking_books_the_cash_as_unapplied_and_it_can_never_post_as_well(
        world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    sync_client(world.acme, world.acme.today())
    user = specialist(world)

    cash = resolution.park(exception, "payer sent no patient detail", acting_user=user)

    assert (cash.amount, cash.remaining, cash.parked_on) == (D("50.00"), D("50.00"),
                                                              world.acme.today())
    assert account(Account.UNAPPLIED_CASH) == D("-50.00")
    assert account(Account.PAYER_CASH) == D("50.00")
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.RESOLVED
    assert exception.resolution.startswith(f"parked as unapplied cash #{cash.pk}")
    assert item_of(exception).status == ItemStatus.DONE
    make_claim(world.acme, "NOSUCH", [("99213", "50.00")])  # the 837 arrives after all
    PostingException.objects.filter(pk=exception.pk).update(status=ExceptionStatus.OPEN)
    assert resolution.services.repost_exception(exception, acting_user=user) == \
        "already_posted"
    assert account(Account.PAYER_CASH) == D("50.00")
    assert AuditEvent.objects.filter(action="remits.unapplied_parked").count() == 1


def test_parking_needs_a_reason(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    with pytest.raises(resolution.ResolutionProblem, match="reason"):
        resolution.park(exception, "  ", acting_user=specialist(world))


def test_unapplied_cash_is_applied_to_a_claim_up_to_its_balance_and_what_is_left(
        world: World) -> None:
    cash = resolution.park(arrives(world, UNMATCHED, "50.00"), "no claim",
                           acting_user=specialist(world))
    user = world.user(Role.PARTNER_SPECIALIST)
    claim = make_claim(world.acme, "LATER", [("99213", "30.00")])

    with pytest.raises(resolution.ResolutionProblem, match="open insurance balance"):
        resolution.apply_cash(cash, claim, D("40"), acting_user=user)
    resolution.apply_cash(cash, claim, D("30"), acting_user=user)

    cash.refresh_from_db()
    claim.refresh_from_db()
    assert (cash.remaining, claim.insurance_balance, claim.status) == (D("20.00"), D("0.00"),
                                                                       "paid")
    assert account(Account.UNAPPLIED_CASH) == D("-20.00")
    with pytest.raises(resolution.AlreadyResolved, match=r"Only 20\.00"):
        resolution.apply_cash(cash, make_claim(world.acme, "L2", [("99213", "90.00")]),
                              D("25"), acting_user=user)
    assert queries.claim_posting(user, claim).applications[0].amount == D("30.00")


def test_the_aging_report_buckets_what_is_still_unapplied_by_days_since_parked(
        world: World) -> None:
    user = specialist(world)
    old = resolution.park(arrives(world, UNMATCHED, "50.00", "OLD"), "old",
                          acting_user=user)
    resolution.park(arrives(world, UNMATCHED.replace("NOSUCH", "NOPE"), "50.00", "NEW"),
                    "new", acting_user=user)
    UnappliedCash.objects.filter(pk=old.pk).update(
        parked_on=world.acme.today() - timedelta(days=45))

    aging = queries.unapplied_aging(list(queries.unapplied_cash(user)))

    assert [r.client for r in aging.rows] == [world.acme]
    assert aging.rows[0].buckets[:2] == [D("50.00"), D("50.00")]
    assert aging.total == D("100.00")


def test_an_overpayment_refund_waits_for_the_client_and_only_then_leaves_the_books(
        world: World) -> None:
    exception = paid_twice(world)
    claim = exception.remit_claim.claim
    sync_client(world.acme, world.acme.today())
    user = specialist(world)

    proposal = resolution.request_refund(exception, "paid twice", acting_user=user)

    claim.refresh_from_db()
    exception.refresh_from_db()
    assert (proposal.kind, proposal.status, proposal.amount) == ("refund", "proposed",
                                                                  D("100.00"))
    assert claim.insurance_balance == D("-100.00")  # received and booked, owed back
    assert account(Account.PAYER_CASH) == D("200.00")
    assert exception.status == ExceptionStatus.OPEN
    assert exception.refund == proposal
    assert resolution.actions_for(exception) == ()
    assert item_of(exception).status == ItemStatus.PENDING_CLIENT_DECISION
    with pytest.raises(PermissionDenied):
        decisions.decide(proposal, True, acting_user=world.user(Role.PARTNER_LEAD))
    assert account(Account.PAYER_CASH) == D("200.00")

    decided = decisions.decide(proposal, True, acting_user=world.user(Role.CLIENT_MANAGER))

    claim.refresh_from_db()
    exception.refresh_from_db()
    assert decided.status == ProposalStatus.EXECUTED
    assert claim.insurance_balance == D("0.00")
    assert account(Account.PAYER_CASH) == D("100.00")
    assert exception.status == ExceptionStatus.RESOLVED
    assert exception.resolution == f"refunded 100.00 (client decision #{proposal.pk})"
    assert item_of(exception).status == ItemStatus.DONE
    with pytest.raises(decisions.AlreadyDecided):
        decisions.decide(proposal, True, acting_user=world.user(Role.CLIENT_MANAGER))
    assert account(Account.PAYER_CASH) == D("100.00")


def test_a_rejected_refund_leaves_the_credit_and_the_exception_open(world: World) -> None:
    exception = paid_twice(world)
    proposal = resolution.request_refund(exception, "paid twice",
                                         acting_user=specialist(world))

    decisions.decide(proposal, False, "we expect a second service",
                     acting_user=world.user(Role.CLIENT_MANAGER))

    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.OPEN
    assert resolution.actions_for(exception) == ("refund",)
    assert account(Account.PAYER_CASH) == D("200.00")


def test_a_refund_within_the_clients_own_threshold_is_paid_at_once(world: World) -> None:
    exception = paid_twice(world)
    DecisionRule.objects.create(client=world.acme, kind=ProposalKind.REFUND,
                                threshold=D("500"))

    proposal = resolution.request_refund(exception, "paid twice",
                                         acting_user=specialist(world))

    exception.refresh_from_db()
    assert proposal.status == ProposalStatus.EXECUTED
    assert exception.status == ExceptionStatus.RESOLVED
    assert account(Account.PAYER_CASH) == D("100.00")


def test_a_takeback_is_linked_to_its_original_claim_and_posted_against_it(
        world: World) -> None:
    original = make_claim(world.acme, "ORIG", [("99213", "80.00")])
    paid = "CLP*ORIG*1*80*80**12*CCNP~SVC*HC:99213*80*80**1~"
    posts(world, paid, "80.00", "PAY")
    exception = arrives(world, TAKEBACK, "-80.00", "BACK")
    assert resolution.kind_of(exception) == "takeback"

    outcome = resolution.link_takeback(exception, original, acting_user=specialist(world))

    exception.refresh_from_db()
    original.refresh_from_db()
    assert outcome == "posted"
    assert exception.claim == original
    assert exception.resolution == "takeback of claim ORIG: posted"
    assert original.insurance_balance == D("80.00")
    assert original.status == "reversed"
    assert queries.claim_posting(world.user(Role.PARTNER_SPECIALIST), original).exceptions == [
        exception]


def test_an_unknown_code_is_reviewed_with_a_note(world: World) -> None:
    make_claim(world.acme, "ODD1", [("99213", "100.00")])
    exception = arrives(world, UNKNOWN, "60.00")
    user = specialist(world)
    with pytest.raises(resolution.ResolutionProblem):
        resolution.park(exception, "nope", acting_user=user)
    resolution.review(exception, "Z99 is the payer's bundling code", acting_user=user)
    exception.refresh_from_db()
    assert exception.resolution == "reviewed: Z99 is the payer's bundling code"


def test_cash_that_settles_a_claim_closes_its_open_follow_up(world: World) -> None:
    cash = resolution.park(arrives(world, UNMATCHED, "50.00"), "no claim",
                           acting_user=specialist(world))
    claim = make_claim(world.acme, "LATER", [("99213", "50.00")])
    follow_up = make_item(world.acme, 7, kind=ItemKind.AR_FOLLOWUP, claim=claim)

    resolution.apply_cash(cash, claim, D("50"), acting_user=world.user(Role.PARTNER_SPECIALIST))

    follow_up.refresh_from_db()
    assert follow_up.status == ItemStatus.DONE
    assert follow_up.close_reason == f"paid from unapplied cash #{cash.pk}"
