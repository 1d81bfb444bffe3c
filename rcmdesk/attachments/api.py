"""Documents over the API: list and attach per owner (claim, appeal, work item, decision),
one document's facts, its bytes (a download), and an appeal's packet.

The same rules as the pages (``services``, ``queries``): another tenant's owner or document
answers 404 like a missing one; a person who may not attach 403; a file that is not a PDF,
PNG, JPEG or TIFF by its content, empty, or over the size cap 400. Every read is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from rcmdesk.api.problems import Problem, problem
from rcmdesk.attachments import queries, services
from rcmdesk.attachments.models import Attachment, OwnerKind
from rcmdesk.attachments.views import chosen_ids, download_response
from rcmdesk.audit.services import record
from rcmdesk.denials.models import Appeal
from rcmdesk.pdf import PdfUnavailable

router = Router(tags=["attachments"])


class AttachmentOut(Schema):
    id: int
    client: str
    owner: str  # claim, appeal, item or decision
    owner_id: int
    claim_id: int | None
    name: str
    content_type: str
    size: int
    sha256: str
    note: str
    uploaded_by: str | None
    uploaded_at: datetime


class PacketQuery(Schema):
    attachment: list[int] = []


def _out(a: Attachment) -> dict[str, Any]:
    return {"id": a.pk, "client": a.client.slug, "owner": a.owner_kind,
            "owner_id": a.owner_id, "claim_id": a.claim_id, "name": a.name,
            "content_type": a.content_type, "size": a.size, "sha256": a.sha256, "note": a.note,
            "uploaded_by": a.uploaded_by.username if a.uploaded_by else None,
            "uploaded_at": a.uploaded_at}


def _list(request: HttpRequest, kind: OwnerKind, pk: int) -> list[dict[str, Any]]:
    owner = queries.owner(request.user, kind, pk)
    return [_out(a) for a in queries.of_owner(request.user, owner)]


def _attach(request: HttpRequest, kind: OwnerKind, pk: int, file: UploadedFile,
            note: str) -> Status[AttachmentOut]:
    owner = queries.owner(request.user, kind, pk)
    attached = services.attach(owner, file, acting_user=request.user, note=note)
    return Status(201 if attached.new else 200, AttachmentOut(**_out(attached.attachment)))


UPLOADED = {201: AttachmentOut, 200: AttachmentOut, 400: Problem, 403: Problem}


@router.get("/claims/{int:claim_id}", response=list[AttachmentOut])
def list_for_claim(request: HttpRequest, claim_id: int) -> list[dict[str, Any]]:
    """Documents attached to the claim itself (not to its appeals, items or decisions)."""
    return _list(request, OwnerKind.CLAIM, claim_id)


@router.post("/claims/{int:claim_id}", response=UPLOADED)
def attach_to_claim(request: HttpRequest, claim_id: int, file: File[UploadedFile],
                    note: Form[str] = "") -> Status[AttachmentOut]:
    """Attach a PDF, PNG, JPEG or TIFF file (201; 200 when these bytes already were)."""
    return _attach(request, OwnerKind.CLAIM, claim_id, file, note)


@router.get("/appeals/{int:appeal_id}", response=list[AttachmentOut])
def list_for_appeal(request: HttpRequest, appeal_id: int) -> list[dict[str, Any]]:
    return _list(request, OwnerKind.APPEAL, appeal_id)


@router.post("/appeals/{int:appeal_id}", response=UPLOADED)
def attach_to_appeal(request: HttpRequest, appeal_id: int, file: File[UploadedFile],
                     note: Form[str] = "") -> Status[AttachmentOut]:
    return _attach(request, OwnerKind.APPEAL, appeal_id, file, note)


@router.get("/items/{int:item_id}", response=list[AttachmentOut])
def list_for_item(request: HttpRequest, item_id: int) -> list[dict[str, Any]]:
    return _list(request, OwnerKind.ITEM, item_id)


@router.post("/items/{int:item_id}", response=UPLOADED)
def attach_to_item(request: HttpRequest, item_id: int, file: File[UploadedFile],
                   note: Form[str] = "") -> Status[AttachmentOut]:
    return _attach(request, OwnerKind.ITEM, item_id, file, note)


@router.get("/decisions/{int:proposal_id}", response=list[AttachmentOut])
def list_for_decision(request: HttpRequest, proposal_id: int) -> list[dict[str, Any]]:
    return _list(request, OwnerKind.DECISION, proposal_id)


@router.post("/decisions/{int:proposal_id}", response=UPLOADED)
def attach_to_decision(request: HttpRequest, proposal_id: int, file: File[UploadedFile],
                       note: Form[str] = "") -> Status[AttachmentOut]:
    return _attach(request, OwnerKind.DECISION, proposal_id, file, note)


@router.get("/{int:attachment_id}", response=AttachmentOut)
def get_attachment(request: HttpRequest, attachment_id: int) -> dict[str, Any]:
    """One document's facts (audited as a read); its bytes are at ``/content``."""
    attachment = queries.get(request.user, attachment_id)
    record("read", client_id=attachment.client_id, obj=attachment)
    return _out(attachment)


@router.get("/{int:attachment_id}/content")
def download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """The document's bytes, as a download (audited)."""
    attachment, stored = queries.open_for_download(request.user, attachment_id)
    return download_response(stored, attachment.name, attachment.content_type)


@router.get("/appeals/{int:appeal_id}/packet")
def appeal_packet(request: HttpRequest, appeal_id: int,
                  query: Query[PacketQuery]) -> HttpResponseBase:
    """The appeal letter and the chosen documents (``?attachment=3&attachment=5``, in that
    order), merged into one PDF; 503 on a server that cannot make PDFs."""
    appeal = Appeal.objects.select_related("claim", "claim__payer", "client") \
        .get_visible_or_404(request.user, pk=appeal_id)
    try:
        pdf = queries.appeal_packet(request.user, appeal,
                                    chosen_ids([str(i) for i in query.attachment]))
    except PdfUnavailable as exc:
        return problem(503, str(exc))
    name = f"appeal-packet-{appeal.claim.patient_control_number}-L{appeal.level}.pdf"
    return download_response(pdf, name, "application/pdf")
