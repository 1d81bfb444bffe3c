"""``GET /api/reconciliation/unmatched?client=slug``: what is open on both sides, with ages.

The client must be visible to the caller for the posting workflow; any other slug answers
404, exactly like a missing one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from rcmdesk.remits.deposit_views import posting_client_or_404
from rcmdesk.remits.deposits import audit_reconciliation, unmatched

router = Router(tags=["reconciliation"])


class DepositOut(Schema):
    id: int
    deposit_date: date
    amount: Decimal
    trace: str
    description: str
    file: str
    age_days: int


class RemittanceOut(Schema):
    id: int
    payment_date: date | None
    amount: Decimal  # signed: negative when BPR03 is D
    trace_number: str
    payer: str
    method: str
    age_days: int


class DiscrepancyOut(Schema):
    deposit: int
    remittance: int
    difference: Decimal


class SuggestionOut(Schema):
    deposit: int
    remittance: int
    days_apart: int


class UnmatchedOut(Schema):
    client: str
    today: date
    deposits: list[DepositOut]
    remittances: list[RemittanceOut]
    discrepancies: list[DiscrepancyOut]
    suggestions: list[SuggestionOut]


@router.get("/unmatched", response=UnmatchedOut)
def list_unmatched(request: HttpRequest, client: str) -> UnmatchedOut:
    org = posting_client_or_404(request.user, client)
    today = org.today()
    report = unmatched(org, today)
    audit_reconciliation(org, report, view="api.reconciliation.unmatched")
    return UnmatchedOut(
        client=org.slug, today=today,
        deposits=[DepositOut(id=a.deposit.pk, deposit_date=a.deposit.deposit_date,
                             amount=a.deposit.amount, trace=a.deposit.trace,
                             description=a.deposit.description,
                             file=a.deposit.deposit_import.name, age_days=a.age_days)
                  for a in report.deposits],
        remittances=[RemittanceOut(id=a.remittance.pk, payment_date=a.remittance.payment_date,
                                   amount=a.amount, trace_number=a.remittance.trace_number,
                                   payer=a.remittance.payer_name or a.remittance.payer_key,
                                   method=a.remittance.method, age_days=a.age_days)
                     for a in report.remittances],
        discrepancies=[DiscrepancyOut(deposit=x.deposit.pk, remittance=x.remittance.pk,
                                      difference=x.difference) for x in report.discrepancies],
        suggestions=[SuggestionOut(deposit=s.deposit.pk, remittance=s.remittance.pk,
                                   days_apart=s.days_apart) for s in report.suggestions],
    )
