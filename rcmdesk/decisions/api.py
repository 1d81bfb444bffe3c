"""Decisions over the API: list, read (with history), propose, decide.

Deciding answers 403 to every role but the client's managers (partner roles included,
whatever they send), 404 for a proposal out of sight, 409 when it is already decided, so a
replayed approval posts nothing twice. Reads and listings are audited like the pages'.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from rcmdesk.api.problems import Problem
from rcmdesk.audit.services import record
from rcmdesk.decisions import queries, services
from rcmdesk.decisions.models import Proposal, ProposalStatus
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue.models import WorkItem

router = Router(tags=["decisions"])
LIST_LIMIT = 500


class ProposalOut(Schema):
    id: int
    client: str
    kind: str
    status: str
    workflow: str
    item_id: int | None
    claim_id: int | None
    amount: Decimal | None
    account: str
    adjustment_reason: str  # its code in the client's list ("" for other kinds)
    claim_line_id: int | None
    settled_adjustments: list[int]  # the payer's denial adjustments a posted write-off settled
    reasons: str
    evidence: str
    proposed_by: str | None
    proposed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str
    executed_at: datetime | None
    result: dict[str, Any]
    version: int


class DecisionEventOut(Schema):
    at: datetime
    actor: str | None
    kind: str
    comment: str


class ProposalDetailOut(ProposalOut):
    history: list[DecisionEventOut]


class ProposalQuery(Schema):
    status: str = ProposalStatus.PROPOSED
    kind: str = ""
    client: str = ""


class ProposeIn(Schema):
    client: str  # slug
    kind: str
    item_id: int | None = None
    claim_id: int | None = None
    amount: Decimal | None = None  # a write-off from an item: blank is the item's amount
    account: str = "insurance_ar"
    adjustment_reason: str = ""  # a write-off's: a code from the client's list
    reasons: str
    evidence: str = ""


class DecideIn(Schema):
    approve: bool
    comment: str = ""
    version: int | None = None


def _name(user: Any) -> str | None:
    return getattr(user, "username", None)


def _out(p: Proposal) -> dict[str, Any]:
    return {"id": p.pk, "client": p.client.slug, "kind": p.kind, "status": p.status,
            "workflow": p.workflow, "item_id": p.item_id, "claim_id": p.claim_id,
            "amount": p.amount, "account": p.account,
            "adjustment_reason": p.adjustment_reason.code if p.adjustment_reason else "",
            "claim_line_id": p.claim_line_id,
            "settled_adjustments": sorted(a.pk for a in p.settles.all()),
            "reasons": p.reasons,
            "evidence": p.evidence, "proposed_by": _name(p.proposed_by),
            "proposed_at": p.proposed_at, "decided_by": _name(p.decided_by),
            "decided_at": p.decided_at, "decision_comment": p.decision_comment,
            "executed_at": p.executed_at, "result": p.result, "version": p.version}


def _detail(p: Proposal) -> dict[str, Any]:
    return {**_out(p), "history": [
        {"at": e.at, "actor": _name(e.actor), "kind": e.kind, "comment": e.comment}
        for e in p.events.select_related("actor")]}


@router.get("", response=list[ProposalOut])
def list_proposals(request: HttpRequest, filters: Query[ProposalQuery]) -> list[dict[str, Any]]:
    f = queries.InboxFilter.parse(filters.dict())
    rows = list(queries.proposals(request.user, f)[:LIST_LIMIT])
    queries.audit_listing(rows, detail={"status": f.status, "kind": f.kind, "channel": "api"})
    return [_out(p) for p in rows]


@router.get("/{int:proposal_id}", response=ProposalDetailOut)
def get_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    proposal = queries.get_proposal(request.user, proposal_id)
    record("read", client_id=proposal.client_id, obj=proposal)
    return _detail(proposal)


@router.post("", response={201: ProposalDetailOut, 400: Problem, 403: Problem, 404: Problem})
def propose(request: HttpRequest, body: ProposeIn) -> Any:
    user = request.user
    visible = visibility_for(user).client_ids
    client = Organization.objects.filter(slug=body.client, pk__in=visible).first()
    if client is None:
        return Status(404, {"detail": "Not found."})
    item = (WorkItem.objects.visible_to(user).filter(client=client, pk=body.item_id).first()
            if body.item_id is not None else None)
    if body.item_id is not None and item is None:
        return Status(404, {"detail": "Not found."})
    claim = None
    if body.claim_id is not None:
        from rcmdesk.claims.models import Claim

        claim = Claim.objects.visible_to(user).filter(client=client, pk=body.claim_id).first()
        if claim is None:
            return Status(404, {"detail": "Not found."})
    proposal = services.propose(client, body.kind, acting_user=user, item=item, claim=claim,
                                amount=body.amount, reasons=body.reasons,
                                evidence=body.evidence, account=body.account,
                                adjustment_reason=body.adjustment_reason)
    return Status(201, _detail(queries.get_proposal(user, proposal.pk)))


@router.post("/{int:proposal_id}/decision",
             response={200: ProposalDetailOut, 400: Problem, 403: Problem, 404: Problem,
                       409: Problem})
def decide(request: HttpRequest, proposal_id: int, body: DecideIn) -> Any:
    proposal = queries.get_proposal(request.user, proposal_id)
    done = services.decide(proposal, body.approve, body.comment, acting_user=request.user,
                           version=body.version)
    return Status(200, _detail(queries.get_proposal(request.user, done.pk)))
