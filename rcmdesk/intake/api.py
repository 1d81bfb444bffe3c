"""Received files over the API: list, one file with findings, and upload (processed by the
background worker, like the web upload)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from rcmdesk.api.paging import Cursor
from rcmdesk.audit.services import record
from rcmdesk.intake import progress, queries, services
from rcmdesk.intake.models import Channel, ReceivedFile
from rcmdesk.intake.tasks import process_file
from rcmdesk.tenancy.models import Organization
from rcmdesk.uploads import read_upload

router = Router(tags=["intake"])


class FileOut(Schema):
    id: int
    name: str
    client: str
    channel: str
    received_at: datetime
    received_by: str | None
    size: int
    sha256: str
    status: str
    reason: str


class ProcessingOut(Schema):
    """An unsettled file: processing (a live claim), waiting (for the worker) or stopped."""

    state: str
    text: str


class HistoryOut(Schema):
    at: datetime | None
    event: str
    label: str
    by: str
    detail: str


class FileDetailOut(FileOut):
    findings: list[dict[str, Any]]
    summary: dict[str, Any]
    processing: ProcessingOut | None
    history: list[HistoryOut]


class UploadOut(Schema):
    file: FileOut
    new: bool
    task: str | None


def _file_out(f: ReceivedFile) -> dict[str, Any]:
    return {"id": f.pk, "name": f.original_name, "client": f.client.slug, "channel": f.channel,
            "received_at": f.received_at,
            "received_by": f.received_by.username if f.received_by else None,
            "size": f.size, "sha256": f.sha256, "status": f.status, "reason": f.reason}


@router.get("/files", response=list[FileOut])
def list_files(request: HttpRequest, page: Query[Cursor],
               status: str | None = None) -> list[dict[str, Any]]:
    """Received files of the clients you may see, newest first."""
    files = (ReceivedFile.objects.visible_to(request.user).select_related("client", "received_by")
             .defer("content", "findings", "summary").order_by("-id"))
    if status:
        files = files.filter(status=status)
    if page.before_id:
        files = files.filter(id__lt=page.before_id)
    return [_file_out(f) for f in files[: page.limit]]


@router.get("/files/{file_id}", response=FileDetailOut)
def get_file(request: HttpRequest, file_id: int) -> dict[str, Any]:
    f = (ReceivedFile.objects.select_related("client", "received_by").defer("content")
         .get_visible_or_404(request.user, pk=file_id))
    record("read", client_id=f.client_id, obj=f)
    now = progress.progress(f)
    return {**_file_out(f), "findings": queries.findings_shown(f)[0], "summary": f.summary,
            "processing": now.as_dict() if now else None,
            "history": [e.as_dict() for e in progress.events(f)]}


@router.post("/files", response={201: UploadOut, 200: UploadOut})
def upload_file(request: HttpRequest, client: Form[str],
                file: File[UploadedFile]) -> Status[UploadOut]:
    """Send an 837 or 835 for one of your clients; it is processed in the background."""
    org = Organization.objects.visible_to(request.user).filter(slug=client).first()
    if org is None:
        raise Http404("Not found.")
    if not queries.may_ingest(request.user, org.pk):
        raise PermissionDenied("You may not send files for this client.")
    content = read_upload(file, what="X12 file")  # refused: 422, like any invalid input
    received, new = services.receive(org, content, file.name or "upload",
                                     acting_user=request.user,
                                     channel=Channel.API)
    task = process_file.enqueue(received.pk, request.user.pk).id if new else None
    received.client = org
    return Status(201 if new else 200,
                  UploadOut(file=FileOut(**_file_out(received)), new=new, task=task))
