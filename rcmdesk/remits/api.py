"""Posting exceptions over the API: the list, one exception with the actions its kind allows,
and resolving it (match, link, park, refund, review) through the same services as the page;
unapplied cash, its aging and applying it; remittances (835 payments) as the pages read them.
Refusals come back as the one Problem body."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from rcmdesk.api.paging import Limit, Page
from rcmdesk.api.problems import Problem
from rcmdesk.audit.services import record, record_listing
from rcmdesk.remits import queries, resolution
from rcmdesk.remits.models import PostingException, Remittance, UnappliedCash

router = Router(tags=["remits"])


class ExceptionOut(Schema):
    id: int
    client: str
    reason: str
    detail: str
    status: str
    created_at: datetime
    age_days: int
    payer: str
    trace_number: str
    amount: Decimal
    patient_control_number: str | None
    claim_id: int | None
    file_id: int | None


@router.get("/posting-exceptions", response=list[ExceptionOut])
def list_exceptions(request: HttpRequest, page: Query[Limit],
                    status: str = "open") -> list[dict[str, Any]]:
    """Exceptions of the clients whose posting you may see; status "" or "all" means any."""
    qs = queries.exceptions(request.user, "" if status == "all" else status)
    now = timezone.now()
    rows = [queries.row(e, now) for e in qs[: page.limit]]
    record_listing([r.exception for r in rows], "remits.postingexception", key="exceptions",
                   detail={"api": True})
    return [{
        "id": r.exception.pk, "client": r.exception.client.slug, "reason": r.exception.reason,
        "detail": r.exception.detail, "status": r.exception.status,
        "created_at": r.exception.created_at, "age_days": r.age_days,
        "payer": r.exception.remittance.payer_name or r.exception.remittance.payer_key,
        "trace_number": r.exception.remittance.trace_number, "amount": r.amount,
        "patient_control_number": (r.exception.remit_claim.patient_control_number
                                   if r.exception.remit_claim else None),
        "claim_id": r.claim_id, "file_id": r.exception.remittance.file_id,
    } for r in rows]


class ExceptionDetailOut(ExceptionOut):
    kind: str
    actions: list[str]
    resolution: str
    resolved_at: datetime | None
    matched_claim_id: int | None
    refund_decision_id: int | None


def _detail(user: Any, exception_id: int) -> dict[str, Any]:
    """The exception as it stands now (read again after an action)."""
    e = queries.get_exception(user, exception_id)
    r = queries.row(e)
    return {
        "id": e.pk, "client": e.client.slug, "reason": e.reason, "detail": e.detail,
        "status": e.status, "created_at": e.created_at, "age_days": r.age_days,
        "payer": e.remittance.payer_name or e.remittance.payer_key,
        "trace_number": e.remittance.trace_number, "amount": r.amount,
        "patient_control_number": e.remit_claim.patient_control_number if e.remit_claim
        else None, "claim_id": r.claim_id, "file_id": e.remittance.file_id,
        "kind": resolution.kind_of(e), "actions": list(resolution.actions_for(e)),
        "resolution": e.resolution, "resolved_at": e.resolved_at, "matched_claim_id": e.claim_id,
        "refund_decision_id": e.refund_id}


@router.get("/posting-exceptions/{int:exception_id}", response=ExceptionDetailOut)
def get_exception(request: HttpRequest, exception_id: int) -> dict[str, Any]:
    """One exception, its kind and what may be done with it now."""
    out = _detail(request.user, exception_id)
    record("read", client_id=PostingException.objects.get(pk=exception_id).client_id,
           object_type="remits.postingexception", object_id=exception_id, detail={"api": True})
    return out


class ClaimIn(Schema):
    claim_id: int


class TextIn(Schema):
    text: str


def _claim_action(request: HttpRequest, exception_id: int, claim_id: int, act: Any) -> Any:
    exception = queries.get_exception(request.user, exception_id)
    claim = queries.client_claim(request.user, exception.client_id, pk=claim_id)
    act(exception, claim, acting_user=request.user)
    return _detail(request.user, exception_id)


@router.post("/posting-exceptions/{int:exception_id}/match", response=ExceptionDetailOut)
def match(request: HttpRequest, exception_id: int, body: ClaimIn) -> Any:
    """Post an unmatched payment to a claim of the same client (never twice)."""
    return _claim_action(request, exception_id, body.claim_id, resolution.match)


@router.post("/posting-exceptions/{int:exception_id}/link", response=ExceptionDetailOut)
def link(request: HttpRequest, exception_id: int, body: ClaimIn) -> Any:
    """Link a takeback to its original claim and post it there."""
    return _claim_action(request, exception_id, body.claim_id, resolution.link_takeback)


def _text_action(request: HttpRequest, exception_id: int, text: str, act: Any) -> Any:
    exception: PostingException = queries.get_exception(request.user, exception_id)
    act(exception, text, acting_user=request.user)
    return _detail(request.user, exception_id)


@router.post("/posting-exceptions/{int:exception_id}/park", response=ExceptionDetailOut)
def park(request: HttpRequest, exception_id: int, body: TextIn) -> Any:
    """Park the payment as unapplied cash; ``text`` is the reason."""
    return _text_action(request, exception_id, body.text, resolution.park)


@router.post("/posting-exceptions/{int:exception_id}/refund", response=ExceptionDetailOut)
def refund(request: HttpRequest, exception_id: int, body: TextIn) -> Any:
    """Ask the client to refund the credit balance; ``text`` is the reasons."""
    return _text_action(request, exception_id, body.text, resolution.request_refund)


@router.post("/posting-exceptions/{int:exception_id}/review", response=ExceptionDetailOut)
def review(request: HttpRequest, exception_id: int, body: TextIn) -> Any:
    """Mark an unknown adjustment code reviewed; ``text`` says what it means."""
    return _text_action(request, exception_id, body.text, resolution.review)


class UnappliedOut(Schema):
    id: int
    client: str
    remittance_id: int
    exception_id: int | None
    reason: str
    parked_on: date
    amount: Decimal
    remaining: Decimal


def _unapplied(u: UnappliedCash) -> dict[str, Any]:
    return {"id": u.pk, "client": u.client.slug, "remittance_id": u.remittance_id,
            "exception_id": u.exception_id, "reason": u.reason, "parked_on": u.parked_on,
            "amount": u.amount, "remaining": u.remaining}


@router.get("/unapplied-cash", response=list[UnappliedOut])
def list_unapplied(request: HttpRequest, page: Query[Limit]) -> list[dict[str, Any]]:
    """Unapplied cash still held, oldest first."""
    held = list(queries.unapplied_cash(request.user)[: page.limit])
    record_listing(held, "remits.unappliedcash", key="unapplied_cash", detail={"api": True})
    return [_unapplied(u) for u in held]


class ApplyIn(Schema):
    claim_id: int
    amount: Decimal


@router.post("/unapplied-cash/{int:unapplied_id}/apply",
             response={200: UnappliedOut, 409: Problem})
def apply(request: HttpRequest, unapplied_id: int, body: ApplyIn) -> dict[str, Any]:
    """Apply some of it to a claim's open insurance balance (409 when less is left than
    asked, or the claim's balance is smaller)."""
    cash = queries.get_unapplied(request.user, unapplied_id)
    claim = queries.client_claim(request.user, cash.client_id, pk=body.claim_id)
    resolution.apply_cash(cash, claim, body.amount, acting_user=request.user)
    return _unapplied(queries.get_unapplied(request.user, unapplied_id))
# --- remittances (835 payments) -------------------------------------------------------------


class RemittanceQuery(Page):
    client: str = Field(default="", description="Client slug; empty: every client you see.")
    payer: str = Field(default="", max_length=100, description="Payer name or id, any part.")
    trace: str = Field(default="", max_length=50, description="Check or EFT number (TRN02).")
    paid_from: date | None = None
    paid_to: date | None = None


class PaymentOut(Schema):
    id: int
    client: str
    payer: str
    trace_number: str
    payment_date: date | None
    amount: Decimal
    method: str
    claims: int
    exceptions: int | None  # only for whoever works the client's posting
    open_exceptions: int | None
    deposit_matched: bool | None
    file_id: int | None


class PaymentClaimOut(Schema):
    index: int
    patient_control_number: str
    claim_id: int | None
    status_code: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    outcome: str


class PaymentPlbOut(Schema):
    reason: str
    reference: str
    amount: Decimal
    claim_id: int | None


class PaymentDetailOut(PaymentOut):
    claim_lines: list[PaymentClaimOut]
    provider_adjustments: list[PaymentPlbOut]
    exception_ids: list[int] | None


def _remittance_out(r: Remittance, posting: bool) -> dict[str, Any]:
    return {"id": r.pk, "client": r.client.slug, "payer": r.payer_name or r.payer_key,
            "trace_number": r.trace_number, "payment_date": r.payment_date,
            "amount": -r.amount if r.credit_debit == "D" else r.amount,
            "method": queries.method_name(r.method), "file_id": r.file_id,
            "claims": getattr(r, "claim_count", 0),
            "exceptions": getattr(r, "exception_count", None) if posting else None,
            "open_exceptions": getattr(r, "open_exceptions", None) if posting else None,
            "deposit_matched": getattr(r, "matched", None) if posting else None}


@router.get("/remittances", response=list[PaymentOut])
def list_remittances(request: HttpRequest,
                     filters: Query[RemittanceQuery]) -> list[dict[str, Any]]:
    """835 payments of the clients you may see, newest payment first (as the page lists
    them); exception counts and the deposit match only where you work the client's posting."""
    clients = {c.slug: c for c in queries.remittance_clients(request.user)}
    f = queries.RemittanceFilter(
        client=clients.get(filters.client), payer=filters.payer, trace=filters.trace,
        paid_from=filters.paid_from, paid_to=filters.paid_to)
    if filters.client and f.client is None:
        return []
    found = queries.search_remittances(request.user, f)
    rows = queries.remittance_rows(
        request.user, found[filters.offset: filters.offset + filters.limit])
    queries.audit_remittance_listing(rows, detail={"api": True, **f.as_detail()})
    return [_remittance_out(r.remittance, r.posting) for r in rows]


@router.get("/remittances/{remittance_id}", response=PaymentDetailOut)
def get_remittance(request: HttpRequest, remittance_id: int) -> dict[str, Any]:
    """One 835 payment: its claims in file order, provider-level (PLB) adjustments and, for
    whoever works the client's posting, its exceptions and deposit match."""
    remittance = queries.get_remittance(request.user, remittance_id)
    d = queries.remittance_detail(request.user, remittance)
    record("read", client_id=remittance.client_id, obj=remittance, detail={"api": True})
    claims = list(d.claims)
    return {
        **_remittance_out(remittance, d.posting),
        "claims": len(claims),
        "exceptions": len(d.exceptions) if d.posting else None,
        "open_exceptions": sum(1 for e in d.exceptions if e.exception.status == "open")
        if d.posting else None,
        "deposit_matched": d.deposit is not None if d.posting else None,
        "claim_lines": [{
            "index": rc.index, "patient_control_number": rc.patient_control_number,
            "claim_id": rc.claim_id, "status_code": rc.status_code, "charge": rc.charge,
            "paid": rc.paid, "patient_responsibility": rc.patient_responsibility,
            "outcome": rc.outcome} for rc in claims],
        "provider_adjustments": [{"reason": p.reason, "reference": p.reference,
                                  "amount": p.amount, "claim_id": p.claim_id}
                                 for p in d.provider_adjustments],
        "exception_ids": [e.exception.pk for e in d.exceptions] if d.posting else None,
    }
