"""What the intake pages and API need beyond the services: the two halves of ``ingest``.

``services.ingest`` stores and then processes in one call. The web upload must answer the
person at once, so it stores here (the same checks, the same audit event) and hands the
processing to a background task (``rcmdesk.intake.tasks``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import IntegrityError, transaction

from rcmdesk.audit.services import record
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.intake.services import RETRYABLE
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import visibility_for

# Files carry claims (charges_claims) or remittances (posting): either team may send them.
INTAKE_WORKFLOWS = (Workflow.POSTING, Workflow.CHARGES_CLAIMS)


def receive(client: Organization, data: bytes, name: str, *, actor: Any,
            channel: str) -> tuple[ReceivedFile, bool]:
    """Store the bytes once per client; returns the file and whether it is new."""
    digest = hashlib.sha256(data).hexdigest()
    earlier = ReceivedFile.objects.filter(client=client, sha256=digest).first()
    if earlier is None:
        try:
            with transaction.atomic():
                received = ReceivedFile.objects.create(
                    client=client, original_name=name[:255], sha256=digest, size=len(data),
                    content=data, channel=channel, received_by=actor)
                record("intake.received", client_id=client.pk, obj=received, actor=actor,
                       detail={"name": name, "sha256": digest, "size": len(data),
                               "channel": channel})
                return received, True
        except IntegrityError:  # another request stored the same bytes first
            earlier = ReceivedFile.objects.get(client=client, sha256=digest)
    record("intake.duplicate", client_id=client.pk, obj=earlier, actor=actor,
           detail={"status": earlier.status})
    return earlier, False


def may_ingest(user: Any, client_id: int) -> bool:
    """Upload or retry for this client: a role that works items, with write access."""
    if not allows(user, Action.WORK_ITEMS):
        return False
    visibility = visibility_for(user)
    return any(visibility.can_write(client_id, w) for w in INTAKE_WORKFLOWS)


def may_retry(user: Any, received: ReceivedFile) -> bool:
    """Quarantined, held or failed files, and one left "received" by a worker that died."""
    return received.status in RETRYABLE and may_ingest(
        user, received.client_id)


def upload_clients(user: Any) -> list[Organization]:
    """The clients a user may send files for (the upload form's chooser)."""
    visible = Organization.objects.visible_to(user).order_by("name")
    return [org for org in visible if may_ingest(user, org.pk)]
