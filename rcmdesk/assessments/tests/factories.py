"""A hand-made assessment for the capacity, recommendation and compute tests (no files, no
database): findings whose arithmetic can be done on paper.

As of Monday 11/23/2026. Every kind arrives on weekdays only, the same number each weekday
for the 12 weeks before, so the planner's arrival model is flat and its answers countable:

=============  =====  ==========  ===========  ========  =====  ==========================
kind           open   dollars     recoverable  per week  hours  expected
=============  =====  ==========  ===========  ========  =====  ==========================
AR follow-up   900    $450,000    $120,000     150       0.33   x 70% = $84,000
denials        1,240  $500,000    $412,300     95        0.50   x 50% = $206,150
rejections     60     $6,000      $5,000       10        0.25   x 90% = $4,500
unmatched      40     $2,000      $2,000       5         0.25   x 100% = $2,000
underpaid      100    $5,000      $5,000       20        0.50   x 60% = $3,000
=============  =====  ==========  ===========  ========  =====  ==========================

Yield per specialist-hour: denials $206,150 / 620 h = $332.50; charges & claims (the
rejections) $4,500 / 15 h = $300.00; AR follow-up ($84,000 + $3,000) / (297 h + 50 h) =
$250.72; posting $2,000 / 10 h = $200.00. Denials come first.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from rcmdesk.assessments.capacity import HandleHours
from rcmdesk.assessments.compute import Assessed, compute
from rcmdesk.assessments.figures import (
    Aging,
    AgingRow,
    Backlog,
    DenialCause,
    Figure,
    FilingWindow,
    Findings,
    Quality,
)
from rcmdesk.assessments.work import DEFAULT_HANDLE_HOURS, DEFAULT_RECOVERY_PERCENT, WorkType

AS_OF = date(2026, 11, 23)  # a Monday
WEEKS = 8
HOURS_PER_DAY = Decimal("6.00")

# kind: (open items, open dollars, recoverable dollars, arrivals each weekday)
SAMPLE: dict[WorkType, tuple[int, str, str, int]] = {
    WorkType.AR_FOLLOWUP: (900, "450000.00", "120000.00", 30),
    WorkType.DENIALS: (1240, "500000.00", "412300.00", 19),
    WorkType.REJECTIONS: (60, "6000.00", "5000.00", 2),
    WorkType.UNMATCHED_REMITS: (40, "2000.00", "2000.00", 1),
    WorkType.UNDERPAYMENTS: (100, "5000.00", "5000.00", 4),
}


def weekday_arrivals(per_weekday: int, as_of: date = AS_OF,
                     ) -> tuple[tuple[date, int], ...]:
    """The 12 full weeks before ``as_of``, day by day: ``per_weekday`` on Monday..Friday."""
    first = as_of - timedelta(weeks=12)
    days = (first + timedelta(days=i) for i in range(84))
    return tuple((d, per_weekday if d.weekday() < 5 else 0) for d in days)


def backlog(work: WorkType, items: int, dollars: str, recoverable: str, per_weekday: int,
            ) -> Backlog:
    return Backlog(work, Figure(items, Decimal(dollars)),
                   Figure(items, Decimal(recoverable)), Decimal(per_weekday * 5),
                   weekday_arrivals(per_weekday), tuple(i % 120 for i in range(items)))


def sample_findings(**changes: tuple[int, str, str, int]) -> Findings:
    """The table above; ``changes`` replaces a kind's row by its value (``denials=(...)``)."""
    rows = {**SAMPLE, **{WorkType(k): v for k, v in changes.items()}}
    fig = Figure
    return Findings(
        as_of=AS_OF, first_service=date(2025, 11, 1), last_service=date(2026, 11, 20),
        claims=12_400, billed=Decimal("4820310.55"),
        files={"837": 52, "835": 48, "277CA": 50, "999": 52}, quarantined=1,
        aging=Aging(
            buckets=("0-30", "31-60", "61-90", "91-120", "120+"),
            rows=(AgingRow("Aetna", (fig(10, Decimal("1000.00")), fig(5, Decimal("550.10")),
                                     fig(), fig(2, Decimal("99.99")), fig(1, Decimal("5.00")))),),
            totals=(fig(10, Decimal("1000.00")), fig(5, Decimal("550.10")), fig(),
                    fig(2, Decimal("99.99")), fig(1, Decimal("5.00")))),
        filing=(FilingWindow(30, fig(4, Decimal("812.40")),
                             (("Aetna", fig(4, Decimal("812.40"))),)),
                FilingWindow(60, fig(6, Decimal("1200.00"))),
                FilingWindow(90, fig(9, Decimal("1900.00"))),
                FilingWindow(0, fig(2, Decimal("310.00")))),
        denials=(DenialCause("authorization", fig(700, Decimal("300000.00")),
                             fig(600, Decimal("250000.00"))),
                 DenialCause("eligibility", fig(540, Decimal("200000.00")),
                             fig(400, Decimal("162300.00")))),
        backlog=tuple(backlog(w, *rows[w]) for w in WorkType),
        quality=(Quality("charges_claims", 12_400, 310, Decimal("40210.00")),
                 Quality("posting", 11_000, 95)),
        contracts_loaded=True, notes=("One 835 file was quarantined.",))


def default_handle() -> dict[WorkType, HandleHours]:
    return {w: HandleHours(w, DEFAULT_HANDLE_HOURS[w], "default",
                           "typical of co-managed teams") for w in WorkType}


def sample_assessed(weeks: int = WEEKS) -> Assessed:
    """The sample computed with the defaults: capacity, recommendation and burn-down."""
    return compute(sample_findings(), default_handle(), dict(DEFAULT_RECOVERY_PERCENT),
                   dict.fromkeys(WorkType, "default"), weeks=weeks, hours_per_day=HOURS_PER_DAY)
