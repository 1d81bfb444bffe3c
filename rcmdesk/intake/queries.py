"""What the intake pages and API need beyond the services: who may send and retry files.

The web upload stores with ``services.receive`` and hands ``services.process`` to a
background task (``rcmdesk.intake.tasks``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from rcmdesk.intake import lease, sniff
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.intake.services import RETRYABLE
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import visibility_for

# Files carry claims (charges_claims) or remittances (posting): either team may send them.
INTAKE_WORKFLOWS = (Workflow.POSTING, Workflow.CHARGES_CLAIMS)


def may_ingest(user: Any, client_id: int) -> bool:
    """Upload or retry for this client: a role that works items, with write access."""
    if not allows(user, Action.WORK_ITEMS):
        return False
    visibility = visibility_for(user)
    return any(visibility.can_write(client_id, w) for w in INTAKE_WORKFLOWS)


def may_retry(user: Any, received: ReceivedFile) -> bool:
    """Quarantined, held or failed files, and one left "received" by a run that stopped;
    never one another process is working on now (its lease is live), nor one that is no
    whole X12 file (a picture stays a picture however often it is run)."""
    return (received.status in RETRYABLE and not lease.live(received)
            and sniff.retry_can_help(received.kind)
            and may_ingest(user, received.client_id))


def upload_clients(user: Any) -> list[Organization]:
    """The clients a user may send files for (the upload form's chooser)."""
    visible = Organization.objects.visible_to(user).order_by("name")
    return [org for org in visible if may_ingest(user, org.pk)]


def findings_shown(received: ReceivedFile) -> tuple[list[dict[str, Any]], int]:
    """The findings a page or the API shows, and how many more are stored but not shown.

    New files never store more than the cap and its closing "too many problems" finding
    (``services.process``); files checked before the cap existed can hold millions, and
    listing them all took a web worker to gigabytes.
    """
    shown = settings.RCMDESK_MAX_FINDINGS + 1
    return received.findings[:shown], max(0, len(received.findings) - shown)
