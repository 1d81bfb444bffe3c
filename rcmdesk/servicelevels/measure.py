"""Attainment of a service level, measured from the product's own records.

The rules, one for every kind of timed target:

- **Arrival** is an instant (a work item's ``created_at``, an 835 file's ``received_at``, a
  draft claim's ``created_at``); its day is the client's calendar day in the client's time
  zone. The count of business days starts on the arrival's *business* day: something that
  arrives on a Saturday or a holiday counts from the next working day.
- **Due day** = that business day plus N business days (``BusinessCalendar.due_day``); it
  must be done before the client's midnight that ends the due day (the *due moment*).
- **Done** is the first act that answers the promise: a person's first touch of the item
  (``workqueue.counts.touches``: the one definition of a touch), the remittance posted
  (``Remittance.created_at``: the 835 applied to the ledger), the claim's first 837 batch
  written (``SubmissionBatch.created_at``).
- **Week**: a unit belongs to the ISO week its *due day* falls in, so a week's figure is
  final once the week is over (everything in it is due by then) and a week holds exactly
  the promises that fell due in it.
- A unit not done and not yet due is left out (it can still be met); not done and past
  due counts as missed; done after its due moment is missed.

QA accuracy is not timed: a week's figure is ``qa.accuracy.accuracy`` over the week's window
(the client's Monday midnight to the next), audits without a failed point out of audits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, Min, OuterRef

from rcmdesk.calendar import (
    BusinessCalendar,
    day_start,
    local_date,
    parse_week,
    week_of,
    week_window,
)
from rcmdesk.claims.models import Claim, ClaimOrigin
from rcmdesk.intake.models import FileStatus, ReceivedFile
from rcmdesk.intake.sniff import FileKind
from rcmdesk.qa.accuracy import accuracy
from rcmdesk.qa.models import Audit, AuditPoint, AuditStatus, PointResult
from rcmdesk.remits.models import Remittance
from rcmdesk.servicelevels.models import Kind, ServiceLevel
from rcmdesk.submission.models import BatchClaim
from rcmdesk.tenancy.calendars import business_calendar
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue import counts
from rcmdesk.workqueue.models import WorkItem

ZERO = Decimal("0.00")
ONE_PLACE = Decimal("0.1")
WAITING_835 = (FileStatus.RECEIVED, FileStatus.HELD_FOR_REVIEW, FileStatus.FAILED)


@dataclass(frozen=True)
class Unit:
    """One promise: a thing that arrived, when it fell due, and when (if) it was done."""

    ref: str  # "item", "claim", "remittance", "file": what ``object_id`` names
    object_id: int
    title: str
    arrived_at: datetime
    due_day: date
    due_at: datetime  # the client's midnight ending the due day
    done_at: datetime | None
    amount: Decimal = ZERO

    @property
    def met(self) -> bool:
        return self.done_at is not None and self.done_at < self.due_at

    @property
    def week(self) -> str:
        return week_of(self.due_day)


@dataclass(frozen=True)
class Attainment:
    """One week of one target: how many counted, how many met, against the target."""

    week: str
    met: int
    total: int
    target: Decimal

    @property
    def missed(self) -> int:
        return self.total - self.met

    @property
    def percent(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.met) * 100 / self.total).quantize(ONE_PLACE)

    @property
    def status(self) -> str:
        """"met", "missed", or "" when nothing fell due that week."""
        percent = self.percent
        if percent is None:
            return ""
        return "met" if percent >= self.target else "missed"


@dataclass(frozen=True)
class Clock:
    """What a measurement reads the calendar with: the client's zone, its business days
    and the instant it is measured at."""

    zone: str
    calendar: BusinessCalendar
    now: datetime

    @classmethod
    def of(cls, client: Organization, now: datetime) -> Clock:
        return cls(client.time_zone, business_calendar(client), now)

    def due(self, arrived_at: datetime, days: int) -> tuple[date, datetime]:
        due_day = self.calendar.due_day(local_date(arrived_at, self.zone), days)
        return due_day, day_start(due_day + timedelta(days=1), self.zone)


def attainment(level: ServiceLevel, weeks: list[str], *, now: datetime) -> list[Attainment]:
    """Week by week (in the order given), the target's attainment as at ``now``."""
    client = level.engagement.client
    clock = Clock.of(client, now)
    target = level.target_percent
    if level.kind == Kind.QA_ACCURACY:
        out = []
        for week in weeks:
            start, end = week_window(week, clock.zone)
            estimate = accuracy(client.pk, start, end, engagement_id=level.engagement_id,
                                workflow=level.workflow or None)
            out.append(Attainment(week, estimate.audits - estimate.errors, estimate.audits,
                                  target))
        return out
    by_week: dict[str, list[Unit]] = defaultdict(list)
    for unit in counted_units(level, weeks, clock):
        by_week[unit.week].append(unit)
    return [Attainment(w, sum(u.met for u in by_week[w]), len(by_week[w]), target)
            for w in weeks]


def missed(level: ServiceLevel, week: str, *, now: datetime) -> list[Unit]:
    """The week's units that missed (late or never done and past due), oldest due first."""
    client = level.engagement.client
    clock = Clock.of(client, now)
    if level.kind == Kind.QA_ACCURACY:
        return _failed_audits(level, week, clock)
    return sorted((u for u in counted_units(level, [week], clock) if not u.met),
                  key=lambda u: (u.due_day, u.arrived_at, u.object_id))


def counted_units(level: ServiceLevel, weeks: list[str], clock: Clock) -> list[Unit]:
    """Units due in ``weeks`` that count at ``clock.now``: done, or not done and past due."""
    wanted = set(weeks)
    return [u for u in _units(level, weeks, clock)
            if u.week in wanted and (u.done_at is not None or u.due_at <= clock.now)]


def _arrivals(level: ServiceLevel, weeks: list[str], clock: Clock) -> tuple[datetime, datetime]:
    """Arrival instants whose due day can fall in ``weeks``: back from the first Monday to
    the earliest day still due on or after it (due days never go backwards as arrivals move
    forward), within the engagement's own dates, up to the end of the last week."""
    first = min(parse_week(w)[0] for w in weeks)
    last = max(parse_week(w)[1] for w in weeks)
    days = level.business_days or 0
    start_day = first
    while start_day > level.engagement.start_date and \
            clock.calendar.due_day(start_day - timedelta(days=1), days) >= first:
        start_day -= timedelta(days=1)
    start_day = max(start_day, level.engagement.start_date)
    end_day = last
    if level.engagement.end_date is not None:
        end_day = min(end_day, level.engagement.end_date + timedelta(days=1))
    return day_start(start_day, clock.zone), day_start(end_day, clock.zone)


def _units(level: ServiceLevel, weeks: list[str], clock: Clock) -> list[Unit]:
    start, end = _arrivals(level, weeks, clock)
    if start >= end:
        return []
    days = level.business_days or 0
    client_id = level.engagement.client_id
    if level.kind == Kind.ACTED_ON:
        return _acted_on(client_id, level.workflow, start, end, days, clock)
    if level.kind == Kind.POSTED:
        return _posted(client_id, start, end, days, clock)
    return _submitted(client_id, start, end, days, clock)


def _acted_on(client_id: int, workflow: str, start: datetime, end: datetime, days: int,
              clock: Clock) -> list[Unit]:
    """Work items that arrived in the workflow (QA's own items are not the queue's work),
    done at a person's first touch."""
    items = (WorkItem.objects.filter(client_id=client_id, workflow=workflow,
                                     created_at__gte=start, created_at__lt=end)
             .exclude(kind__in=counts.QA_KINDS))
    first = dict(counts.touches(None, client_id).filter(item__in=items)
                 .values("item_id").annotate(first=Min("at")).values_list("item_id", "first")
                 .order_by())
    out = []
    for pk, title, created, amount in items.values_list("pk", "title", "created_at", "amount"):
        due_day, due_at = clock.due(created, days)
        out.append(Unit("item", pk, title, created, due_day, due_at, first.get(pk), amount))
    return out


def _posted(client_id: int, start: datetime, end: datetime, days: int,
            clock: Clock) -> list[Unit]:
    """Each 835 remittance from its file's receipt to its posting; an 835 file received
    and not yet posted (waiting, held for review, failed) is one unit not done."""
    out = []
    for pk, trace, payer, amount, received, posted in (
            Remittance.objects.filter(client_id=client_id, file__received_at__gte=start,
                                      file__received_at__lt=end)
            .values_list("pk", "trace_number", "payer_name", "amount", "file__received_at",
                         "created_at")):
        due_day, due_at = clock.due(received, days)
        out.append(Unit("remittance", pk, f"{payer} trace {trace}".strip(), received, due_day,
                        due_at, posted, amount))
    waiting = (ReceivedFile.objects.filter(client_id=client_id, kind=FileKind.R835,
                                           status__in=WAITING_835, received_at__gte=start,
                                           received_at__lt=end)
               .filter(remittances__isnull=True))
    for pk, name, received in waiting.values_list("pk", "original_name", "received_at"):
        due_day, due_at = clock.due(received, days)
        out.append(Unit("file", pk, name, received, due_day, due_at, None))
    return out


def _submitted(client_id: int, start: datetime, end: datetime, days: int,
               clock: Clock) -> list[Unit]:
    """Claims entered here (charge entry and imports; never mirrored 837s, which the client
    sent itself), done when first written into an 837 batch."""
    claims = (Claim.objects.filter(client_id=client_id, created_at__gte=start,
                                   created_at__lt=end)
              .exclude(origin=ClaimOrigin.MIRROR))
    first = dict(BatchClaim.objects.filter(claim__in=claims).values("claim_id")
                 .annotate(first=Min("batch__created_at")).values_list("claim_id", "first")
                 .order_by())
    out = []
    for pk, pcn, created, charge in claims.values_list("pk", "patient_control_number",
                                                       "created_at", "total_charge"):
        due_day, due_at = clock.due(created, days)
        out.append(Unit("claim", pk, pcn, created, due_day, due_at, first.get(pk), charge))
    return out


def _failed_audits(level: ServiceLevel, week: str, clock: Clock) -> list[Unit]:
    """The week's scored audits with a failed point: what pulled accuracy down, each named
    by its audited item (the page everyone who sees the workflow may open)."""
    start, end = week_window(week, clock.zone)
    audits = Audit.objects.filter(client_id=level.engagement.client_id,
                                  status=AuditStatus.DONE, completed_at__gte=start,
                                  completed_at__lt=end,
                                  draw__plan__engagement_id=level.engagement_id)
    if level.workflow:
        audits = audits.filter(workflow=level.workflow)
    failed = audits.filter(Exists(AuditPoint.objects.filter(audit=OuterRef("pk"),
                                                            result=PointResult.FAIL)))
    out = []
    for pk, item_id, created, completed in failed.values_list("pk", "item_id", "created_at",
                                                              "completed_at").order_by("pk"):
        day = local_date(completed, clock.zone)
        out.append(Unit("item", item_id, f"QA audit #{pk} of item #{item_id}", created, day,
                        day_start(day + timedelta(days=1), clock.zone), completed))
    return out
