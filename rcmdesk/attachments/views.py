"""Document pages: attach to a claim, appeal, work item or decision; download; the appeal
packet. Thin: who may and what is accepted live in ``services`` and ``queries``.

The panel (``attachments/_panel.html``) is drawn on the owner's page by the
``attachments_panel`` tag; its form posts here. With htmx the answer is the panel again
(with the refusal in it, if any); without JavaScript, a redirect back to the owner's page
with the outcome as a message.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from rcmdesk.attachments import queries, services
from rcmdesk.attachments.models import OwnerKind
from rcmdesk.attachments.owners import Owner
from rcmdesk.denials.models import Appeal
from rcmdesk.pdf import PdfUnavailable
from rcmdesk.uploads import max_upload_bytes, size_shown

OWNER_PAGES = {OwnerKind.CLAIM: ("claims:claim", "claim_id"),
               OwnerKind.APPEAL: ("denials:appeal", "appeal_id"),
               OwnerKind.ITEM: ("workqueue:item", "item_id"),
               OwnerKind.DECISION: ("decisions:detail", "proposal_id")}
UPLOAD_ROUTES = {OwnerKind.CLAIM: "attachments:claim", OwnerKind.APPEAL: "attachments:appeal",
                 OwnerKind.ITEM: "attachments:item", OwnerKind.DECISION: "attachments:decision"}


def owner_page(owner: Owner) -> str:
    name, param = OWNER_PAGES[owner.kind]
    return reverse(name, kwargs={param: owner.pk})


def panel_context(user: Any, owner: Owner, *, problem: str = "") -> dict[str, Any]:
    """What the panel shows: the owner's documents, the form if the viewer may attach, and
    on an appeal the documents that may go into its packet."""
    return {
        "owner": owner, "rows": queries.of_owner(user, owner), "problem": problem,
        "zone": owner.obj.client.time_zone,  # times as on the page around the panel
        "may_attach": queries.may_attach(user, owner),
        "upload_url": reverse(UPLOAD_ROUTES[owner.kind], args=[owner.pk]),
        "largest": size_shown(max_upload_bytes()),
        "packet": (queries.packet_choices(user, owner.obj)
                   if isinstance(owner.obj, Appeal) else None),
    }


def _upload(request: HttpRequest, kind: OwnerKind, pk: int) -> HttpResponse:
    owner = queries.owner(request.user, kind, pk)
    problem, done = "", ""
    try:
        attached = services.attach(owner, request.FILES.get("file"), acting_user=request.user,
                                   note=request.POST.get("note", ""))
        done = (f"Attached {attached.attachment.name}." if attached.new else
                f"{attached.attachment.name} was already attached; nothing changed.")
    except services.AttachmentRefused as exc:
        problem = str(exc)
    if getattr(request, "htmx", False):
        context = panel_context(request.user, owner, problem=problem)
        response = render(request, "attachments/_panel.html", {**context, "done": done},
                          status=400 if problem else 200)
        if problem:
            response["X-RCM-Refusal"] = "1"  # app.js swaps the panel in despite the 400
        return response
    if problem:
        messages.error(request, problem)
    else:
        messages.info(request, done)
    return redirect(owner_page(owner))


@login_required
@require_POST
def to_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _upload(request, OwnerKind.CLAIM, claim_id)


@login_required
@require_POST
def to_appeal(request: HttpRequest, appeal_id: int) -> HttpResponse:
    return _upload(request, OwnerKind.APPEAL, appeal_id)


@login_required
@require_POST
def to_item(request: HttpRequest, item_id: int) -> HttpResponse:
    return _upload(request, OwnerKind.ITEM, item_id)


@login_required
@require_POST
def to_decision(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _upload(request, OwnerKind.DECISION, proposal_id)


def download_response(content: bytes | BinaryIO, name: str,
                      content_type: str) -> HttpResponseBase:
    """A download, never a page: saved by the browser, not shown or sniffed, not cached."""
    response: HttpResponseBase
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    attachment, stored = queries.open_for_download(request.user, attachment_id)
    return download_response(stored, attachment.name, attachment.content_type)


def chosen_ids(values: list[str]) -> list[int]:
    """The documents picked for a packet; a value that is not an id names nothing."""
    if not all(v.isdigit() for v in values):
        raise Http404("Not found.")
    return [int(v) for v in values]


@login_required
@require_GET
def packet(request: HttpRequest, appeal_id: int) -> HttpResponseBase:
    appeal = Appeal.objects.select_related("claim", "claim__payer", "client") \
        .get_visible_or_404(request.user, pk=appeal_id)
    try:
        pdf = queries.appeal_packet(request.user, appeal,
                                    chosen_ids(request.GET.getlist("attachment")))
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("denials:appeal", appeal_id=appeal.pk)
    name = f"appeal-packet-{appeal.claim.patient_control_number}-L{appeal.level}.pdf"
    return download_response(pdf, name, "application/pdf")
