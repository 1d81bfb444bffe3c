"""The remit that pays an overturned appeal closes it.

Posting never calls this module: intake's ``file_applied`` signal (sent once a file's 835s
are committed, the same hook the work-item producers use) runs ``on_file_applied``, and
recording an overturn runs ``close_if_paid`` in case the payer paid before anyone recorded
its answer. Both are idempotent, so a retried file closes nothing twice.

A payment is a posted remit claim for the appeal's claim, paying money (on the appealed
line when the denial was a line's), with a payment date on or after the filing date; a
reversal (CLP02 22) is never one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from rcmdesk.audit.services import record
from rcmdesk.denials.models import Appeal, AppealOutcome, AppealStatus
from rcmdesk.remits.models import RemitClaim, RemitLine
from rcmdesk.workqueue import services as work
from rcmdesk.workqueue.models import ActionKind, ItemStatus, WorkItem

log = logging.getLogger(__name__)
REVERSAL = "22"  # CLP02: a reversal of an earlier payment takes money back
CLOSE_REASON = "paid after appeal"


def payment_for(appeal: Appeal, remittance_ids: Iterable[int] | None = None,
                ) -> tuple[RemitClaim, Decimal] | None:
    """The first remit claim that paid the appeal, and what it paid for the appealed part."""
    rows = RemitClaim.objects.filter(claim_id=appeal.claim_id, outcome="posted", paid__gt=0
                                     ).exclude(status_code=REVERSAL).select_related("remittance")
    if appeal.filed_on is not None:
        rows = rows.filter(Q(remittance__payment_date__gte=appeal.filed_on)
                           | Q(remittance__payment_date__isnull=True,
                               remittance__created_at__date__gte=appeal.filed_on))
    if remittance_ids is not None:
        rows = rows.filter(remittance_id__in=list(remittance_ids))
    line_id = appeal.item.claim_line_id
    for remit_claim in rows.order_by("remittance__payment_date", "id"):
        if line_id is None:
            return remit_claim, remit_claim.paid
        paid = sum(RemitLine.objects.filter(remit_claim=remit_claim, claim_line_id=line_id)
                   .values_list("paid", flat=True), Decimal("0.00"))
        if paid > 0:
            return remit_claim, paid
    return None


def close_if_paid(appeal: Appeal, remittance_ids: Iterable[int] | None = None) -> Appeal | None:
    """Close an overturned appeal its payment has reached; None when it has not (yet)."""
    if appeal.status != AppealStatus.WON:
        return None
    found = payment_for(appeal, remittance_ids)
    if found is None:
        return None
    remit_claim, paid = found
    remittance = remit_claim.remittance
    paid_on = remittance.payment_date or appeal.client.today()
    with transaction.atomic():
        if not Appeal.objects.filter(pk=appeal.pk, status=AppealStatus.WON).update(
                status=AppealStatus.PAID, paid_by=remit_claim, paid_amount=paid,
                paid_on=paid_on, updated_at=timezone.now(), version=F("version") + 1):
            return None  # closed meanwhile (a retried file)
        record("denials.appeal.paid", client_id=appeal.client_id, obj=appeal,
               detail={"status": AppealStatus.PAID, "remit_claim": remit_claim.pk,
                       "trace_number": remittance.trace_number, "paid": str(paid),
                       "expected": str(appeal.expected_amount)})
        _item_after_payment(appeal, paid, remittance.trace_number)
    closed: Appeal = Appeal.objects.select_related("item", "claim").get(pk=appeal.pk)
    return closed


def _item_after_payment(appeal: Appeal, paid: Decimal, trace: str) -> None:
    """Paid as expected, the item is done; short, it goes back to the queue for the rest."""
    item = WorkItem.objects.get(pk=appeal.item_id)
    if item.status == ItemStatus.DONE:
        return
    expected = appeal.expected_amount or Decimal("0.00")
    said = f"Remit {trace} paid ${paid:,.2f} on the level-{appeal.level} appeal"
    if paid >= expected and appeal.outcome == AppealOutcome.OVERTURNED:
        work.record_event(item, ActionKind.CLOSED, acting_user=None, note=f"{said}.",
                          status=ItemStatus.DONE, closed_at=timezone.now(),
                          close_reason=CLOSE_REASON, assignee=None, lease_expires_at=None)
        return
    short = f" of the ${expected:,.2f} expected" if paid < expected else ""
    work.record_event(item, ActionKind.STATUS_CHANGED, acting_user=None,
                      note=f"{said}{short}: follow up on what is still open.",
                      status=ItemStatus.OPEN, assignee=None, lease_expires_at=None)


def close_paid_appeals(client_id: int, remittance_ids: Iterable[int]) -> list[int]:
    """Close every overturned appeal of the client these remittances paid; their ids."""
    ids = list(remittance_ids)
    claims = RemitClaim.objects.filter(remittance_id__in=ids, claim__isnull=False,
                                       paid__gt=0).values("claim_id")
    closed = []
    for appeal in (Appeal.objects.filter(client_id=client_id, status=AppealStatus.WON,
                                         claim_id__in=claims)
                   .select_related("item", "client").order_by("id")):
        if close_if_paid(appeal, ids) is not None:
            closed.append(appeal.pk)
    return closed


def on_file_applied(sender: Any, received: Any, **kwargs: Any) -> None:
    """Receiver for intake's ``file_applied``: the file is committed, so a failure here must
    not fail the ingest; it is logged, and recording or re-reading the answer finds it.
    A prospect's files are history to measure: a prospect has no appeal to close."""
    try:
        if received.client.prospect:
            return
        ids = list(received.remittances.values_list("pk", flat=True))
        if ids:
            close_paid_appeals(received.client_id, ids)
    except Exception:
        log.exception("closing appeals paid by file %s failed", getattr(received, "pk", "?"))
