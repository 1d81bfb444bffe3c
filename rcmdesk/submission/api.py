"""837 batches over the API: list, one batch with its claims, submit, download the file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from rcmdesk.api.paging import Cursor
from rcmdesk.audit.services import record
from rcmdesk.intake.models import OutboundFile
from rcmdesk.submission import queries, services
from rcmdesk.submission.models import BatchClaim, SubmissionBatch
from rcmdesk.tenancy.models import Organization

router = Router(tags=["submission"])


class BatchOut(Schema):
    id: int
    client: str
    kind: str
    file: str
    isa13: str
    created_at: datetime
    created_by: str | None
    claims: int
    clean_claim_rate: str
    status: str
    acks: dict[str, int]


class BatchClaimOut(Schema):
    claim_id: int
    patient_control_number: str
    set_control: str
    position: int
    ack_status: str
    front_door: str
    ack_detail: dict[str, Any]


class BatchDetailOut(BatchOut):
    entries: list[BatchClaimOut]


class BatchSubmitIn(Schema):
    client: str
    claims: list[int] | None = None


def _out(b: SubmissionBatch, acks: dict[str, int] | None = None) -> dict[str, Any]:
    return {"id": b.pk, "client": b.client.slug, "kind": b.kind, "file": b.outbound.name,
            "isa13": b.outbound.isa13, "created_at": b.created_at,
            "created_by": b.created_by.username if b.created_by else None,
            "claims": b.claims_count, "clean_claim_rate": str(b.clean_claim_rate),
            "status": b.status,
            "acks": acks if acks is not None else {
                "sent": getattr(b, "n_sent", 0), "accepted": getattr(b, "n_accepted", 0),
                "rejected": getattr(b, "n_rejected", 0)}}


@router.get("", response=list[BatchOut])
def list_batches(request: HttpRequest, page: Query[Cursor]) -> list[dict[str, Any]]:
    """837 batches of the clients you may see, newest first, with answers counted."""
    batches = queries.batches(request.user)
    if page.before_id:
        batches = batches.filter(pk__lt=page.before_id)
    return [_out(b) for b in batches[: page.limit]]


@router.get("/{int:batch_id}", response=BatchDetailOut)
def get_batch(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    batch = queries.batch(request.user, batch_id)
    entries = list(BatchClaim.objects.filter(batch=batch).select_related("claim"))
    acks = {"sent": 0, "accepted": 0, "rejected": 0}
    for e in entries:
        acks[e.ack_status] += 1
    record("read", client_id=batch.client_id, obj=batch, acting_user=request.user)
    return {**_out(batch, acks), "entries": [
        {"claim_id": e.claim_id, "patient_control_number": e.claim.patient_control_number,
         "set_control": e.set_control, "position": e.position, "ack_status": e.ack_status,
         "front_door": e.claim.front_door, "ack_detail": e.ack_detail} for e in entries]}


@router.get("/{int:batch_id}/file")
def download_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The 837 file as written (audited: it carries patient data)."""
    batch = queries.batch(request.user, batch_id)
    out = OutboundFile.objects.get(pk=batch.outbound_id)
    record("submission.batch_downloaded", client_id=batch.client_id, obj=batch,
           acting_user=request.user, detail={"file": out.pk, "isa13": out.isa13, "via": "api"})
    response = HttpResponse(bytes(out.content), content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{out.name}"'
    return response


@router.post("/submit", response={201: list[BatchOut], 200: list[BatchOut]})
def submit(request: HttpRequest, body: BatchSubmitIn) -> Status[list[BatchOut]]:
    """Scrub and send the client's READY claims (or the listed claim ids)."""
    org = Organization.objects.visible_to(request.user).filter(slug=body.client).first()
    if org is None:
        raise Http404("Not found.")
    sent = services.submit(org, body.claims, acting_user=request.user)
    return Status(201 if sent else 200, [BatchOut(**_out(b, {
        "sent": b.claims_count, "accepted": 0, "rejected": 0})) for b in sent])
