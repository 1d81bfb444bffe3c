"""What every producer shares: the SLA table, scoring, and idempotent create/refresh/close.

Producers describe the items that should exist (``Draft``) and the ones that should not
(``close``); this module writes the difference in chunks. Refreshing computed fields
(amount, aging, priority, deadline) does not bump an item's version: a specialist holding the
item has changed none of them, and their next action should not fail on a score that moved
overnight. Closing does bump it, so whoever holds a closed item hears so (Conflict).
Audit events are one per chunk written (the item ids are in the detail): an event per item
would make the nightly refresh of a large client write hundreds of thousands of chain links.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from rcmdesk.audit.services import PendingEvent, record, record_many
from rcmdesk.calendar import add_business_days
from rcmdesk.db import bulk
from rcmdesk.workqueue.models import (
    KIND_WORKFLOW,
    ActionKind,
    ItemKind,
    ItemStatus,
    WorkAction,
    WorkItem,
)
from rcmdesk.workqueue.priority import Contracted, Facts, Priority, score

CHUNK = 1000


@dataclass(frozen=True)
class Sla:
    days: int
    business: bool  # count Monday to Friday only

    def due_on(self, today: date) -> date:
        if not self.business:
            return today + timedelta(days=self.days)
        return add_business_days(today, self.days)


# How soon a new item should be touched, by kind. Exceptions hold cash out of the books and
# block reconciliation, so they are the shortest; denials have appeal clocks running; an AR
# follow-up is a status check on a claim the payer has been silent on for weeks already.
SLA: dict[str, Sla] = {
    ItemKind.POSTING_EXCEPTION: Sla(2, business=True),
    ItemKind.DENIAL: Sla(5, business=True),
    ItemKind.AR_FOLLOWUP: Sla(7, business=False),
    ItemKind.REJECTION: Sla(2, business=True),
    ItemKind.ELIGIBILITY: Sla(1, business=True),
    ItemKind.PRIOR_AUTH: Sla(2, business=True),
    ItemKind.QA_AUDIT: Sla(5, business=True),
    ItemKind.QA_FEEDBACK: Sla(3, business=True),
    ItemKind.TRANSMISSION: Sla(1, business=True),  # files stuck on our side, payer clocks run
    ItemKind.JOB_FAILURE: Sla(1, business=True),
    # contracts: money the payer owes under the contract (recovering it is follow-up work),
    # money to refund or confirm, and money taken back that no correction explains
    ItemKind.UNDERPAYMENT: Sla(7, business=False),
    ItemKind.OVERPAYMENT: Sla(5, business=True),
    ItemKind.RECOUPMENT: Sla(2, business=True),
}


@dataclass
class Draft:
    """An item as the event says it should be (created if missing, refreshed if present)."""

    kind: str
    source_key: str
    title: str
    amount: Decimal
    priority: Priority
    claim_id: int | None = None
    claim_line_id: int | None = None
    category: str = ""
    aging_bucket: str = ""
    deadline: date | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    workflow: str = ""  # empty: the kind's (KIND_WORKFLOW); a failed job's item: the job's


def prioritise(amount: Decimal, rate: Decimal | None, service_date: date | None,
               deadline: date | None, deadline_kind: str, today: date,
               contracted: Contracted | None = None) -> Priority:
    return score(Facts(balance=amount, pay_rate=rate, service_date=service_date,
                       deadline=deadline, deadline_kind=deadline_kind, today=today,
                       contracted=contracted))


class Allowances:
    """What contracts still allow on a batch of claims, read in one query per batch.

    rcmdesk.contracts sits above the work queue, so it is imported here lazily, inside the
    call (as the producers do for prior authorizations); a client with no contracts costs
    one query per batch that finds nothing."""

    def __init__(self, client_id: int, claim_ids: Iterable[int]):
        from rcmdesk.contracts.expected import expected_unpaid

        self._found = expected_unpaid(client_id, list(claim_ids))

    def for_item(self, claim_id: int | None, line_id: int | None) -> Contracted | None:
        """A line-level item: its line, if the contract priced it (else the pay-rate guess);
        a claim-level item: the claim's priced lines."""
        found = self._found.get(claim_id) if claim_id is not None else None
        if found is None:
            return None
        if line_id is None:
            return Contracted(found[0], found[2])
        unpaid = found[1].get(line_id)
        return Contracted(unpaid, found[2]) if unpaid is not None else None


def chunks[T](items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class Written:
    """Counts of what a producer run changed (the CLI and the task report them)."""

    created: int = 0
    refreshed: int = 0
    closed: int = 0

    def add(self, other: Written) -> Written:
        self.created += other.created
        self.refreshed += other.refreshed
        self.closed += other.closed
        return self

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "refreshed": self.refreshed, "closed": self.closed}


REFRESHED_FIELDS = ("title", "amount", "aging_bucket", "priority", "priority_factors",
                    "deadline", "category", "detail")


def upsert(client_id: int, drafts: Sequence[Draft], today: date) -> Written:
    """Create the drafts with no active item for their source; refresh the rest.

    One transaction: the active items are looked up a chunk at a time, but every new item
    of the run is written by one COPY (and their CREATED actions by another), and the audit
    events (one per chunk, naming its items, as ever) go in together by ``record_many``.
    """
    with transaction.atomic():
        new: list[list[Draft]] = []
        refreshed = 0
        for batch in chunks(drafts):
            fresh, moved = _sort_chunk(client_id, batch)
            new.append(fresh)
            refreshed += moved
        created = _create(client_id, [d for batch in new for d in batch], today)
        by_source = {(i.kind, i.source_key): i for i in created}
        events = []
        for batch in new:
            items = [by_source[(d.kind, d.source_key)] for d in batch
                     if (d.kind, d.source_key) in by_source]
            if items:
                events.append(_created_event(client_id, items))
        record_many(events)
    return Written(created=len(created), refreshed=refreshed)


def _sort_chunk(client_id: int, batch: list[Draft]) -> tuple[list[Draft], int]:
    """The chunk's drafts with no active item, once the others' moved fields are written."""
    kinds = {d.kind for d in batch}
    active = {(i.kind, i.source_key): i for i in WorkItem.objects.active().filter(
        client_id=client_id, kind__in=kinds, source_key__in=[d.source_key for d in batch]
    ).only("pk", "kind", "source_key", *REFRESHED_FIELDS)}
    new = [d for d in batch if (d.kind, d.source_key) not in active]
    changes: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for draft in batch:
        item = active.get((draft.kind, draft.source_key))
        if item is not None and (moved := _moved(item, draft)):
            changes.setdefault(tuple(sorted(moved)), []).append((item.pk, moved))
    return new, sum(write_fields(names, rows) for names, rows in changes.items())


def _created_event(client_id: int, created: list[WorkItem]) -> PendingEvent:
    return PendingEvent("workitem.created_by_event", client_id,
                        object_type="workqueue.workitem",
                        detail={"items": [i.pk for i in created],
                                "kinds": sorted({i.kind for i in created})})


def _moved(item: WorkItem, draft: Draft) -> dict[str, Any]:
    """The computed fields whose value the event changed (empty: leave the row alone)."""
    values = _fields(draft)
    return {name: values[name] for name in REFRESHED_FIELDS
            if getattr(item, name) != values[name]}


def write_fields(names: tuple[str, ...], rows: list[tuple[int, dict[str, Any]]]) -> int:
    """One bulk update per set of changed columns: the daily rescore touches most items,
    and Django's bulk_update (a CASE per column per row) is many times slower for that."""
    columns = (*names, "updated_at")
    now = timezone.now()
    bulk.update(WorkItem, columns, [
        [*bulk.db_row(WorkItem, columns, [moved.get(name, now) for name in columns]), pk]
        for pk, moved in rows])
    return len(rows)


def _fields(draft: Draft) -> dict[str, Any]:
    return {"title": draft.title[:200], "amount": draft.amount,
            "aging_bucket": draft.aging_bucket, "priority": draft.priority.points,
            "priority_factors": draft.priority.as_list(), "deadline": draft.deadline,
            "category": draft.category[:40], "detail": draft.detail}


def _create(client_id: int, drafts: list[Draft], today: date) -> list[WorkItem]:
    if not drafts:
        return []
    now = timezone.now()
    rows = [WorkItem(client_id=client_id, workflow=d.workflow or KIND_WORKFLOW[d.kind],
                     kind=d.kind,
                     source_key=d.source_key, claim_id=d.claim_id,
                     claim_line_id=d.claim_line_id, due_on=SLA[d.kind].due_on(today),
                     created_at=now, updated_at=now, **_fields(d)) for d in drafts]
    try:
        with transaction.atomic():
            created = bulk.insert_objects(WorkItem, rows, returning_ids=True)
    except IntegrityError:  # a concurrent producer made some of them first: one by one
        created = [row for row in rows if _create_one(row)]
    bulk.insert_objects(WorkAction, [
        WorkAction(item_id=item.pk, kind=ActionKind.CREATED, to_status=item.status, at=now,
                   note=item.source_key) for item in created])
    return created


def _create_one(row: WorkItem) -> bool:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def close(client_id: int, reasons: dict[int, str]) -> int:
    """Close active items (id -> close reason), with a CLOSED action each; returns how many."""
    closed = 0
    for batch in chunks(list(reasons.items())):
        with transaction.atomic():
            closed += _close_chunk(client_id, dict(batch))
    return closed


def _close_chunk(client_id: int, reasons: dict[int, str]) -> int:
    items = WorkItem.objects.active().filter(client_id=client_id, pk__in=list(reasons))
    before = dict(items.select_for_update().values_list("pk", "status"))
    if not before:
        return 0
    now = timezone.now()
    by_reason: dict[str, list[int]] = {}
    for pk in before:
        by_reason.setdefault(reasons[pk][:80], []).append(pk)
    for reason, pks in by_reason.items():
        WorkItem.objects.filter(pk__in=pks).update(
            status=ItemStatus.DONE, closed_at=now, close_reason=reason, lease_expires_at=None,
            version=F("version") + 1, updated_at=now)
    bulk.insert_objects(WorkAction, [
        WorkAction(item_id=pk, kind=ActionKind.CLOSED, outcome=reasons[pk][:120],
                   from_status=status, to_status=ItemStatus.DONE, at=now)
        for pk, status in before.items()])
    record("workitem.closed_by_event", client_id=client_id, object_type="workqueue.workitem",
           detail={"items": {str(pk): reasons[pk] for pk in before}})
    return len(before)
