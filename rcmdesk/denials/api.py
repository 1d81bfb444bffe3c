"""Appeals over the API: the list (the page's filters), one appeal, and the steps after the
client's decision: filed, the payer's answer, the next level, a write-off proposal.

The same services as the pages: a refusal answers in their words at the kind's status (one
handler in ``rcmdesk.api``); another client's appeal is a 404 like a missing one. Reads and
listings are audited like the pages'.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from rcmdesk.api.paging import ID_MAX, Page
from rcmdesk.api.problems import Problem
from rcmdesk.audit.services import record
from rcmdesk.denials import appeals, queries
from rcmdesk.denials.deadlines import deadline_flag
from rcmdesk.denials.models import Appeal

router = Router(tags=["appeals"])
REFUSALS: dict[int, type[Problem]] = {400: Problem, 403: Problem, 404: Problem, 409: Problem,
                                      412: Problem}


class AppealOut(Schema):
    id: int
    client: str
    claim_id: int
    claim_number: str
    item_id: int
    payer: str
    level: int
    previous_id: int | None
    status: str
    state: str  # the status in words
    deadline: date | None
    deadline_flag: str  # "past", "near" or ""
    deadline_words: str
    amount: Decimal | None  # denied
    filed_on: date | None
    filing_channel: str
    filing_reference: str
    outcome: str
    decided_on: date | None
    expected_amount: Decimal | None
    paid_amount: Decimal | None
    paid_on: date | None
    version: int


class AppealQuery(Page):
    state: str = Field(default="open", max_length=32,
                       description="open (default), closed, all, or one status")
    level: int | None = Field(default=None, ge=1, le=9)
    payer: int | None = Field(default=None, ge=1, le=ID_MAX, description="a payer id")
    deadline: str = Field(default="", max_length=8, description="flagged, past or near")
    client: str = Field(default="", max_length=60, description="a client's slug")


class FiledIn(Schema):
    version: int = Field(ge=1, le=ID_MAX)
    filed_on: date
    channel: str = Field(max_length=16, description="portal, fax, mail or electronic")
    reference: str = Field(default="", max_length=80)


class AnswerIn(Schema):
    version: int = Field(ge=1, le=ID_MAX)
    outcome: str = Field(max_length=24,
                         description="overturned, partially_overturned or upheld")
    decided_on: date
    expected_amount: Decimal | None = Field(default=None, ge=0, max_digits=12,
                                            decimal_places=2)
    note: str = Field(default="", max_length=1000)


class WriteOffIn(Schema):
    amount: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    reasons: str = Field(default="", max_length=4000)
    adjustment_reason: str = Field(default="", max_length=20, description=(
        "A code from the client's adjustment-reason list; empty: appeals exhausted (APPEAL)."))


class ProposalRef(Schema):
    proposal_id: int
    status: str
    amount: Decimal | None


def _out(a: Appeal) -> dict[str, Any]:
    flag = deadline_flag(a)
    return {"id": a.pk, "client": a.client.slug, "claim_id": a.claim_id,
            "claim_number": a.claim.patient_control_number, "item_id": a.item_id,
            "payer": a.claim.payer.name, "level": a.level, "previous_id": a.previous_id,
            "status": a.status, "state": a.state_label, "deadline": a.deadline,
            "deadline_flag": flag.level, "deadline_words": flag.words, "amount": a.item.amount,
            "filed_on": a.filed_on, "filing_channel": a.filing_channel,
            "filing_reference": a.filing_reference, "outcome": a.outcome,
            "decided_on": a.decided_on, "expected_amount": a.expected_amount,
            "paid_amount": a.paid_amount, "paid_on": a.paid_on, "version": a.version}


@router.get("", response=list[AppealOut])
def list_appeals(request: HttpRequest, filters: Query[AppealQuery]) -> list[dict[str, Any]]:
    f = queries.AppealFilter.parse(filters.dict())
    rows = list(queries.appeals(request.user, f)[filters.offset:filters.offset + filters.limit])
    queries.audit_listing(rows, detail={"filters": f.as_params(), "channel": "api"})
    return [_out(a) for a in rows]


@router.get("/{int:appeal_id}", response=AppealOut)
def get_appeal(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    appeal = queries.get_appeal(request.user, appeal_id)
    record("read", client_id=appeal.client_id, obj=appeal)
    return _out(appeal)


@router.post("/{int:appeal_id}/filing", response={200: AppealOut, **REFUSALS})
def filed(request: HttpRequest, appeal_id: int, body: FiledIn) -> Any:
    appeal = queries.get_appeal(request.user, appeal_id)
    appeals.record_filed(appeal, body.version, acting_user=request.user,
                         filed_on=body.filed_on, channel=body.channel, reference=body.reference)
    return _out(queries.get_appeal(request.user, appeal_id))


@router.post("/{int:appeal_id}/answer", response={200: AppealOut, **REFUSALS})
def answer(request: HttpRequest, appeal_id: int, body: AnswerIn) -> Any:
    appeal = queries.get_appeal(request.user, appeal_id)
    appeals.record_outcome(appeal, body.version, acting_user=request.user,
                           outcome=body.outcome, decided_on=body.decided_on,
                           expected_amount=body.expected_amount, note=body.note)
    return _out(queries.get_appeal(request.user, appeal_id))


@router.post("/{int:appeal_id}/next-level", response={201: AppealOut, **REFUSALS})
def next_level(request: HttpRequest, appeal_id: int) -> Any:
    appeal = queries.get_appeal(request.user, appeal_id)
    drafted = appeals.draft_next_level(appeal, acting_user=request.user)
    return Status(201, _out(queries.get_appeal(request.user, drafted.pk)))


@router.post("/{int:appeal_id}/write-off", response={201: ProposalRef, **REFUSALS})
def write_off(request: HttpRequest, appeal_id: int, body: WriteOffIn) -> Any:
    appeal = queries.get_appeal(request.user, appeal_id)
    proposal = appeals.propose_write_off(appeal, acting_user=request.user, amount=body.amount,
                                         reasons=body.reasons,
                                         adjustment_reason=body.adjustment_reason)
    return Status(201, {"proposal_id": proposal.pk, "status": proposal.status,
                        "amount": proposal.amount})
