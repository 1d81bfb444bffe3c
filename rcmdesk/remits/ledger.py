"""Writing balanced journal entries, the only way money moves in rcmdesk.

A claim's stored balances (``insurance_balance``, ``patient_balance``) are updated here, in
the same transaction as the entries, so that lists never have to sum the ledger and
``check_ledger`` can prove the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from rcmdesk.claims.models import Claim, ClaimLine
from rcmdesk.remits.models import Account, JournalEntry, LedgerEntry, Remittance
from rcmdesk.tenancy.models import Organization

CENT = Decimal("0.01")


class UnbalancedJournal(ValueError):
    """A journal whose lines do not sum to zero: a bug, never data to store."""


@dataclass(frozen=True)
class Line:
    account: str
    amount: Decimal
    claim: Claim | None = None
    claim_line: ClaimLine | None = None
    reason: str = ""


def post(client: Organization, kind: str, lines: Sequence[Line], *, claim: Claim | None = None,
         remittance: Remittance | None = None, memo: str = "",
         actor: Any = None) -> JournalEntry | None:
    """One balanced journal entry; zero lines are dropped and an all-zero entry is skipped."""
    lines = [ln for ln in lines if ln.amount]
    if not lines:
        return None
    if sum((ln.amount for ln in lines), Decimal(0)) != 0:
        raise UnbalancedJournal(f"{kind} for {claim}: lines sum to "
                                f"{sum(ln.amount for ln in lines)}")
    with transaction.atomic():
        journal = JournalEntry.objects.create(
            client=client, claim=claim, kind=kind, remittance=remittance, memo=memo[:300],
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        LedgerEntry.objects.bulk_create([
            LedgerEntry(journal=journal, client=client, claim=ln.claim or claim,
                        claim_line=ln.claim_line, account=ln.account,
                        amount=ln.amount.quantize(CENT), reason=ln.reason[:8])
            for ln in lines])
        _move_balances(lines, claim)
    return journal


def _move_balances(lines: Sequence[Line], default: Claim | None) -> None:
    """Apply AR movements to the claims' stored balances with F() (safe under concurrency)."""
    moves: dict[tuple[int, str], Decimal] = {}
    for ln in lines:
        target = ln.claim or default
        if target is None or ln.account not in (Account.INSURANCE_AR, Account.PATIENT_AR):
            continue
        key = (target.pk, ln.account)
        moves[key] = moves.get(key, Decimal(0)) + ln.amount
    for (claim_id, account), amount in moves.items():
        field = "insurance_balance" if account == Account.INSURANCE_AR else "patient_balance"
        Claim.objects.filter(pk=claim_id).update(**{field: F(field) + amount})
