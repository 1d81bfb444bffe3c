"""Reading documents for a viewer: the lists, one document, and the appeal packet.

Every read is audited: a list writes one ``list`` event per client (``record_listing``),
a download or a packet a ``read`` event for each document whose bytes left the server.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.attachments import packet, storage
from rcmdesk.attachments.models import Attachment, OwnerKind
from rcmdesk.attachments.owners import FIELD, MODELS, Owner
from rcmdesk.audit.services import record, record_listing
from rcmdesk.claims.models import Claim
from rcmdesk.denials import letters
from rcmdesk.denials.models import Appeal
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.roles import Action

OBJECT_TYPE = "attachments.attachment"


def owner(user: Any, kind: OwnerKind, pk: int) -> Owner:
    """The owner the viewer may see, through its own app's visibility (Http404 for hidden
    and missing alike)."""
    model: Any = MODELS[kind]
    return Owner(kind, model.objects.get_visible_or_404(user, pk=pk))


def may_attach(user: Any, owner: Owner) -> bool:
    """Whether the viewer may attach to ``owner`` (the page shows the form only then)."""
    try:
        require(user, Action.WORK_ITEMS, owner.client_id, owner.workflow)
    except (Http404, PermissionDenied):
        return False
    return True


def _visible(user: Any) -> Any:
    return Attachment.objects.visible_to(user).select_related("uploaded_by")


def _listed(rows: Iterable[Attachment], **detail: Any) -> list[Attachment]:
    shown = list(rows)
    if shown:
        record_listing(shown, OBJECT_TYPE, key="attachments", detail=detail)
    return shown


def of_owner(user: Any, owner: Owner) -> list[Attachment]:
    """The owner's documents, oldest first; the listing is audited."""
    rows = _visible(user).filter(**{FIELD[owner.kind]: owner.obj}, owner_kind=owner.kind)
    return _listed(rows, owner=owner.kind.value, owner_id=owner.pk)


def for_claim(user: Any, claim: Claim) -> list[Attachment]:
    """Every document about ``claim`` the viewer may see: on the claim itself and on its
    appeals, work items and decisions (for the claim page's timeline and its files list;
    ``owner_kind`` and ``owner_id`` say where each was attached). Audited as a listing."""
    rows = _visible(user).filter(claim=claim)
    return _listed(rows, claim=claim.pk)


def get(user: Any, attachment_id: int) -> Attachment:
    """One document's row (Http404 when the viewer may not see its owner); not its bytes."""
    attachment: Attachment = Attachment.objects.select_related(
        "uploaded_by").get_visible_or_404(user, pk=attachment_id)
    return attachment


def open_for_download(user: Any, attachment_id: int) -> tuple[Attachment, BinaryIO]:
    """The document and its bytes, the read audited before a byte is handed out."""
    attachment = get(user, attachment_id)
    stored = storage.open_stored(attachment.client_id, attachment.sha256, attachment.name)
    record("read", client_id=attachment.client_id, obj=attachment,
           detail={"download": attachment.name})
    return attachment, stored


def packet_choices(user: Any, appeal: Appeal) -> list[Attachment]:
    """What may go into the appeal's packet: the documents about its claim the viewer sees
    (on the appeal, its claim, its work items and decisions); audited as a listing."""
    return _listed(_visible(user).filter(claim_id=appeal.claim_id), packet_of_appeal=appeal.pk)


def appeal_packet(user: Any, appeal: Appeal, chosen: list[int]) -> bytes:
    """The letter and the ``chosen`` documents (in that order; ones the viewer may not see
    or not about this claim are refused as not found), merged into one PDF; each document
    read is audited. ``rcmdesk.pdf.PdfUnavailable`` on a server that cannot make PDFs."""
    choices = {a.pk: a for a in _visible(user).filter(claim_id=appeal.claim_id)}
    missing = [pk for pk in chosen if pk not in choices]
    if missing:
        raise Http404("Not found.")
    documents = [choices[pk] for pk in dict.fromkeys(chosen)]
    merged = packet.merge(letters.letter_pdf(appeal), (
        (a.name, a.content_type, storage.read_stored(a.client_id, a.sha256, a.name))
        for a in documents))
    record("attachments.packet", client_id=appeal.client_id, obj=appeal,
           detail={"attachments": [a.pk for a in documents]})
    for attachment in documents:
        record("read", client_id=attachment.client_id, obj=attachment,
               detail={"packet_of_appeal": appeal.pk})
    return merged

