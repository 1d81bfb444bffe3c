"""Ledger invariants, checked after every posting test and by ``rcmdesk ledger check``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from rcmdesk.claims.models import Claim
from rcmdesk.remits.ledger import CENT
from rcmdesk.remits.models import Account, LedgerEntry, Remittance, UnappliedCash
from rcmdesk.tenancy.models import Organization


@dataclass(frozen=True)
class Problem:
    kind: str
    object_id: int
    message: str

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}: {self.message}"


def _cents(value: object) -> Decimal:
    """SQLite sums DecimalFields as floats; round back to cents before comparing."""
    return Decimal(str(value or 0)).quantize(CENT)


def _scoped(qs: QuerySet[Any], client: Organization | None) -> QuerySet[Any]:
    return qs.filter(client=client) if client is not None else qs


def check_ledger(client: Organization | None = None) -> list[Problem]:
    """Every journal balances, every 835 balances, every claim's stored balance is the ledger's,
    and the unapplied cash still held is what the unapplied-cash account holds."""
    return _journals(client) + _remittances(client) + _claims(client) + _unapplied(client)


def _journals(client: Organization | None) -> list[Problem]:
    sums = (_scoped(LedgerEntry.objects.all(), client).values("journal_id")
            .annotate(total=Sum("amount")).order_by("journal_id"))
    return [Problem("journal entry", row["journal_id"], f"lines sum to {_cents(row['total'])}")
            for row in sums if _cents(row["total"])]


def _remittances(client: Organization | None) -> list[Problem]:
    problems = []
    remits = _scoped(Remittance.objects.all(), client).order_by("pk")
    for remit in remits:
        paid = sum((c.paid for c in remit.claims.all()), Decimal(0))
        provider = sum((p.amount for p in remit.provider_adjustments.all()), Decimal(0))
        signed = -remit.amount if remit.credit_debit == "D" else remit.amount
        if signed != paid - provider:
            problems.append(Problem("remittance", remit.pk, f"BPR02 {remit.amount} is not "
                                    f"claim payments {paid} less PLB {provider}"))
    return problems


def _claims(client: Organization | None) -> list[Problem]:
    problems = []
    totals = (LedgerEntry.objects.filter(claim__isnull=False)
              .values("claim_id")
              .annotate(ins=Sum("amount", filter=Q(account=Account.INSURANCE_AR)),
                        pat=Sum("amount", filter=Q(account=Account.PATIENT_AR))))
    by_claim = {row["claim_id"]: row for row in totals}
    for claim in _scoped(Claim.objects.all(), client).order_by("pk"):
        row = by_claim.get(claim.pk, {})
        ins, pat = _cents(row.get("ins")), _cents(row.get("pat"))
        if (ins, pat) != (claim.insurance_balance, claim.patient_balance):
            problems.append(Problem("claim", claim.pk, (
                f"{claim.patient_control_number} stores insurance {claim.insurance_balance} / "
                f"patient {claim.patient_balance}, ledger says {ins} / {pat}")))
    return problems


def _unapplied(client: Organization | None) -> list[Problem]:
    held = (_scoped(LedgerEntry.objects.filter(account=Account.UNAPPLIED_CASH), client)
            .values("client_id").annotate(total=Sum("amount")).order_by("client_id"))
    ledger_says = {row["client_id"]: -_cents(row["total"]) for row in held}
    rows = (_scoped(UnappliedCash.objects.all(), client).values("client_id")
            .annotate(total=Sum("remaining")).order_by("client_id"))
    rows_say = {row["client_id"]: _cents(row["total"]) for row in rows}
    return [Problem("unapplied cash", client_id, f"rows hold {rows_say.get(client_id, 0)}, "
                    f"the ledger {ledger_says.get(client_id, 0)}")
            for client_id in sorted(set(ledger_says) | set(rows_say))
            if _cents(ledger_says.get(client_id)) != _cents(rows_say.get(client_id))]
