"""Claims over the API: search, and one claim with its lines, remits, ledger and timeline."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema

from rcmdesk.api.paging import Page
from rcmdesk.audit.services import record
from rcmdesk.claims import queries
from rcmdesk.claims.models import Claim
from rcmdesk.claims.timeline import Event, Link

router = Router(tags=["claims"])


class ClaimOut(Schema):
    id: int
    client: str
    patient_control_number: str
    payer_claim_control_number: str
    patient: str
    payer: str
    service_from: date | None
    service_to: date | None
    total_charge: Decimal
    status: str
    crossover: bool
    insurance_balance: Decimal
    patient_balance: Decimal


class LineOut(Schema):
    line_number: int
    procedure_qualifier: str
    procedure: str
    modifiers: list[str]
    revenue_code: str
    units: Decimal | None
    service_date: date | None
    charge: Decimal


class CodeOut(Schema):
    value: str
    category: str
    text: str


class AdjustmentOut(Schema):
    line: int | None
    group: str
    carc: CodeOut
    amount: Decimal
    posted: bool
    written_off_by: int | None  # the client's write-off decision that settled this denial


class RemarkOut(Schema):
    line: int
    qualifier: str
    rarc: CodeOut


class RemitOut(Schema):
    id: int
    payer: str
    trace_number: str
    payment_date: date | None
    status_code: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    outcome: str
    adjustments: list[AdjustmentOut]
    remarks: list[RemarkOut]


class LedgerLineOut(Schema):
    account: str
    amount: Decimal
    reason: str


class JournalOut(Schema):
    id: int
    kind: str
    created_at: datetime
    memo: str
    trace_number: str | None
    entries: list[LedgerLineOut]


class PageLinkOut(Schema):
    label: str
    url: str


class ClaimEventOut(Schema):
    at: datetime
    stage: str
    title: str
    detail: str
    amount: Decimal | None
    who: str
    link: PageLinkOut | None
    alarm: bool


class ClaimDeadlineOut(Schema):
    day: date
    what: str
    days_left: int
    link: PageLinkOut


class ClaimDetailOut(ClaimOut):
    provider: str | None
    paid: Decimal
    next_deadline: ClaimDeadlineOut | None
    lines: list[LineOut]
    remits: list[RemitOut]
    ledger: list[JournalOut]
    timeline: list[ClaimEventOut]


class ClaimQuery(Page):
    q: str = ""
    payer: str = ""
    status: str = ""


def _claim_out(c: Claim) -> dict[str, Any]:
    return {"id": c.pk, "client": c.client.slug, "patient_control_number":
            c.patient_control_number, "payer_claim_control_number": c.payer_claim_control_number,
            "patient": str(c.patient), "payer": c.payer.name, "service_from": c.service_from,
            "service_to": c.service_to, "total_charge": c.total_charge, "status": c.status,
            "crossover": c.secondary_flag, "insurance_balance": c.insurance_balance,
            "patient_balance": c.patient_balance}


def _link(link: Link | None) -> dict[str, str] | None:
    """The page the event opens, as the web pages link it."""
    if link is None:
        return None
    return {"label": link.label, "url": reverse(link.name, args=[link.key])}


def _event(e: Event) -> dict[str, Any]:
    return {"at": e.at, "stage": e.stage, "title": e.title, "detail": e.detail,
            "amount": e.amount, "who": e.who, "link": _link(e.link), "alarm": e.alarm}


def _deadline(d: queries.Deadline | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {"day": d.day, "what": d.what, "days_left": d.left, "link": _link(d.link)}


def _code(code: queries.Code) -> dict[str, str]:
    return {"value": code.value, "category": code.category, "text": code.text}


@router.get("", response=list[ClaimOut])
def list_claims(request: HttpRequest, filters: Query[ClaimQuery]) -> list[dict[str, Any]]:
    """Claims of the clients you may see; reading patient names is audited."""
    f = queries.ClaimFilter(q=filters.q[:100], payer=filters.payer[:100], status=filters.status)
    offset = filters.offset
    claims = list(queries.search(request.user, f)[offset: offset + filters.limit])
    queries.audit_listing(claims, detail={"api": True, "offset": offset, "q": f.q,
                                          "payer": f.payer, "status": f.status})
    return [_claim_out(c) for c in claims]


@router.get("/{claim_id}", response=ClaimDetailOut)
def get_claim(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    claim = queries.get_claim(request.user, claim_id)
    record("read", client_id=claim.client_id, obj=claim)
    d = queries.detail(request.user, claim)
    provider = claim.billing_provider
    return {
        **_claim_out(claim),
        "provider": f"{provider.name} ({provider.npi})" if provider else None,
        "paid": d.paid, "next_deadline": _deadline(d.deadline),
        "timeline": [_event(e) for e in d.timeline],
        "lines": [{"line_number": ln.line_number, "procedure_qualifier": ln.procedure_qualifier,
                   "procedure": ln.procedure, "modifiers": ln.modifiers,
                   "revenue_code": ln.revenue_code, "units": ln.units,
                   "service_date": ln.service_date, "charge": ln.charge} for ln in d.lines],
        "remits": [{
            "id": r.remit.pk,
            "payer": r.remit.remittance.payer_name or r.remit.remittance.payer_key,
            "trace_number": r.remit.remittance.trace_number,
            "payment_date": r.remit.remittance.payment_date, "status_code": r.remit.status_code,
            "charge": r.remit.charge, "paid": r.remit.paid,
            "patient_responsibility": r.remit.patient_responsibility,
            "outcome": r.remit.outcome,
            "adjustments": [{"line": a.line, "group": a.group, "carc": _code(a.code),
                             "amount": a.amount, "posted": a.posted,
                             "written_off_by": a.written_off.pk if a.written_off else None}
                            for a in r.adjustments],
            "remarks": [{"line": line, "qualifier": q, "rarc": _code(code)}
                        for line, q, code in r.remarks],
        } for r in d.remits],
        "ledger": [{"id": j.pk, "kind": j.kind, "created_at": j.created_at, "memo": j.memo,
                    "trace_number": j.remittance.trace_number if j.remittance else None,
                    "entries": [{"account": e.account, "amount": e.amount, "reason": e.reason}
                                for e in j.entries.all()]} for j in d.journals],
    }
