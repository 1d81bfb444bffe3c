"""Received files: the list, one file's findings, retry, and the upload form.

Every lookup goes through ``visible_to``; the upload stores the bytes in the request and
processes them in a background task, and the file page polls for the outcome: from the
file's own state (``intake.progress``), which a worker killed mid-task cannot leave behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

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
from rcmdesk.audit.services import record, record_listing
from rcmdesk.intake import lease, progress, queries, services, sniff
from rcmdesk.intake.models import Channel, FileStatus, ReceivedFile
from rcmdesk.intake.tasks import process_file
from rcmdesk.remits.models import Remittance
from rcmdesk.submission.models import SubmissionBatch
from rcmdesk.tenancy.models import Organization
from rcmdesk.uploads import UploadRefused, max_upload_bytes, read_upload, size_shown
from rcmdesk.web.templatetags.money import money
from rcmdesk.web.templatetags.present import when

PAGE_SIZE = 50


class ManyFilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ManyFilesField(forms.FileField):
    """One or more files from one ``<input type="file" multiple>`` (Django's own recipe)."""

    widget = ManyFilesInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        many = data if isinstance(data, (list, tuple)) else [data]
        return [super(ManyFilesField, self).clean(one, initial) for one in many]


EMPTY_SENTENCE = sniff.problem(sniff.FileKind.EMPTY)


class UploadForm(forms.Form):
    """A client and one or more X12 files; the view reads each file on its own (one in
    memory at a time), so an empty or oversized file among several is named and the
    others still go in."""

    client = forms.ChoiceField(label="Client")
    file = ManyFilesField(label="X12 files (835, 837, 277CA, 999)", allow_empty_file=True)

    def __init__(self, *args: Any, clients: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [(org.slug, org.name) for org in clients]  # type: ignore[attr-defined]
        self.by_slug = {org.slug: org for org in clients}


def read_one(upload: Any) -> tuple[str, bytes | None, str]:
    """(name, bytes, "") for a file that can be received, (name, None, why) for one refused."""
    name = upload.name or "upload.x12"
    try:
        return name, read_upload(upload, what="X12 file"), ""
    except UploadRefused as exc:
        return name, None, f"{name}: {EMPTY_SENTENCE if upload.size == 0 else exc}"


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


@dataclass(frozen=True)
class Made:
    """Something a file created, as a link: a remittance, a batch, a claim."""

    text: str
    url: str


def made_by(user: Any, files: list[ReceivedFile]) -> dict[int, list[Made]]:
    """What each file created that ``user`` may open: its remittances (835), the batch its
    acknowledgment answered (999, 277CA) and its claims (837), by file id."""
    made: dict[int, list[Made]] = {f.pk: [] for f in files}
    for remit in (Remittance.objects.visible_to(user).filter(file_id__in=list(made))
                  .order_by("pk")):
        made[remit.file_id].append(Made(
            f"Remittance {remit.trace_number}, {money(remit.amount)}",
            reverse("remits:remittance", args=[remit.pk])))
    batches = {f.pk: _summary_values(f, "batch") for f in files}
    visible = set(SubmissionBatch.objects.visible_to(user).filter(
        pk__in=[b for ids in batches.values() for b in ids]).values_list("pk", flat=True))
    for f in files:
        made[f.pk] += [Made(f"Batch {b}", reverse("submission:batch", args=[b]))
                       for b in batches[f.pk] if b in visible]
        made[f.pk] += [Made(f"Claim {pcn}", reverse("claims:claims") + "?" + urlencode(
            {"q": pcn})) for pcns in _summary_values(f, "claims")
            if isinstance(pcns, list) for pcn in pcns]  # a 277's "claims" is a count
    return made


def _summary_values(received: ReceivedFile, key: str) -> list[Any]:
    sets = received.summary.get("sets", {}) if isinstance(received.summary, dict) else {}
    return [item[key] for item in sets.values() if isinstance(item, dict) and item.get(key)]


@login_required
@require_GET
def file_list(request: HttpRequest) -> HttpResponse:
    """Every visible file, newest first, filtered by status, client, kind and name."""
    files = (ReceivedFile.objects.visible_to(request.user)
             .select_related("client", "received_by").defer("content", "findings"))
    clients = Organization.objects.visible_to(request.user).order_by("name")
    chosen = {key: request.GET.get(key, "")[:100] for key in ("status", "client", "kind", "q")}
    if chosen["status"] in FileStatus.values:
        files = files.filter(status=chosen["status"])
    if chosen["client"]:
        files = files.filter(client__slug=chosen["client"])
    if chosen["kind"] in sniff.FileKind:
        files = files.filter(kind=chosen["kind"])
    if chosen["q"].strip():
        files = files.filter(original_name__icontains=chosen["q"].strip())
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    made = made_by(request.user, list(page.object_list))
    record_listing(page, "intake.receivedfile", key="files", detail={"page": page.number})
    return render(request, "intake/file_list.html", {
        "page": page, "chosen": chosen, "statuses": FileStatus.choices,
        "clients": clients, "kinds": [(k.value, k.label) for k in sniff.FileKind],
        "rows": [(f, made[f.pk]) for f in page.object_list],
        "can_upload": bool(queries.upload_clients(request.user))})


SET_WORDS = {"claims_created": "claims created", "claims_updated": "claims updated",
             "charges_posted": "charges posted", "posted": "claims posted",
             "denied": "claims denied", "exceptions": "exceptions",
             "already_posted": "already posted", "accepted": "accepted",
             "rejected": "rejected", "unmatched": "unmatched", "acks": "acknowledgments"}


def set_detail(item: dict[str, Any]) -> str:
    """A set's outcome in words ("3 claims posted · 1 exceptions"): the counts that are
    not zero, and why it was held or failed; the links it made are listed apart."""
    words = [f"{item[key]:,} {text}" for key, text in SET_WORDS.items()
             if type(item.get(key)) is int and item[key]]
    if item.get("stored_only"):
        words.append("stored (nothing to apply)")
    strays = item.get("unmatched_answers")
    if isinstance(strays, list) and strays:  # answers naming nothing of ours (issue 20)
        words.append("not matched: " + "; ".join(str(s) for s in strays))
    if item.get("reason"):
        words.append(str(item["reason"]))
    return " · ".join(words) or "—"


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
        "retry_cannot_help": not sniff.retry_can_help(received.kind),
        "sets": [(key, item, progress.LABELS.get(item.get("outcome", ""), item.get("outcome")),
                  set_detail(item))
                 for key, item in sorted(received.summary.get("sets", {}).items())],
        "made": made_by(request.user, [received])[received.pk],
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
        answer = _receive_each(request, form, user)
        if answer is not None:
            return answer
    return render(request, "intake/upload.html", {"form": form,
                                                  "largest": size_shown(max_upload_bytes())})


def _receive_each(request: HttpRequest, form: UploadForm, user: Any) -> HttpResponse | None:
    """Receive every file of a valid form on its own; None (the form shows why) when no
    file could be received. One file goes to its page, several to the list."""
    org = form.by_slug[form.cleaned_data["client"]]
    landed, refused = [], []
    for upload in form.cleaned_data["file"]:
        name, content, why = read_one(upload)
        if content is None:
            refused.append(why)
        else:
            landed.append(_take(request, org, name, content, user))
    if not landed:
        form.add_error("file", refused)
        return None
    for why in refused:
        messages.error(request, why)
    if len(landed) == 1 and not refused:
        return redirect(landed[0])
    messages.success(request, f"{len(landed)} file{'s' if len(landed) > 1 else ''} received; "
                              "each is checked on its own and its outcome shows in the list "
                              "below.")
    return redirect("intake:files")


def _take(request: HttpRequest, org: Any, name: str, content: bytes, user: Any) -> str:
    """Store one uploaded file and queue its processing; the address of its page."""
    received, new = services.receive(org, content, name, acting_user=user,
                                     channel=Channel.UPLOAD)
    target = reverse("intake:file", args=[received.pk])
    if not new:
        messages.warning(request, f"{name}: this file was already received on "
                                  f"{when(received.received_at, org.time_zone)}.")
        return target
    result = process_file.enqueue(received.pk, user.pk)
    return target + f"?task={result.id}"
