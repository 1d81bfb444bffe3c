"""Items from posted 835s: denials, posting exceptions, and the items a payment settles.

Source keys: a denial is "line:<claim line id>", or "claim:<claim id>" when the denial is at
claim level or its remit line matched no claim line; an exception is "exception:<id>".
A denial already worked and closed is not recreated when the same remit is replayed (the
closed item names its remit); a later remit denying the line again is new work.
Denials on claims with no open insurance balance are skipped: nothing is left to recover.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q

from rcmdesk.claims.models import Payer
from rcmdesk.playbooks.services import DeadlineBook
from rcmdesk.remits.models import (
    ExceptionStatus,
    PostingException,
    RemitAdjustment,
    RemitClaim,
)
from rcmdesk.workqueue.categories import CategoryBook, denial_category
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.payrates import pay_rate
from rcmdesk.workqueue.priority import Factor, Priority
from rcmdesk.workqueue.producers.common import (
    Allowances,
    Draft,
    Written,
    chunks,
    close,
    prioritise,
    upsert,
    write_fields,
)

ZERO = Decimal("0.00")
ADJUSTMENT_FIELDS = (
    "group", "reason", "amount", "remit_claim__claim_id", "remit_line__claim_line_id",
    "remit_line__remarks", "remit_line__procedure", "remit_line__claim_line__service_date",
    "remit_claim__payer_claim_control_number", "remit_claim__status_code",
    "remit_claim__remittance_id", "remit_claim__remittance__trace_number",
    "remit_claim__remittance__payment_date", "remit_claim__remittance__created_at",
    "remit_claim__claim__patient_control_number", "remit_claim__claim__payer_id",
    "remit_claim__claim__service_from", "remit_claim__claim__insurance_balance",
)


@dataclass
class _Denied:
    """One denied line (or claim) of one remit, adjustment by adjustment."""

    source_key: str
    row: dict[str, Any]  # the first adjustment's row: claim, line and remit facts
    amount: Decimal = ZERO
    largest: tuple[Decimal, str, str] = (ZERO, "", "")  # amount, group, CARC
    carcs: list[str] = field(default_factory=list)

    def add(self, row: dict[str, Any]) -> None:
        self.amount += row["amount"]
        self.carcs.append(f"{row['group']}-{row['reason']}")
        if row["amount"] >= self.largest[0]:
            self.largest = (row["amount"], row["group"], row["reason"])


def denial_adjustments(client_id: int, *, file_id: int | None = None) -> Any:
    """Unposted (denial) adjustments of matched claims that still owe insurance dollars."""
    rows = RemitAdjustment.objects.filter(
        remit_claim__remittance__client_id=client_id, posted=False,
        remit_claim__claim__isnull=False, remit_claim__claim__insurance_balance__gt=0)
    if file_id is not None:
        rows = rows.filter(remit_claim__remittance__file_id=file_id)
    return rows


def produce_denials(client_id: int, adjustments: Any, today: date,
                    rates: dict[int, Decimal]) -> Written:
    denied: dict[tuple[int, str], _Denied] = {}
    for row in adjustments.order_by("remit_claim_id", "pk").values(*ADJUSTMENT_FIELDS):
        line_id = row["remit_line__claim_line_id"]
        key = f"line:{line_id}" if line_id else f"claim:{row['remit_claim__claim_id']}"
        remit_id = row["remit_claim__remittance_id"]
        denied.setdefault((remit_id, key), _Denied(key, row)).add(row)
    if not denied:
        return Written()
    worked = _closed_by_remit(client_id, {d.source_key for d in denied.values()})
    payers = {p.pk: p for p in Payer.objects.filter(client_id=client_id)}
    book = DeadlineBook(client_id)
    categories = CategoryBook(client_id)  # the client's rules read once, not once per item
    drafts: dict[str, Draft] = {}
    allowed = Allowances(client_id, {f.row["remit_claim__claim_id"] for f in denied.values()})
    for (remit_id, key), found in sorted(denied.items()):  # later remits win
        if (key, remit_id) in worked or found.amount <= 0:
            continue
        drafts[key] = _denial_draft(client_id, found, payers, book, categories, rates, today,
                                    allowed)
    return upsert(client_id, list(drafts.values()), today)


def _closed_by_remit(client_id: int, keys: set[str]) -> set[tuple[str, int]]:
    done: set[tuple[str, int]] = set()
    for batch in chunks(sorted(keys)):
        for key, detail in WorkItem.objects.filter(
                client_id=client_id, kind=ItemKind.DENIAL, status=ItemStatus.DONE,
                source_key__in=batch).values_list("source_key", "detail"):
            if isinstance(detail, dict) and isinstance(detail.get("remit"), int):
                done.add((key, detail["remit"]))
    return done


def _denial_draft(client_id: int, found: _Denied, payers: dict[int, Payer], book: DeadlineBook,
                  categories: CategoryBook, rates: dict[int, Decimal], today: date,
                  allowed: Allowances) -> Draft:
    row = found.row
    payer = payers[row["remit_claim__claim__payer_id"]]
    deadlines = book.for_payer(payer)
    remit_day: date = (row["remit_claim__remittance__payment_date"]
                       or row["remit_claim__remittance__created_at"].date())
    deadline = remit_day + timedelta(days=deadlines.appeal_days)
    rarcs = [str(r[-1]) for r in row["remit_line__remarks"] or [] if r]
    _, group, carc = found.largest
    category = denial_category(client_id, group, carc, rarcs, book=categories)
    amount = min(found.amount, row["remit_claim__claim__insurance_balance"])
    service = row["remit_line__claim_line__service_date"] or row["remit_claim__claim__service_from"]
    pcn = row["remit_claim__claim__patient_control_number"]
    what = row["remit_line__procedure"] if found.source_key.startswith("line:") else "claim"
    return Draft(
        kind=ItemKind.DENIAL, source_key=found.source_key, claim_id=row["remit_claim__claim_id"],
        claim_line_id=row["remit_line__claim_line_id"],
        title=f"Denied {what} on {pcn}: {category.replace('_', ' ')} ({group}-{carc})",
        amount=amount, category=category, deadline=deadline,
        priority=prioritise(amount, pay_rate(rates, payer.pk), service, deadline, "appeal",
                            today, allowed.for_item(row["remit_claim__claim_id"],
                                                    row["remit_line__claim_line_id"])),
        detail={"carcs": found.carcs, "rarcs": rarcs, "group": group, "carc": carc,
                "remit": row["remit_claim__remittance_id"],
                "trace": row["remit_claim__remittance__trace_number"],
                "remit_date": remit_day.isoformat(),
                "payer_claim_number": row["remit_claim__payer_claim_control_number"],
                "status_code": row["remit_claim__status_code"], "payer": payer.name,
                "appeal_days": deadlines.appeal_days, "rules": deadlines.source})


def produce_exceptions(client_id: int, exceptions: Any, today: date,
                       rates: dict[int, Decimal]) -> Written:
    """An item per open posting exception (refreshed if it exists)."""
    drafts = [_exception_draft(e, rates, today) for e in exceptions.filter(
        status=ExceptionStatus.OPEN).select_related("remittance", "remit_claim",
                                                    "remit_claim__claim")]
    return upsert(client_id, drafts, today)


def _exception_draft(exc: PostingException, rates: dict[int, Decimal], today: date) -> Draft:
    rc = exc.remit_claim
    claim = rc.claim if rc is not None else None
    amount = abs(rc.paid) if rc is not None else ZERO
    pcn = rc.patient_control_number if rc is not None else exc.remittance.trace_number
    return Draft(
        kind=ItemKind.POSTING_EXCEPTION, source_key=f"exception:{exc.pk}",
        claim_id=claim.pk if claim else None, category=exc.reason,
        title=f"Posting exception ({exc.reason.replace('_', ' ')}): {pcn}", amount=amount,
        priority=_payment_priority(amount, claim.service_from if claim else None, today),
        detail={"exception": exc.pk, "reason": exc.reason, "text": exc.detail[:500],
                "remit": exc.remittance_id,
                "trace": exc.remittance.trace_number, "patient_control_number": pcn,
                "payer_claim_number": rc.payer_claim_control_number if rc else ""})


def _payment_priority(amount: Decimal, service_date: date | None, today: date) -> Priority:
    """An exception's money was already paid: it is not "expected recoverable" at a pay
    rate, it is a payment waiting to be put right, scored and labelled as that."""
    scored = prioritise(amount, Decimal(1), service_date, None, "posting", today)
    dollars, *rest = scored.factors
    return Priority(scored.points, (
        Factor("payment at issue", dollars.points,
               f"${amount:,.2f} received in an 835 and not yet put right"), *rest))


def close_resolved_exceptions(client_id: int) -> int:
    """Close exception items whose exception is no longer open (resolved outside events)."""
    items = dict(WorkItem.objects.active().filter(
        client_id=client_id, kind=ItemKind.POSTING_EXCEPTION).values_list("source_key", "pk"))
    ids = {int(key.split(":", 1)[1]): pk for key, pk in items.items()
           if key.split(":", 1)[1].isdigit()}
    reasons: dict[int, str] = {}
    for batch in chunks(sorted(ids)):
        for exc_id, status, resolution in PostingException.objects.filter(
                pk__in=batch).exclude(status=ExceptionStatus.OPEN).values_list(
                    "pk", "status", "resolution"):
            reasons[ids[exc_id]] = f"exception {resolution or status}"
    return close(client_id, reasons) if reasons else 0


def close_exception_item(exc: PostingException) -> int:
    item = WorkItem.objects.active().filter(
        client_id=exc.client_id, kind=ItemKind.POSTING_EXCEPTION,
        source_key=f"exception:{exc.pk}").values_list("pk", flat=True).first()
    if item is None:
        return 0
    return close(exc.client_id, {item: f"exception {exc.resolution or exc.status}"})


def close_settled(client_id: int, claim_ids: Collection[int] | None, reason: str) -> int:
    """Close AR and denial items of claims whose insurance balance is now zero."""
    items = WorkItem.objects.active().filter(
        client_id=client_id, kind__in=(ItemKind.AR_FOLLOWUP, ItemKind.DENIAL),
        claim__insurance_balance__lte=0)
    if claim_ids is not None:
        items = items.filter(claim_id__in=list(claim_ids))
    reasons = dict.fromkeys(items.values_list("pk", flat=True), reason)
    return close(client_id, reasons) if reasons else 0


def settled_claims_by_trace(file_id: int) -> dict[str, list[int]]:
    """Trace number -> claims of that remit in the file now settled (for the close reason)."""
    out: dict[str, list[int]] = {}
    for trace, claim_id in RemitClaim.objects.filter(
            remittance__file_id=file_id, claim__isnull=False,
            claim__insurance_balance__lte=0).values_list("remittance__trace_number",
                                                         "claim_id").distinct():
        out.setdefault(trace, []).append(claim_id)
    return out


def unitemised_denials(client_id: int) -> Any:
    """Denial adjustments of claims that never had a denial item (backfill for sync)."""
    itemised = WorkItem.objects.filter(kind=ItemKind.DENIAL,
                                       claim_id=OuterRef("remit_claim__claim_id"))
    return denial_adjustments(client_id).filter(~Exists(itemised))


def rescore_denials(client_id: int, today: date, rates: dict[int, Decimal]) -> int:
    """Age and days-to-deadline move daily: recompute open denial items' priority."""
    items = WorkItem.objects.active().filter(client_id=client_id, kind=ItemKind.DENIAL)
    changed: list[tuple[int, dict[str, Any]]] = []
    for batch in chunks(items.select_related("claim", "claim_line").filter(~Q(claim=None)).only(
            "pk", "amount", "deadline", "priority", "priority_factors", "claim_id",
            "claim_line_id", "claim__payer_id", "claim__service_from",
            "claim_line__service_date").iterator(chunk_size=1000)):
        allowed = Allowances(client_id, {item.claim_id for item in batch})
        for item in batch:
            service = (item.claim_line.service_date if item.claim_line else None) or (
                item.claim.service_from if item.claim else None)
            payer_id = item.claim.payer_id if item.claim else None
            priority = prioritise(item.amount, pay_rate(rates, payer_id), service,
                                  item.deadline, "appeal", today,
                                  allowed.for_item(item.claim_id, item.claim_line_id))
            if priority.points != item.priority or priority.as_list() != item.priority_factors:
                changed.append((item.pk, {"priority": priority.points,
                                          "priority_factors": priority.as_list()}))
    for batch in chunks(changed):
        write_fields(("priority", "priority_factors"), batch)
    return len(changed)
