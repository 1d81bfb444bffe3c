"""Two client managers approve the same write-off at the same moment, each on their own
connection: one posts it, the other is told it is already decided, and the ledger holds.

Committed rows other connections can see need transactional tests. PostgreSQL serialises
the two on the proposal's row lock (the loser re-reads ``status`` and updates nothing);
SQLite on IMMEDIATE transactions.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from rcmdesk.conftest import World, make_user
from rcmdesk.decisions import services
from rcmdesk.decisions.models import Proposal, ProposalStatus
from rcmdesk.decisions.tests.factories import ar_item, write_off
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import JournalEntry, JournalKind
from rcmdesk.tenancy.roles import Role

APPROVERS = 4


def approve_at_once(proposal_id: int, user_ids: list[int]) -> list[str]:
    from rcmdesk.accounts.models import User

    start = threading.Barrier(len(user_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(user_id: int) -> None:
        try:
            user = User.objects.get(pk=user_id)
            proposal = Proposal.objects.get(pk=proposal_id)
            start.wait()
            try:
                services.decide(proposal, True, "approved", acting_user=user)
                outcome = "posted"
            except services.AlreadyDecided:
                outcome = "already decided"
            except Exception as exc:
                outcome = f"error: {exc!r}"
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_post_the_write_off_exactly_once(world: World) -> None:
    managers: list[Any] = [world.user(Role.CLIENT_MANAGER)] + [
        make_user(f"acme.manager{n}", Role.CLIENT_MANAGER, world.acme)
        for n in range(APPROVERS - 1)]
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    outcomes = approve_at_once(proposal.pk, [m.pk for m in managers])
    assert sorted(outcomes) == ["already decided"] * (APPROVERS - 1) + ["posted"], outcomes
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.EXECUTED
    assert JournalEntry.objects.filter(kind=JournalKind.WRITE_OFF).count() == 1
    assert check_ledger() == []
