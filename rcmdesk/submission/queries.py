"""Read-side helpers shared by the batch pages, the API and the CLI."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from rcmdesk.calendar import add_business_days, local_date
from rcmdesk.connectivity.models import Transmission
from rcmdesk.submission.correlate import deciding
from rcmdesk.submission.models import AckStatus, BatchStatus, OutboundAck, SubmissionBatch
from rcmdesk.submission.states import Sending, latest_send
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue.models import ItemKind, WorkItem


def batches(user: Any) -> QuerySet[SubmissionBatch]:
    """Batches the user may see, newest first, with claims counted by acknowledgment."""
    counts = {f"n_{s.value}": Count("claims", filter=Q(claims__ack_status=s)) for s in AckStatus}
    found: QuerySet[SubmissionBatch] = (
        SubmissionBatch.objects.visible_to(user)
        .select_related("client", "outbound", "created_by")
        .defer("outbound__content").annotate(**counts).order_by("-created_at", "-pk"))
    return found


# A clearinghouse answers an 837 with a 999 within a business day; a batch still waiting
# after that was probably never picked up, and its claims age towards timely filing unseen.
ACK_EXPECTED_BUSINESS_DAYS = 1


def ack_due(batch: SubmissionBatch) -> date | None:
    """The day by which a batch still waiting for its 999 should have had one (None once it
    was acknowledged), on the client's calendar."""
    if batch.status != BatchStatus.SENT:
        return None
    sent_on = local_date(batch.created_at, batch.client.time_zone)
    return add_business_days(sent_on, ACK_EXPECTED_BUSINESS_DAYS)


def sendings(page: list[SubmissionBatch]) -> dict[int, Sending]:
    """outbound id -> how the batch's file left and what answered it, for a page of batches
    (two queries, whatever the page's length)."""
    ids = [b.outbound_id for b in page]
    sends: dict[int, list[Transmission]] = {}
    for t in Transmission.objects.filter(outbound_id__in=ids).order_by("queued_at", "pk"):
        sends.setdefault(t.outbound_id, []).append(t)
    acks: dict[int, list[OutboundAck]] = {}
    for a in OutboundAck.objects.filter(outbound_id__in=ids):
        acks.setdefault(a.outbound_id, []).append(a)
    return {i: Sending(latest_send(sends.get(i, [])), deciding(acks.get(i, []))) for i in ids}


def batch(user: Any, batch_id: int) -> SubmissionBatch:
    found: SubmissionBatch = (SubmissionBatch.objects.select_related("client", "outbound",
                                                                     "created_by")
                              .defer("outbound__content")
                              .get_visible_or_404(user, pk=batch_id))
    return found


def submit_clients(user: Any) -> list[Organization]:
    """Clients whose ready claims the user may send (writable, charges/claims in scope)."""
    if not allows(user, Action.WORK_ITEMS):
        return []
    visibility = visibility_for(user)
    ids = [c for c in visibility.clients_for(Workflow.CHARGES_CLAIMS)
           if visibility.can_write(c, Workflow.CHARGES_CLAIMS)]
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def open_rejections(user: Any) -> QuerySet[WorkItem]:
    """Open rejection items the user may see, newest first."""
    return (WorkItem.objects.visible_to(user).active().filter(kind=ItemKind.REJECTION)
            .select_related("claim", "client").order_by("-created_at", "-pk"))
