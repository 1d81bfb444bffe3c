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

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from rcmdesk.accounts.people import person
from rcmdesk.claims.models import Claim, ClaimLine
from rcmdesk.db import bulk
from rcmdesk.remits.models import Account, JournalEntry, LedgerEntry, Remittance
from rcmdesk.tenancy.models import Organization

CENT = Decimal("0.01")
ZERO = Decimal(0)


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
         acting_user: Any = None) -> JournalEntry | None:
    """One balanced journal entry; zero lines are dropped and an all-zero entry is skipped."""
    lines = _checked(kind, lines, claim)
    if not lines:
        return None
    with transaction.atomic():
        journal = _journal(client, kind, claim, remittance, memo, acting_user)
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
    ``add`` is the same for a journal whose entries all belong to its claim, given as plain
    ``Entry`` tuples: posting an 835 writes tens of thousands of them. Journals and entries
    are kept as rows in database terms (no model instances) and written by COPY/executemany;
    a journal's claim and remittance are read (``.pk``) at flush, as a model's foreign key
    would be.
    """

    def __init__(self, *, relative: bool = False) -> None:
        self.relative = relative
        # timezone.now() read once per call (never datetime.now: the demo's clock stops
        # timezone.now to replay history, and every row must agree with it)
        self._now = timezone.now
        self.journals: list[tuple[Any, ...]] = []
        self.entries: list[tuple[Any, ...]] = []
        self.moved: dict[int, Claim] = {}
        self.deltas: dict[tuple[int, str], Decimal] = {}

    def post(self, client: Organization, kind: str, lines: Sequence[Line], *,
             claim: Claim | None = None, remittance: Remittance | None = None, memo: str = "",
             acting_user: Any = None) -> None:
        lines = _checked(kind, lines, claim)
        if not lines:
            return
        journal = self._journal(client.pk, kind, claim, remittance, memo,
                                actor_id(acting_user))
        self.entries += [(journal, *_entry_values(client, ln, claim)) for ln in lines]
        for ln in lines:
            self._move(ln.claim or claim, ln.account, ln.amount)

    def add(self, client_id: int, kind: str, entries: Sequence[Entry], *, claim: Claim | None,
            remittance: Remittance | None, memo: str, actor: int | None) -> None:
        """One balanced journal of (account, amount, claim line id, reason) on ``claim``."""
        entries = [e for e in entries if e[1]]
        if not entries:
            return
        total = ZERO
        for entry in entries:
            total += entry[1]
        if total:
            raise UnbalancedJournal(f"{kind} for {claim}: lines sum to {total}")
        journal = self._journal(client_id, kind, claim, remittance, memo, actor)
        claim_id = claim.pk if claim is not None else None
        self.entries += [(journal, client_id, claim_id, line_id, account, amount.quantize(CENT),
                          reason[:8]) for account, amount, line_id, reason in entries]
        if claim is not None:
            for account, amount, _line, _reason in entries:
                self._move(claim, account, amount)

    def _journal(self, client_id: int, kind: str, claim: Claim | None,
                 remittance: Remittance | None, memo: str, actor: int | None) -> int:
        self.journals.append((client_id, claim, kind, remittance, memo[:300], self._now(),
                              actor))
        return len(self.journals) - 1

    def _move(self, target: Claim | None, account: str, amount: Decimal) -> None:
        field = BALANCE_FIELDS.get(account)
        if target is None or not field:
            return
        if self.relative:
            key = (target.pk, field)
            self.deltas[key] = self.deltas.get(key, Decimal(0)) + amount
            return
        setattr(target, field, getattr(target, field) + amount)
        self.moved[target.pk] = target

    def flush(self, *, balances: bool = True) -> None:
        """Write the journals and entries, and the claims' balances unless ``balances`` is
        False: then the caller writes the claims of ``moved`` (read it first) itself, with
        whatever else of them it changed, so each claim gets one new row version, not two."""
        ids = bulk.reserve_ids(JournalEntry, len(self.journals))
        db_datetime = connection.ops.adapt_datetimefield_value  # looked up once, not per row
        bulk.insert(JournalEntry, JOURNAL_FIELDS, [
            (new_id, client_id, claim.pk if claim is not None else None, kind,
             remittance.pk if remittance is not None else None, memo, db_datetime(at), actor)
            for new_id, (client_id, claim, kind, remittance, memo, at, actor)
            in zip(ids, self.journals, strict=True)])
        bulk.insert(LedgerEntry, ENTRY_FIELDS,
                    [(ids[journal], *values) for journal, *values in self.entries])
        names = list(BALANCE_FIELDS.values())
        if balances:
            bulk.update(Claim, names, [(*(getattr(c, n) for n in names), c.pk)
                                       for c in self.moved.values()])
        for field in names:
            bulk.add(Claim, [field], [(amount, claim_id) for (claim_id, f), amount
                                      in self.deltas.items() if f == field])
        self.journals, self.entries, self.moved, self.deltas = [], [], {}, {}


Entry = tuple[str, Decimal, int | None, str]  # account, amount, claim line id, reason


def actor_id(user: Any) -> int | None:
    """Who posted: a signed-in user's id, else nobody (the system actor, a test's None)."""
    who = person(user)
    return who.pk if who is not None else None


BATCH = 500
JOURNAL_FIELDS = ["id", "client", "claim", "kind", "remittance", "memo", "created_at",
                  "created_by"]
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
        created_by=person(actor))


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
