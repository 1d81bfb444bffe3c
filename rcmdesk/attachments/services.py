"""Attaching a document: the one path for pages, the API and the command line.

Who may attach: whoever may see the owner and work (partner staff execute, client staff and
managers work too; QA auditors and client admins read only, break-glass never writes).
What may be attached: a PDF, PNG, JPEG or TIFF file, told by its content, never by its name
or the type the browser sent, within ``RCMDESK_MAX_UPLOAD_BYTES`` (``rcmdesk.uploads``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from django.db import transaction

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.attachments import storage
from rcmdesk.attachments.models import Attachment
from rcmdesk.attachments.owners import FIELD, Owner
from rcmdesk.attachments.sniff import CLAIMED_EXTENSIONS, Kind, sniff
from rcmdesk.audit.services import record
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.roles import Action
from rcmdesk.uploads import UploadRefused, read_upload

ACCEPTED = "PDF, PNG, JPEG or TIFF"
NAME_LENGTH = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|]+")


class AttachmentRefused(errors.Invalid):
    """A file that cannot be attached: empty, too large, or not an accepted document."""


@dataclass(frozen=True)
class Attached:
    attachment: Attachment
    new: bool  # False: these very bytes were already attached to this owner


def attach(owner: Owner, upload: Any, *, acting_user: Any, note: str = "") -> Attached:
    """Store ``upload`` (Django's or ninja's ``UploadedFile``) on ``owner``, audited."""
    require(acting_user, Action.WORK_ITEMS, owner.client_id, owner.workflow)
    if upload is None:
        raise AttachmentRefused("Choose a file to attach.")
    name = clean_name(getattr(upload, "name", "") or "document")
    try:
        data = read_upload(upload, what="document")
    except UploadRefused as exc:
        raise AttachmentRefused(str(exc)) from exc
    kind = sniff(data)
    if kind is None:
        raise AttachmentRefused(
            f"{name} is not a {ACCEPTED} file, whatever its name says, so it was not "
            "attached. Save or scan the document as a PDF (or a PNG, JPEG or TIFF image) "
            "and attach that.")
    sha256 = storage.digest(data)
    same = Attachment.objects.filter(**{FIELD[owner.kind]: owner.obj}, sha256=sha256).first()
    if same is not None:
        return Attached(same, new=False)
    storage.save(owner.client_id, sha256, data)
    with transaction.atomic():
        attachment = Attachment.objects.create(
            **owner.fields(), name=named_for(name, kind), content_type=kind.content_type,
            size=len(data), sha256=sha256, note=note[:300],
            uploaded_by=person(acting_user))
        record("attachments.upload", client_id=owner.client_id, obj=attachment,
               acting_user=acting_user,
               detail={"owner": owner.kind.value, "owner_id": owner.pk, "name": attachment.name,
                       "type": kind.content_type, "size": len(data), "sha256": sha256})
    return Attached(attachment, new=True)


def clean_name(raw: str) -> str:
    """The file's own name without any folder, control or shell-special characters."""
    base = PureWindowsPath(PurePosixPath(raw).name).name
    base = unicodedata.normalize("NFC", base)
    base = _UNSAFE.sub("_", base).strip(" .") or "document"
    return base[-NAME_LENGTH:]


def named_for(name: str, kind: Kind) -> str:
    """The name with the extension its content deserves: a PDF sent as ``scan.png`` is
    offered back as ``scan.pdf``, so the computer that opens it picks the right program."""
    path = PurePosixPath(name)
    suffix = path.suffix.lower()
    if suffix == kind.extension or (kind.extension, suffix) in (
            (".jpg", ".jpeg"), (".tif", ".tiff")):
        return name
    stem = path.stem if suffix in CLAIMED_EXTENSIONS else name
    return f"{stem[:NAME_LENGTH - len(kind.extension)]}{kind.extension}"
