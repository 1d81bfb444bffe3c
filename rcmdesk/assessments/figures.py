"""What a practice's own files say about its revenue cycle, as of one day: the findings' shapes.

Pure Python (the capacity arithmetic, the recommendation and the report read them); the
queries that fill them are ``findings.measure``.

Every figure is a count and a dollar amount, computed by grouped queries over the tenant's
claims, remittances and ledger (never one query per claim), on the client's calendar.
The definitions below are the assessment's contract: the synthetic practice's truth
(``rcmdesk.synth.practice``) is computed from the generator's own records by the same words.

Definitions, as of day ``D`` (``Assessment.as_of``, else the client's today):

- **Open claim**: a claim (not a draft) whose ``insurance_balance`` is above zero.
- **Answered**: the claim has at least one 835 claim payment (``RemitClaim``) matched to it.
- **A/R by age and payer**: open claims by ``D - service_from`` in the buckets of
  ``reports.kpis.AGING_BUCKETS`` (0-30, 31-60, 61-90, 91-120, 120+ days), per payer; count of
  claims and their insurance balance.
- **Filing limit**: ``service_from`` + the payer's timely-filing days
  (``playbooks.services.DeadlineBook``: the client's rules, else the payer's kind's default).
- **Timely-filing risk**: open claims neither answered nor accepted by the payer's front door
  (a 277CA acceptance is proof of timely filing) whose filing limit falls after ``D`` and on
  or before ``D + 30``, ``D + 60``, ``D + 90`` (cumulative windows); "past" is on or before
  ``D`` (lost unless the practice holds proof of timely filing).
- **Open denial**: an open claim whose latest 835 answer denied it (CLP02 4); its dollars are
  the insurance balance, its root cause the category (``workqueue.categories.RootCause``) of
  the claim's largest denial adjustment under the client's category rules, its appeal limit
  the 835's payment date + the payer's appeal days; **appealable** when the limit is on or
  after ``D``.
- **Rejection**: an open claim, not answered, whose latest 277CA status for it rejected it.
- **AR follow-up**: an open claim, not answered, not rejected, whose date of service is more
  than the payer's follow-up days before ``D``.
- **Unmatched remittance**: an 835 claim payment matched to no claim; dollars are its paid
  amount (CLP04), money received and not applied.
- **Underpaid line**: a ``contracts.LineVariance`` of kind underpaid (only where the client
  loaded contracts); dollars are the shortfall.
- **Recoverable**: what can still be collected if the item is worked: AR follow-up, the
  balance unless the claim is past its filing limit and was never accepted; denials, the
  appealable dollars; rejections, the balance of claims still inside their filing limit;
  unmatched remittances, their paid amount; underpaid lines, their shortfall.
- **Arrivals**: new items of a kind per week, over the 12 full weeks before ``D``, by the day
  each became an item (AR: service day + follow-up days, for claims then unanswered;
  denials and unmatched: the 835's payment date; rejections: the 277CA's date; underpaid:
  the 835's payment date).
- **First pass and rework per workflow** over the period of the files:
  charges & claims: claims billed, of which rejected at the front door (rework);
  AR follow-up: claims billed, of which answered later than the follow-up days or not at all;
  denials: claims answered, of which denied on their first answer;
  posting: 835 claim payments received, of which not posted automatically (exceptions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rcmdesk.assessments.work import WorkType

ZERO = Decimal("0.00")
WINDOWS = (30, 60, 90)  # days ahead for the timely-filing cliff
ARRIVAL_WEEKS = 12


@dataclass(frozen=True)
class Figure:
    """A count and its dollars."""

    count: int = 0
    dollars: Decimal = ZERO

    def __add__(self, other: Figure) -> Figure:
        return Figure(self.count + other.count, self.dollars + other.dollars)


@dataclass(frozen=True)
class AgingRow:
    """One payer's open A/R by age bucket (in ``Aging.buckets`` order)."""

    payer: str
    buckets: tuple[Figure, ...]

    @property
    def total(self) -> Figure:
        return sum(self.buckets, Figure())


@dataclass(frozen=True)
class Aging:
    buckets: tuple[str, ...]  # "0-30" ... "120+"
    rows: tuple[AgingRow, ...]  # largest total first
    totals: tuple[Figure, ...]  # per bucket, every payer


@dataclass(frozen=True)
class FilingWindow:
    """Open, unanswered, unaccepted claims whose filing limit falls within ``days`` after D
    (``days`` 0: on or before D, already past)."""

    days: int
    figure: Figure
    by_payer: tuple[tuple[str, Figure], ...] = ()


@dataclass(frozen=True)
class DenialCause:
    cause: str  # RootCause value
    open: Figure
    appealable: Figure  # inside the appeal window on D

    @property
    def appealable_share(self) -> Decimal | None:
        """Percent of the open dollars still inside the appeal window."""
        if not self.open.dollars:
            return None
        return (self.appealable.dollars * 100 / self.open.dollars).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Backlog:
    """One kind of work: what is open, what is still recoverable, how fast it arrives."""

    work: WorkType
    open: Figure
    recoverable: Figure
    arrivals_per_week: Decimal  # items, mean of the last ARRIVAL_WEEKS full weeks
    daily_arrivals: tuple[tuple[date, int], ...] = ()  # the same weeks, day by day
    ages: tuple[int, ...] = ()  # days each open item has waited (for the planner)


@dataclass(frozen=True)
class Quality:
    """First pass and rework of one workflow over the files' period."""

    workflow: str  # Workflow value
    volume: int
    rework: int
    rework_dollars: Decimal = ZERO

    @property
    def first_pass(self) -> int:
        return self.volume - self.rework

    @property
    def first_pass_rate(self) -> Decimal | None:
        if not self.volume:
            return None
        return (Decimal(self.first_pass) * 100 / self.volume).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Findings:
    """Everything measured from the files, as of ``as_of``."""

    as_of: date
    first_service: date | None
    last_service: date | None
    claims: int
    billed: Decimal
    files: dict[str, int]  # file kind -> files applied (837, 835, 277CA, 999)
    quarantined: int
    aging: Aging
    filing: tuple[FilingWindow, ...]  # 30, 60, 90 (cumulative), then past (days 0)
    denials: tuple[DenialCause, ...]  # largest open dollars first
    backlog: tuple[Backlog, ...]  # in WorkType order; UNDERPAYMENTS only with contracts
    quality: tuple[Quality, ...]
    contracts_loaded: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)  # caveats in words

    def backlog_of(self, work: WorkType) -> Backlog | None:
        return next((b for b in self.backlog if b.work is work), None)

