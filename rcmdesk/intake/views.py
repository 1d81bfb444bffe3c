"""Received files: the list, one file's findings, retry, and the upload form.

Every lookup goes through ``visible_to``; the upload stores the bytes in the request and
processes them in a background task, and the file page polls for the outcome: from the
file's own state (``intake.progress``), which a worker killed mid-task cannot leave behind.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rcmdesk.accounts.middleware import background_poll
from rcmdesk.accounts.requests import acting_user
from rcmdesk.audit.services import record
from rcmdesk.intake import lease, progress, queries, services
from rcmdesk.intake.models import Channel, FileStatus, ReceivedFile
from rcmdesk.intake.tasks import process_file
from rcmdesk.uploads import max_upload_bytes, read_upload, size_shown

PAGE_SIZE = 50


class UploadForm(forms.Form):
    client = forms.ChoiceField(label="Client")
    file = forms.FileField(label="X12 file (837 or 835)", allow_empty_file=True)

    def __init__(self, *args: Any, clients: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [(org.slug, org.name) for org in clients]  # type: ignore[attr-defined]
        self.by_slug = {org.slug: org for org in clients}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        self.content = read_upload(upload, what="X12 file")
        return upload


def visible_file(request: HttpRequest, file_id: int) -> ReceivedFile:
    received: ReceivedFile = ReceivedFile.objects.select_related(
        "client", "received_by").defer("content").get_visible_or_404(request.user, pk=file_id)
    return received


def queued(received: ReceivedFile, task_id: str) -> bool:
    """Whether the task named in the page's address waits to run for this file (a retry
    of a settled file; everything else the file's own state tells: ``progress``)."""
    if not task_id:
        return False
    try:
        result = process_file.get_result(task_id)
    except (TaskResultDoesNotExist, TaskResultMismatch, NotImplementedError):
        return False
    starting = (result.status == TaskResultStatus.RUNNING and result.started_at is not None
                and result.started_at > timezone.now() - lease.length())
    return list(result.args[:1]) == [received.pk] and (
        result.status == TaskResultStatus.READY or starting)


@login_required
@require_GET
def file_list(request: HttpRequest) -> HttpResponse:
    files = (ReceivedFile.objects.visible_to(request.user)
             .select_related("client", "received_by").defer("content", "findings", "summary"))
    status = request.GET.get("status", "")
    if status in FileStatus.values:
        files = files.filter(status=status)
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "intake/file_list.html", {
        "page": page, "status": status, "statuses": FileStatus.choices,
        "can_upload": bool(queries.upload_clients(request.user))})


@login_required
@require_GET
def file_detail(request: HttpRequest, file_id: int) -> HttpResponse:
    received = visible_file(request, file_id)
    task_id = request.GET.get("task", "")
    record("read", client_id=received.client_id, obj=received)
    waiting = queued(received, task_id)
    findings, not_shown = queries.findings_shown(received)
    return render(request, "intake/file_detail.html", {
        "file": received, "task_id": task_id,
        "progress": progress.progress(received, queued=waiting),
        "findings": findings, "not_shown": not_shown,
        # Not while another run holds the file (may_retry) or this page's task waits for it.
        "can_retry": queries.may_retry(request.user, received) and not waiting,
        "sets": [(key, item, progress.LABELS.get(item.get("outcome", ""), item.get("outcome")))
                 for key, item in sorted(received.summary.get("sets", {}).items())],
        "history": progress.events(received)})


@login_required
@require_GET
@background_poll
def file_progress(request: HttpRequest, file_id: int) -> HttpResponse:
    """Polled by the file page; once the task is done, HTMX reloads the (audited) page."""
    received = visible_file(request, file_id)
    task_id = request.GET.get("task", "")
    now = progress.progress(received, queued=queued(received, task_id))
    if now is not None:
        return render(request, "intake/_progress.html", {"file": received, "task_id": task_id,
                                                         "progress": now})
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def file_retry(request: HttpRequest, file_id: int) -> HttpResponse:
    received = visible_file(request, file_id)
    if not queries.may_retry(request.user, received):
        raise PermissionDenied("You may not retry this file.")
    result = process_file.enqueue(received.pk, request.user.pk, retry=True)
    messages.info(request, "Retry started.")
    return redirect(reverse("intake:file", args=[received.pk]) + f"?task={result.id}")


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    clients = queries.upload_clients(user)
    if not clients:
        raise PermissionDenied("You may not send files for any client.")
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, clients=clients)
    else:
        form = UploadForm(clients=clients)
    if form.is_bound and form.is_valid():
        org = form.by_slug[form.cleaned_data["client"]]
        upload = form.cleaned_data["file"]
        received, new = services.receive(org, form.content, upload.name, acting_user=user,
                                         channel=Channel.UPLOAD)
        target = reverse("intake:file", args=[received.pk])
        if not new:
            messages.warning(request, f"This file was already received on "
                                      f"{received.received_at:%Y-%m-%d %H:%M} (UTC).")
            return redirect(target)
        result = process_file.enqueue(received.pk, user.pk)
        return redirect(target + f"?task={result.id}")
    return render(request, "intake/upload.html", {"form": form,
                                                  "largest": size_shown(max_upload_bytes())})
