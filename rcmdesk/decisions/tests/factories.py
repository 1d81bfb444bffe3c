"""Builders for decision tests: a charged claim whose balance the ledger agrees with, and an
AR item on it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rcmdesk.claims.models import Claim
from rcmdesk.decisions import services
from rcmdesk.decisions.models import Proposal, ProposalKind
from rcmdesk.remits import ledger
from rcmdesk.remits.models import Account, JournalKind
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim, make_item


def charged_claim(client: Organization, pcn: str = "PCN-WO1", charge: str = "250.00") -> Claim:
    """A claim billed through the ledger, so ``check_ledger`` holds before and after."""
    claim = make_claim(client, pcn, charge=charge, balance="0.00")
    amount = Decimal(charge)
    ledger.post(client, JournalKind.CHARGE, [ledger.Line(Account.INSURANCE_AR, amount),
                                             ledger.Line(Account.REVENUE, -amount)],
                claim=claim, memo="test charge")
    claim.refresh_from_db()
    return claim


def ar_item(client: Organization, n: int = 1, *, claim: Claim | None = None,
            **fields: Any) -> WorkItem:
    claim = claim or charged_claim(client, f"PCN-WO{n}")
    return make_item(client, n, kind=ItemKind.AR_FOLLOWUP, claim=claim,
                     amount=claim.insurance_balance, **fields)


def write_off(user: Any, item: WorkItem, amount: str = "40.00",
              reasons: str = "Past timely filing; payer confirmed no appeal rights.") -> Proposal:
    return services.propose(item.client, ProposalKind.WRITE_OFF, acting_user=user, item=item,
                            amount=Decimal(amount), reasons=reasons,
                            evidence="Call ref 55-1234", adjustment_reason="TIMELY")
