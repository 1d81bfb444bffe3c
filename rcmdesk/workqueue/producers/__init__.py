"""Work-item producers: items created, refreshed and closed by what happens to claims.

Entry points:
- ``on_file_applied`` (connected to intake's ``file_applied`` in ``WorkqueueConfig.ready``):
  denials and posting exceptions of the file's 835s become items; claims the file settled
  close their AR follow-up and denial items; the file's claims get their AR items re-checked
  (a response restarts the follow-up clock).
- ``on_exception_saved`` (``post_save`` of ``PostingException``): a resolved exception
  closes its item at once, inside the transaction that resolved it.
- ``sync_client(client, today)``: every producer for one client, the catch-all for what no
  event announces (claims ageing into follow-up, scores moving with the calendar, events
  missed while the producer failed). The ``rcmdesk queue refresh`` command and the
  ``refresh_queues`` task (``producers.tasks``) call it.
Every step is idempotent: running any of them twice changes nothing the second time.
A prospect (``Organization.prospect``, a practice loaded for a capacity assessment) gets no
items from any of them: its files are history to measure, not work anyone will do.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from rcmdesk.remits.models import ExceptionStatus, PostingException, RemitClaim
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.payrates import pay_rates
from rcmdesk.workqueue.producers import remits
from rcmdesk.workqueue.producers.ar import sync_ar
from rcmdesk.workqueue.producers.common import SLA, Written

__all__ = ["SLA", "Written", "on_exception_saved", "on_file_applied", "produce_for_file",
           "sync_ar", "sync_client"]

log = logging.getLogger(__name__)


def sync_client(client: Organization, today: date) -> dict[str, Written]:
    """Run every producer for one client; returns what each changed, by item kind.

    Nothing for a prospect: its files are history to measure, and an item would put a
    practice nobody works for on a specialist's queue."""
    if client.prospect:
        return {}
    rates = pay_rates(client.pk, today)
    denials = remits.produce_denials(client.pk, remits.unitemised_denials(client.pk), today,
                                     rates)
    denials.closed += remits.close_settled(client.pk, None, "insurance balance settled")
    denials.refreshed += remits.rescore_denials(client.pk, today, rates)
    exceptions = remits.produce_exceptions(
        client.pk, PostingException.objects.filter(client_id=client.pk), today, rates)
    exceptions.closed += remits.close_resolved_exceptions(client.pk)
    from rcmdesk.priorauth.producers import sync_authorizations  # imports this package

    return {"denial": denials, "posting_exception": exceptions,
            "ar_followup": sync_ar(client.pk, today, rates=rates),
            "prior_auth": sync_authorizations(client, today),
            "eligibility": _sync_visits(client, today), **_sync_contracts(client, today)}


def produce_for_file(received: Any, today: date) -> Written:
    """What one applied file changes in the queues (safe to run again for the same file).

    Nothing for a prospect's file: a prospect's files are history to measure, not work (and
    skipping them is most of what makes a year of a practice load in minutes)."""
    if received.client.prospect:
        return Written()
    client_id: int = received.client_id
    if not received.remittances.exists():  # an 837, 999, 277...: nothing here makes items
        return Written()
    rates = pay_rates(client_id, today)
    written = remits.produce_denials(
        client_id, remits.denial_adjustments(client_id, file_id=received.pk), today, rates)
    written.add(remits.produce_exceptions(
        client_id, PostingException.objects.filter(remittance__file_id=received.pk), today,
        rates))
    for trace, settled in remits.settled_claims_by_trace(received.pk).items():
        written.closed += remits.close_settled(client_id, settled, f"paid by remit {trace}")
    claim_ids = RemitClaim.objects.filter(remittance__file_id=received.pk,
                                          claim__isnull=False).values("claim_id")
    return written.add(sync_ar(client_id, today, claim_ids=claim_ids, rates=rates))


def on_file_applied(sender: Any, received: Any, **kwargs: Any) -> None:
    """Receiver for ``file_applied``: the file is committed, so a failure here must not
    undo or fail the ingest; it is logged, and the next ``sync_client`` repairs the queue."""
    try:
        produce_for_file(received, received.client.today())
    except Exception:
        log.exception("work-item producers failed for file %s; the next queue refresh "
                      "will catch up", getattr(received, "pk", "?"))


def on_exception_saved(sender: Any, instance: PostingException, **kwargs: Any) -> None:
    if instance.status != ExceptionStatus.OPEN:
        remits.close_exception_item(instance)


def _sync_contracts(client: Organization, today: date) -> dict[str, Written]:
    from rcmdesk.contracts.producers import sync_client as sync_contracts  # sits above us

    return sync_contracts(client, today)


def _sync_visits(client: Organization, today: date) -> Written:
    from rcmdesk.eligibility.producer import sync_visits  # imports this package

    return sync_visits(client, today)
