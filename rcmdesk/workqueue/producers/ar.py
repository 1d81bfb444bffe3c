"""AR follow-up: claims the payer has been silent on for too long.

A claim needs follow-up while it has an open insurance balance, no active denial item (the
denial is the work then), and its reference date is at least the payer's ``followup_days``
ago. The reference date is the last payer response (the latest remit's payment date) when
there is one (a partial payment or a processed claim still owing restarts the clock: follow
up if nothing more comes), else the date of service (``service_to``, else ``service_from``),
else the day the claim was mirrored (``created_at``).

Why the date of service and not ``created_at`` as the submission date: ``created_at`` is
when we first saw the 837, and a client onboarded with a backlog sends us months of claims
on day one; counting from then would hide exactly the old unanswered claims that are closest
to their timely-filing limit. A claim cannot be submitted before its service, so the service
date errs on the early side (a claim billed late comes up for follow-up a little early),
which is the cheap mistake; slipping past timely filing is the expensive one.

Set-based: one query finds the claims needing follow-up (payers grouped by their interval),
only those are scored in Python, chunk by chunk; items whose claims dropped out are closed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import DateField, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from rcmdesk.calendar import office_day
from rcmdesk.claims.models import Claim, Payer
from rcmdesk.playbooks.services import DeadlineBook
from rcmdesk.workqueue.models import ItemKind, WorkItem, aging_bucket
from rcmdesk.workqueue.payrates import pay_rate, pay_rates
from rcmdesk.workqueue.producers.common import (
    CHUNK,
    Allowances,
    Draft,
    Written,
    chunks,
    close,
    prioritise,
    upsert,
)

ClaimIds = Collection[int] | QuerySet[Any, Any]  # ids, or a query giving them


def sync_ar(client_id: int, today: date, *, claim_ids: ClaimIds | None = None,
            rates: dict[int, Decimal] | None = None) -> Written:
    """Create, refresh and close the client's AR follow-up items (only ``claim_ids`` if given).

    ``claim_ids`` may be a query of ids (``values("claim_id")``): an 835's twenty thousand
    claims are then one subquery, not twenty runs with a thousand ids each."""
    rates = pay_rates(client_id, today) if rates is None else rates
    payers = {p.pk: p for p in Payer.objects.filter(client_id=client_id)}
    book = DeadlineBook(client_id)
    needed: set[int] = set()
    written = Written()
    for batch in chunks(_needing_followup(client_id, today, payers, book, claim_ids)):
        needed.update(row["pk"] for row in batch)
        allowed = Allowances(client_id, [row["pk"] for row in batch])
        drafts = [_draft(row, payers, book, rates, today, allowed) for row in batch]
        written.add(upsert(client_id, drafts, today))
    written.closed = _close_dropped(client_id, needed, claim_ids)
    return written


def _needing_followup(client_id: int, today: date, payers: dict[int, Payer], book: DeadlineBook,
                      claim_ids: ClaimIds | None) -> Iterator[Mapping[str, Any]]:
    by_interval: dict[int, list[int]] = {}
    for payer in payers.values():
        by_interval.setdefault(book.for_payer(payer).followup_days, []).append(payer.pk)
    if not by_interval:
        return iter(())
    due = Q()
    for days, payer_ids in by_interval.items():
        due |= Q(payer_id__in=payer_ids, reference_on__lte=today - timedelta(days=days))
    return (_open_claims(client_id, claim_ids)
            .values("pk", "patient_control_number", "payer_id", "insurance_balance",
                    "service_from")
            .annotate(submitted_on=Coalesce("service_to", "service_from", TruncDate("created_at"),
                                            output_field=DateField()),
                      responded_on=Max(Coalesce(
                          "remit_claims__remittance__payment_date",
                          TruncDate("remit_claims__remittance__created_at"),
                          output_field=DateField())))
            .annotate(reference_on=Coalesce("responded_on", "submitted_on",
                                            output_field=DateField()))
            .filter(due)
            .order_by()
            .iterator(chunk_size=CHUNK))


def _open_claims(client_id: int, claim_ids: ClaimIds | None) -> QuerySet[Claim]:
    denied = WorkItem.objects.active().filter(kind=ItemKind.DENIAL, claim_id=OuterRef("pk"))
    claims = Claim.objects.filter(client_id=client_id, insurance_balance__gt=0)
    if claim_ids is not None:
        claims = claims.filter(pk__in=_ids(claim_ids))
    return claims.filter(~Exists(denied))


def _ids(claim_ids: ClaimIds) -> Any:
    return claim_ids if isinstance(claim_ids, QuerySet) else list(claim_ids)


def _draft(row: Mapping[str, Any], payers: dict[int, Payer], book: DeadlineBook,
           rates: dict[int, Decimal], today: date, allowed: Allowances) -> Draft:
    payer = payers[row["payer_id"]]
    deadlines = book.for_payer(payer)
    service: date | None = row["service_from"]
    aged_from: date = service or row["submitted_on"]
    deadline = service + timedelta(days=deadlines.timely_filing_days) if service else None
    balance: Decimal = row["insurance_balance"]
    responded: date | None = row["responded_on"]
    why = (f"${balance:,.2f} still open after the remit of {office_day(responded)}"
           if responded else f"no payer response since {office_day(row['submitted_on'])}")
    return Draft(
        kind=ItemKind.AR_FOLLOWUP, source_key=f"claim:{row['pk']}", claim_id=row["pk"],
        title=f"Follow up {row['patient_control_number']} with {payer.name}",
        amount=balance, aging_bucket=aging_bucket(max(0, (today - aged_from).days)).value,
        deadline=deadline, category="partial_payment" if responded else "no_response",
        priority=prioritise(balance, pay_rate(rates, payer.pk), service, deadline,
                            "timely filing", today, allowed.for_item(row["pk"], None)),
        detail={"payer": payer.name, "why": why,
                "service_date": service.isoformat() if service else None,
                "last_response": responded.isoformat() if responded else None,
                "followup_days": deadlines.followup_days,
                "timely_filing_days": deadlines.timely_filing_days,
                "rules": deadlines.source})


def _close_dropped(client_id: int, needed: set[int], claim_ids: ClaimIds | None) -> int:
    items = WorkItem.objects.active().filter(client_id=client_id, kind=ItemKind.AR_FOLLOWUP)
    if claim_ids is not None:
        items = items.filter(claim_id__in=_ids(claim_ids))
    reasons: dict[int, str] = {}
    for pk, claim_id, balance in items.values_list("pk", "claim_id",
                                                   "claim__insurance_balance").iterator(
                                                       chunk_size=CHUNK):
        if claim_id in needed:
            continue
        reasons[pk] = ("insurance balance settled" if balance is None or balance <= 0
                       else "payer responded or denied; no follow-up due")
    return close(client_id, reasons) if reasons else 0
