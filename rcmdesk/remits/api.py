"""Posting exceptions over the API (read-only; resolving comes in a later issue)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from rcmdesk.api.paging import Limit
from rcmdesk.audit.services import record_listing
from rcmdesk.remits import queries

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
