"""Authorizations over the API: list, read (with history), record one by hand, ask the payer.

Another tenant's authorization answers 404 like a missing one; a role that may not work
prior-auth items 403. Reads and listings are audited like the pages'.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from rcmdesk.api.paging import Page
from rcmdesk.api.problems import Problem
from rcmdesk.audit.services import record
from rcmdesk.priorauth import queries, services
from rcmdesk.priorauth.decisions import describe
from rcmdesk.priorauth.models import AuthDecision, Authorization, AuthSource
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.roles import Action, Workflow

router = Router(tags=["prior authorization"])


class AuthOut(Schema):
    id: int
    client: str
    patient_id: int
    payer_id: int
    payer: str
    provider_id: int | None
    visit_id: int | None
    codes: list[str]
    status: str
    decision_code: str
    decision: str  # the decision code in our words
    reason_code: str
    rejection_code: str
    certification_number: str
    payer_reference: str
    approved_units: Decimal | None
    used_units: Decimal
    start_date: date | None
    end_date: date | None
    source: str
    reference: str
    split_from_id: int | None
    note: str
    updated_at: datetime


class DecisionOut(Schema):
    recorded_at: datetime
    source: str
    status: str
    decision_code: str
    reason_code: str
    rejection_code: str
    certification_number: str
    approved_units: Decimal | None
    start_date: date | None
    end_date: date | None
    codes: list[str]
    note: str
    file_id: int | None


class AuthRequestOut(Schema):
    trace: str
    requested_at: datetime
    file: str
    isa13: str


class AuthDetailOut(AuthOut):
    history: list[DecisionOut]
    requests: list[AuthRequestOut]


class AuthQuery(Page):
    client: str = ""
    status: str = ""
    expiring: bool = False
    q: str = ""


class AuthIn(Schema):
    """An authorization read from a portal or heard on a call (``source``: portal/phone/fax)."""

    client: str
    patient_id: int
    payer_id: int
    codes: list[str]
    status: str
    source: str = AuthSource.PHONE
    provider_id: int | None = None
    visit_id: int | None = None
    certification_number: str = ""
    decision_code: str = ""
    reason_code: str = ""
    approved_units: Decimal | None = None
    start_date: date | None = None
    end_date: date | None = None
    note: str = ""


class AuthRequestIn(Schema):
    codes: list[str] = []
    units: Decimal | None = None
    service_date: date | None = None


def _out(a: Authorization) -> dict[str, Any]:
    return {"id": a.pk, "client": a.client.slug, "patient_id": a.patient_id,
            "payer_id": a.payer_id, "payer": a.payer.name, "provider_id": a.provider_id,
            "visit_id": a.visit_id, "codes": a.codes, "status": a.status,
            "decision_code": a.decision_code, "decision": describe(a.decision_code),
            "reason_code": a.reason_code, "rejection_code": a.rejection_code,
            "certification_number": a.certification_number,
            "payer_reference": a.payer_reference, "approved_units": a.approved_units,
            "used_units": a.used_units, "start_date": a.start_date, "end_date": a.end_date,
            "source": a.source, "reference": a.reference, "split_from_id": a.split_from_id,
            "note": a.note, "updated_at": a.updated_at}


def _decision_out(d: AuthDecision) -> dict[str, Any]:
    return {"recorded_at": d.recorded_at, "source": d.source, "status": d.status,
            "decision_code": d.decision_code, "reason_code": d.reason_code,
            "rejection_code": d.rejection_code,
            "certification_number": d.certification_number,
            "approved_units": d.approved_units, "start_date": d.start_date,
            "end_date": d.end_date, "codes": d.codes, "note": d.note, "file_id": d.file_id}


def _detail(a: Authorization) -> dict[str, Any]:
    requests = a.requests.select_related("outbound").order_by("-requested_at")
    return {**_out(a), "history": [_decision_out(d) for d in queries.history(a)],
            "requests": [{"trace": r.trace, "requested_at": r.requested_at,
                          "file": r.outbound.name, "isa13": r.outbound.isa13}
                         for r in requests]}


@router.get("", response=list[AuthOut])
def list_auths(request: HttpRequest, filters: Query[AuthQuery]) -> list[dict[str, Any]]:
    f = queries.AuthFilter(client=filters.client[:60], status=filters.status,
                           expiring=filters.expiring, q=filters.q[:100])
    rows = list(queries.search(request.user, f)
                [filters.offset:filters.offset + filters.limit])
    queries.audit_listing(rows, detail={"api": True, "status": f.status,
                                        "expiring": f.expiring, "q": f.q})
    return [_out(a) for a in rows]


@router.get("/{int:auth_id}", response=AuthDetailOut)
def get_auth(request: HttpRequest, auth_id: int) -> dict[str, Any]:
    auth = queries.get_auth(request.user, auth_id)
    record("read", client_id=auth.client_id, obj=auth)
    return _detail(auth)


@router.post("", response={201: AuthDetailOut, 400: Problem})
def create_auth(request: HttpRequest, body: AuthIn) -> Any:
    client = queries.client_for(request.user, body.client)
    if client is None:
        require(request.user, Action.WORK_ITEMS, None)  # 403 for a role that may not work
        return Status(400, {"detail": "Name a client you work prior authorizations for."})
    require(request.user, Action.WORK_ITEMS, client.pk, Workflow.PRIOR_AUTH)
    data = services.AuthInput(
        patient_id=body.patient_id, payer_id=body.payer_id, codes=body.codes,
        status=body.status, source=body.source, provider_id=body.provider_id,
        visit_id=body.visit_id, certification_number=body.certification_number,
        decision_code=body.decision_code, reason_code=body.reason_code,
        approved_units=body.approved_units, start_date=body.start_date,
        end_date=body.end_date, note=body.note)
    auth = services.record_manual(client, data, acting_user=request.user)
    return Status(201, _detail(queries.get_auth(request.user, auth.pk)))


@router.post("/{int:auth_id}/request", response={200: AuthDetailOut, 400: Problem})
def request_278(request: HttpRequest, auth_id: int, body: AuthRequestIn) -> Any:
    auth = queries.get_auth(request.user, auth_id)
    services.request_authorization(auth, body.codes or None, acting_user=request.user,
                                   units=body.units, service_date=body.service_date)
    return Status(200, _detail(queries.get_auth(request.user, auth.pk)))
