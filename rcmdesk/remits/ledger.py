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
from rcmdesk.remits import bulk
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
    lines = _checked(kind, lines, claim)
    if not lines:
        return None
    with transaction.atomic():
        journal = _journal(client, kind, claim, remittance, memo, actor)
        journal.save()
        LedgerEntry.objects.bulk_create(_ledger_entries(journal, client, lines, claim))
        for (claim_id, field), amount in _moves(lines, claim).items():
            Claim.objects.filter(pk=claim_id).update(**{field: F(field) + amount})
    return journal


class Batch:
    """Journals gathered in memory and written together by ``flush`` (same transaction).

    ``post`` checks each journal as ``post`` above does and also moves the balances of the
    Claim objects it is given: the caller must hold those claims locked (select_for_update;
    SQLite transactions are IMMEDIATE), since ``flush`` writes their balances as they stand.
    """

    def __init__(self) -> None:
        self.journals: list[JournalEntry] = []
        self.entries: list[tuple[JournalEntry, tuple[Any, ...]]] = []
        self.moved: dict[int, Claim] = {}

    def post(self, client: Organization, kind: str, lines: Sequence[Line], *,
             claim: Claim | None = None, remittance: Remittance | None = None, memo: str = "",
             actor: Any = None) -> None:
        lines = _checked(kind, lines, claim)
        if not lines:
            return
        journal = _journal(client, kind, claim, remittance, memo, actor)
        self.journals.append(journal)
        self.entries += [(journal, _entry_values(client, ln, claim)) for ln in lines]
        for ln in lines:
            target = ln.claim or claim
            field = BALANCE_FIELDS.get(ln.account)
            if target is not None and field:
                setattr(target, field, getattr(target, field) + ln.amount)
                self.moved[target.pk] = target

    def flush(self) -> None:
        bulk.insert_with_ids(JournalEntry, self.journals)
        bulk.insert_values(LedgerEntry, ENTRY_FIELDS,
                           [(journal.pk, *values) for journal, values in self.entries])
        bulk.update(Claim, list(self.moved.values()), list(BALANCE_FIELDS.values()))
        self.journals, self.entries, self.moved = [], [], {}


BATCH = 500
ENTRY_FIELDS = ["journal", "client", "claim", "claim_line", "account", "amount", "reason"]
BALANCE_FIELDS: dict[str, str] = {Account.INSURANCE_AR: "insurance_balance",
                  Account.PATIENT_AR: "patient_balance"}


def _checked(kind: str, lines: Sequence[Line], claim: Claim | None) -> list[Line]:
    lines = [ln for ln in lines if ln.amount]
    if sum((ln.amount for ln in lines), Decimal(0)) != 0:
        raise UnbalancedJournal(f"{kind} for {claim}: lines sum to "
                                f"{sum(ln.amount for ln in lines)}")
    return lines


def _journal(client: Organization, kind: str, claim: Claim | None,
             remittance: Remittance | None, memo: str, actor: Any) -> JournalEntry:
    return JournalEntry(
        client=client, claim=claim, kind=kind, remittance=remittance, memo=memo[:300],
        created_by=actor if getattr(actor, "is_authenticated", False) else None)


def _ledger_entries(journal: JournalEntry, client: Organization, lines: Sequence[Line],
                    claim: Claim | None) -> list[LedgerEntry]:
    return [LedgerEntry(journal=journal, client=client, claim=ln.claim or claim,
                        claim_line=ln.claim_line, account=ln.account,
                        amount=ln.amount.quantize(CENT), reason=ln.reason[:8])
            for ln in lines]


def _entry_values(client: Organization, ln: Line, claim: Claim | None) -> tuple[Any, ...]:
    """A ledger entry as ENTRY_FIELDS values (after the journal), as ``_ledger_entries``."""
    target = ln.claim or claim
    return (client.pk, target.pk if target else None, ln.claim_line.pk if ln.claim_line else None,
            ln.account, ln.amount.quantize(CENT), ln.reason[:8])


def _moves(lines: Sequence[Line], default: Claim | None) -> dict[tuple[int, str], Decimal]:
    """AR movements per (claim id, balance field), applied with F() (safe under concurrency)."""
    moves: dict[tuple[int, str], Decimal] = {}
    for ln in lines:
        target = ln.claim or default
        field = BALANCE_FIELDS.get(ln.account)
        if target is None or not field:
            continue
        moves[(target.pk, field)] = moves.get((target.pk, field), Decimal(0)) + ln.amount
    return moves
