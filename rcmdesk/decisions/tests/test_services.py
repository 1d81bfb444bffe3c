"""Proposing, deciding and what an approval sets off (the write-off posted exactly once)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.decisions import services
from rcmdesk.decisions.models import Proposal, ProposalKind, ProposalStatus
from rcmdesk.decisions.tests.factories import ar_item, charged_claim, write_off
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import Account, JournalEntry, JournalKind, LedgerEntry
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ActionKind, ItemStatus, WorkItem

pytestmark = pytest.mark.django_db
PARTNER_ROLES = [r for r in Role if r.is_partner]
WRITE_OFFS = JournalEntry.objects.filter(kind=JournalKind.WRITE_OFF)


def test_a_specialist_proposal_sets_the_item_aside_for_the_client(world: World) -> None:
    item = ar_item(world.acme)
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), item)
    item.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.amount == Decimal("40.00")
    assert proposal.claim_id == item.claim_id
    assert item.status == ItemStatus.PENDING_CLIENT_DECISION
    assert [e.kind for e in proposal.events.all()] == ["proposed"]
    assert AuditEvent.objects.filter(action="decisions.propose").count() == 1
    assert not WRITE_OFFS.exists()


def test_reasons_are_required(world: World) -> None:
    with pytest.raises(services.ProposalProblem):
        write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme), reasons="  ")


def test_a_write_off_cannot_exceed_the_open_balance(world: World) -> None:
    with pytest.raises(services.ProposalProblem, match="open balance"):
        write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme), "250.01")


def test_a_partner_without_the_items_workflow_cannot_propose(world: World) -> None:
    birch_item = ar_item(world.birch)
    with pytest.raises(Http404):
        write_off(world.user(Role.PARTNER_SPECIALIST), birch_item)


def test_partner_qa_may_not_propose(world: World) -> None:
    with pytest.raises(PermissionDenied):
        write_off(world.user(Role.PARTNER_QA), ar_item(world.acme))


def test_an_approved_write_off_posts_once_and_closes_the_item(world: World) -> None:
    item = ar_item(world.acme)
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), item)
    done = services.decide(proposal, True, "ok", acting_user=world.user(Role.CLIENT_MANAGER))
    item.refresh_from_db()
    claim = item.claim
    assert claim is not None
    claim.refresh_from_db()
    assert done.status == ProposalStatus.EXECUTED
    assert done.result["journal_id"] == WRITE_OFFS.get().pk
    assert claim.insurance_balance == Decimal("210.00")
    assert LedgerEntry.objects.get(account=Account.WRITE_OFF).amount == Decimal("40.00")
    assert item.status == ItemStatus.DONE
    assert item.close_reason == services.WRITTEN_OFF
    assert item.actions.filter(kind=ActionKind.WRITTEN_OFF).count() == 1
    assert [e.kind for e in done.events.all()] == ["proposed", "approved", "executed"]
    assert check_ledger() == []


def test_approving_twice_or_replaying_posts_nothing_more(world: World) -> None:
    manager = world.user(Role.CLIENT_MANAGER)
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    stale = Proposal.objects.get(pk=proposal.pk)
    services.decide(proposal, True, "ok", acting_user=manager)
    with pytest.raises(services.AlreadyDecided):
        services.decide(stale, True, "ok again", acting_user=manager)
    with pytest.raises(services.AlreadyDecided):
        services.decide(Proposal.objects.get(pk=proposal.pk), True, "replay", acting_user=manager)
    with pytest.raises(services.AlreadyDecided):
        services.decide(stale, False, "too late", acting_user=manager)
    assert WRITE_OFFS.count() == 1
    assert check_ledger() == []


def test_a_rejection_needs_a_comment_and_returns_the_item_with_it(world: World) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    item = ar_item(world.acme, assignee=specialist)
    proposal = write_off(specialist, item)
    with pytest.raises(services.ProposalProblem):
        services.decide(proposal, False, " ", acting_user=world.user(Role.CLIENT_MANAGER))
    done = services.decide(proposal, False,
                           "Appeal it first: the payer reopened appeals.",
                           acting_user=world.user(Role.CLIENT_MANAGER))
    item.refresh_from_db()
    assert done.status == ProposalStatus.REJECTED
    assert done.decided_by is not None
    assert item.status == ItemStatus.OPEN
    assert item.assignee_id == specialist.pk
    assert "payer reopened appeals" in item.actions.last().note  # type: ignore[union-attr]
    assert not WRITE_OFFS.exists()


@pytest.mark.parametrize("role", [*PARTNER_ROLES, Role.CLIENT_ADMIN, Role.CLIENT_STAFF])
def test_nobody_but_a_client_manager_may_decide(world: World, role: Role) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    with pytest.raises(PermissionDenied):
        services.decide(proposal, True, "ok", acting_user=world.user(role))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    assert not WRITE_OFFS.exists()


def test_another_clients_manager_does_not_see_the_proposal(world: World) -> None:
    from rcmdesk.conftest import make_user

    birch_manager = make_user("birch.manager", Role.CLIENT_MANAGER, world.birch)
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    with pytest.raises(Http404):
        services.decide(proposal, True, "ok", acting_user=birch_manager)


def test_a_write_off_larger_than_the_balance_left_at_approval_fails_without_posting(
        world: World) -> None:
    item = ar_item(world.acme)
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), item, "200.00")
    claim = item.claim
    assert claim is not None
    from rcmdesk.remits import ledger
    ledger.post(world.acme, JournalKind.PAYMENT, [
        ledger.Line(Account.PAYER_CASH, Decimal("100.00")),
        ledger.Line(Account.INSURANCE_AR, Decimal("-100.00"))], claim=claim)
    done = services.decide(proposal, True, "ok", acting_user=world.user(Role.CLIENT_MANAGER))
    item.refresh_from_db()
    assert done.status == ProposalStatus.FAILED
    assert "open balance" in done.result["error"]
    assert item.status == ItemStatus.OPEN
    assert not WRITE_OFFS.exists()
    assert check_ledger() == []


def test_below_the_clients_threshold_the_rule_approves_and_posts(world: World) -> None:
    services.set_rule(world.acme, ProposalKind.WRITE_OFF,
                      Decimal("50.00"), "small balances", acting_user=world.user(Role.CLIENT_ADMIN))
    small = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme, 1), "50.00")
    large = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme, 2), "50.01")
    assert small.status == ProposalStatus.EXECUTED
    assert small.decided_by is None
    assert "threshold" in small.decision_comment
    assert large.status == ProposalStatus.PROPOSED
    assert WRITE_OFFS.count() == 1
    assert check_ledger() == []


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, *PARTNER_ROLES])
def test_only_a_client_admin_sets_thresholds(world: World, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        services.set_rule(world.acme, ProposalKind.WRITE_OFF, Decimal("5"),
                          acting_user=world.user(role))


def test_a_payer_escalation_approval_is_recorded_and_returns_the_item(world: World) -> None:
    item = ar_item(world.acme)
    proposal = services.propose(world.acme,
                                ProposalKind.PAYER_ESCALATION,
                                acting_user=world.user(Role.PARTNER_LEAD), item=item,
                                reasons="Payer lost the claim three times.")
    done = services.decide(proposal, True, "", acting_user=world.user(Role.CLIENT_MANAGER))
    assert done.status == ProposalStatus.APPROVED
    assert WorkItem.objects.get(pk=item.pk).status == ItemStatus.OPEN


def test_appeal_filing_is_decided_on_the_appeal(world: World) -> None:
    with pytest.raises(services.ProposalProblem, match="appeal"):
        services.propose(world.acme,
                         ProposalKind.APPEAL_FILING,
                         acting_user=world.user(Role.PARTNER_SPECIALIST), item=ar_item(world.acme),
                         reasons="x")


def test_open_counts_give_count_age_and_dollars_by_kind(world: World) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    first = write_off(specialist, ar_item(world.acme, 1), "40.00")
    write_off(specialist, ar_item(world.acme, 2), "60.00")
    services.propose(world.acme, ProposalKind.POLICY_EXCEPTION, acting_user=specialist,
                     claim=charged_claim(world.acme, "PCN-X"), reasons="Self-pay discount")
    now = timezone.now()
    Proposal.objects.filter(pk=first.pk).update(proposed_at=now - timedelta(days=3))
    counts = services.open_counts([world.acme.pk], now=now)
    assert counts.count == 3
    assert counts.by_kind[ProposalKind.WRITE_OFF].amount == Decimal("100.00")
    assert counts.by_kind[ProposalKind.WRITE_OFF].count == 2
    assert counts.oldest is not None
    assert counts.oldest >= timedelta(days=3)
    assert counts.median_age is not None
    assert counts.median_age < timedelta(days=1)
    assert services.open_counts([world.birch.pk]).count == 0


def test_a_proposals_history_cannot_be_rewritten(world: World) -> None:
    from django.db import DatabaseError, transaction

    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    with pytest.raises(DatabaseError), transaction.atomic():
        proposal.events.update(comment="nothing to see")


def test_decisions_waiting_count_appeals_waiting_on_the_filing_decision_too(
        world: World) -> None:
    """The inbox lists both, so every page that says "decisions waiting" counts both."""
    from rcmdesk.decisions.queries import waiting
    from rcmdesk.denials.models import Appeal, AppealStatus

    specialist = world.user(Role.PARTNER_SPECIALIST)
    write_off(specialist, ar_item(world.acme, 1), "40.00")
    item = ar_item(world.acme, 2)
    assert item.claim is not None
    Appeal.objects.create(client=world.acme, item=item, claim=item.claim,
                          category="authorization", subject="appeal", letter_text="...",
                          status=AppealStatus.PENDING_CLIENT_DECISION)
    manager = world.user(Role.CLIENT_MANAGER)
    assert waiting(manager).count == 2
    assert waiting(manager).by_kind[ProposalKind.APPEAL_FILING].count == 1
    assert waiting(None, [world.acme.pk]).count == 2
    assert waiting(world.birch_admin).count == 0
    assert waiting(None, [world.acme.pk], before=timezone.now() - timedelta(days=1)).count == 0
