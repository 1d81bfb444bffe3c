"""An 837 batch with no 999 after the expected time becomes a transmission work item.

CORE's batch rule: the receiver answers an 837 with a 999 within one hour
(``RCMDESK_ACK_999_EXPECTED_MINUTES``, default 60). The clock starts when the file left:

- the latest ``Transmission.sent_at`` of the batch's file (a deliberate resend restarts it);
- a file queued, sending or failed has not left: no item here (a failed send is the
  sender's own transmission problem, not a missing answer);
- a file with no transmission row while the client has an enabled SFTP connection: from the
  batch's creation (it was written for that mailbox and should have gone within minutes,
  so silence is worth a look);
- a file with no transmission row and no connection was handed over by hand, at a time we do
  not know: the business-day rule the batch pages already show (``queries.ack_due``) applies,
  and the item opens once the client's day passes that date.

One item per batch (source ``batch:<id>:no999``), on the batch's first claim so the item
pages show a claim, the detail naming the batch. It closes when the 999 arrives (or a TA1
rejects the interchange), from ``acks`` at once and from this sweep otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max, Sum

from rcmdesk.calendar import day_start, office_day
from rcmdesk.connectivity.models import Connection, ConnectionKind, Transmission
from rcmdesk.submission import queries
from rcmdesk.submission.models import BatchClaim, BatchStatus, SubmissionBatch
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.producers.common import Draft, close, prioritise, upsert

CATEGORY = "no_999"


def source_key(batch_id: int) -> str:
    return f"batch:{batch_id}:no999"


def expected_window() -> timedelta:
    return timedelta(minutes=settings.RCMDESK_ACK_999_EXPECTED_MINUTES)


def connected(client_id: int) -> bool:
    """Whether the client has a mailbox its files are sent to without hands."""
    return Connection.objects.filter(client_id=client_id).enabled(ConnectionKind.SFTP).exists()


def expected_by(batch: SubmissionBatch, sent_at: datetime | None, has_rows: bool,
                is_connected: bool) -> datetime | None:
    """When the batch's 999 should have come (None: not sent yet, or already answered)."""
    if batch.status != BatchStatus.SENT:
        return None
    if sent_at is not None:
        return sent_at + expected_window()
    if has_rows:
        return None
    if is_connected:
        return batch.created_at + expected_window()
    due = queries.ack_due(batch)
    return day_start(due + timedelta(days=1), batch.client.time_zone) if due else None


@dataclass(frozen=True)
class Clock:
    """A batch's 999 clock for the pages: when it is due, and whether it went by hand (then
    the page shows the business-day date, the hour rule needing a known sending time)."""

    due: datetime | None
    by_hand: bool


def clocks(batches: list[SubmissionBatch], sends: dict[int, Transmission | None]
           ) -> dict[int, Clock]:
    """batch id -> its 999 clock, given each file's latest send (one query for all)."""
    waiting = {b.client_id for b in batches if b.status == BatchStatus.SENT}
    linked = set(Connection.objects.filter(client_id__in=waiting).enabled(ConnectionKind.SFTP)
                 .values_list("client_id", flat=True)) if waiting else set()
    found = {}
    for batch in batches:
        send = sends.get(batch.outbound_id)
        due = expected_by(batch, send.sent_at if send is not None else None,
                          send is not None, batch.client_id in linked)
        found[batch.pk] = Clock(due, send is None and batch.client_id not in linked)
    return found


def overdue_acknowledgments(client: Organization, *, now: datetime) -> dict[str, Any]:
    """Open an item for each batch of ``client`` past its 999 time; close the answered ones.

    Idempotent: an open item is refreshed, never doubled; run it as often as you like.
    """
    waiting = list(SubmissionBatch.objects.filter(client=client, status=BatchStatus.SENT)
                   .select_related("client", "outbound").defer("outbound__content"))
    sent = _sent_times(b.outbound_id for b in waiting)
    is_connected = connected(client.pk)
    late = []
    for batch in waiting:
        sent_at, has_rows = sent.get(batch.outbound_id, (None, False))
        due = expected_by(batch, sent_at, has_rows, is_connected)
        if due is not None and now >= due:
            late.append((batch, due))
    written = upsert(client.pk, _drafts(client, late, now), client.today(now))
    closed = close(client.pk, _answered(client, {b.pk for b in waiting}))
    return {"waiting": len(waiting), "overdue": len(late), "opened": written.created,
            "closed": closed}


def _sent_times(outbound_ids: Iterable[int]) -> dict[int, tuple[datetime | None, bool]]:
    """outbound id -> (latest sent time, whether it has any transmission row)."""
    rows = (Transmission.objects.filter(outbound_id__in=list(outbound_ids))
            .values("outbound_id").annotate(last=Max("sent_at")))
    return {r["outbound_id"]: (r["last"], True) for r in rows}


def _drafts(client: Organization, late: list[tuple[SubmissionBatch, datetime]],
            now: datetime) -> list[Draft]:
    firsts: dict[int, BatchClaim] = {}
    for entry in (BatchClaim.objects.filter(batch_id__in=[b.pk for b, _ in late])
                  .select_related("claim").order_by("batch_id", "set_control", "position")):
        firsts.setdefault(entry.batch_id, entry)
    today = client.today(now)
    drafts = []
    totals = dict(BatchClaim.objects.filter(batch_id__in=[b.pk for b, _ in late])
                  .values("batch_id").annotate(total=Sum("claim__total_charge"))
                  .values_list("batch_id", "total"))
    for batch, due in late:
        first = firsts.get(batch.pk)
        claim = first.claim if first is not None else None
        amount = totals.get(batch.pk) or Decimal("0.00")
        local = due.astimezone(ZoneInfo(client.time_zone))
        drafts.append(Draft(
            kind=ItemKind.TRANSMISSION, source_key=source_key(batch.pk),
            title=f"837{batch.kind} batch {batch.pk}: no 999 acknowledgment yet "
                  f"({batch.claims_count} claim(s), file {batch.outbound.name})"[:200],
            amount=amount,
            priority=prioritise(amount, None, claim.service_from if claim else None, None,
                                "", today),
            claim_id=claim.pk if claim is not None else None,
            category=CATEGORY,
            detail={"batch_id": batch.pk, "why": (
                f"The receiver has not acknowledged interchange {batch.outbound.isa13} "
                f"(group {batch.outbound.gs06}) with a 999; one was expected by "
                f"{office_day(local.date())} {local:%H:%M}. Check the mailbox and the "
                "clearinghouse's portal; resend only if they never received the file."),
                "claims": batch.claims_count}))
    return drafts


def _answered(client: Organization, waiting: set[int]) -> dict[int, str]:
    """Open no-999 items whose batch was answered since (item id -> close reason)."""
    items = WorkItem.objects.active().filter(client=client, kind=ItemKind.TRANSMISSION,
                                              category=CATEGORY)
    return {item.pk: "the batch was acknowledged" for item in items.only("pk", "source_key")
            if _batch_of(item.source_key) not in waiting}


def _batch_of(key: str) -> int:
    parts = key.split(":")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 0


def close_for(batch: SubmissionBatch, reason: str) -> int:
    """Close the batch's no-999 item now that an answer came (nothing open: nothing done)."""
    ids = list(WorkItem.objects.active().filter(
        client_id=batch.client_id, kind=ItemKind.TRANSMISSION,
        source_key=source_key(batch.pk)).values_list("pk", flat=True))
    return close(batch.client_id, dict.fromkeys(ids, reason)) if ids else 0
