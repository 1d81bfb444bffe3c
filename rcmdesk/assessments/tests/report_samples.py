"""A hand-made ``compute.Assessed`` for the report's tests: every section filled (several
payers, every filing window, denial causes, unmatched remits, contracts loaded), so the page
and the PDF are judged on a rich assessment without the findings queries or the planner."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from rcmdesk.assessments.capacity import HandleHours, WorkflowCapacity
from rcmdesk.assessments.compute import Assessed
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
from rcmdesk.assessments.recommend import Proposal, Recommendation
from rcmdesk.assessments.work import DEFAULT_HANDLE_HOURS, DEFAULT_RECOVERY_PERCENT, WorkType

AS_OF = date(2026, 11, 30)
BUCKETS = ("0-30", "31-60", "61-90", "91-120", "120+")
PAYERS = ("Medicare Part B", "Blue Cross Blue Shield of Texas", "Aetna", "UnitedHealthcare",
          "Cigna", "Humana", "Tricare")


def _d(text: str) -> Decimal:
    return Decimal(text)


def findings() -> Findings:
    rows = []
    for n, payer in enumerate(PAYERS):
        scale = len(PAYERS) - n
        rows.append(AgingRow(payer, tuple(
            Figure(scale * (5 - b) + 1, _d(f"{scale * (5 - b) * 1234 + 17}.55"))
            for b in range(5))))
    totals = tuple(sum((r.buckets[b] for r in rows), Figure()) for b in range(5))
    filing = (FilingWindow(30, Figure(14, _d("18250.40")), (("Aetna", Figure(9, _d("12000.00"))),)),
              FilingWindow(60, Figure(31, _d("40110.75"))),
              FilingWindow(90, Figure(52, _d("66900.10"))),
              FilingWindow(0, Figure(8, _d("9320.00"))))
    denials = (DenialCause("authorization", Figure(40, _d("52000.00")), Figure(30, _d("39000.00"))),
               DenialCause("eligibility_coverage", Figure(35, _d("31000.00")),
                           Figure(20, _d("18000.00"))),
               DenialCause("coding", Figure(22, _d("15500.00")), Figure(22, _d("15500.00"))),
               DenialCause("medical_necessity", Figure(9, _d("8200.00")), Figure(0, _d("0.00"))),
               DenialCause("timely_filing", Figure(4, _d("2100.00")), Figure(1, _d("300.00"))))
    start = AS_OF - timedelta(days=84)
    daily = tuple((start + timedelta(days=i), 3) for i in range(84))
    backlog = (
        Backlog(WorkType.AR_FOLLOWUP, Figure(640, _d("412000.00")), Figure(600, _d("391000.00")),
                _d("55.0"), daily, tuple(range(640))),
        Backlog(WorkType.DENIALS, Figure(110, _d("108800.00")), Figure(73, _d("72800.00")),
                _d("18.5")),
        Backlog(WorkType.REJECTIONS, Figure(45, _d("22100.00")), Figure(40, _d("20500.00")),
                _d("6.0")),
        Backlog(WorkType.UNMATCHED_REMITS, Figure(12, _d("4380.22")), Figure(12, _d("4380.22")),
                _d("1.5")),
        Backlog(WorkType.UNDERPAYMENTS, Figure(60, _d("7300.00")), Figure(60, _d("7300.00")),
                _d("4.0")),
    )
    quality = (Quality("charges_claims", 9800, 410, _d("51200.00")),
               Quality("ar_followup", 9800, 1900, _d("880000.00")),
               Quality("denials", 9100, 820, _d("240000.00")),
               Quality("posting", 8700, 95, _d("30100.00")))
    return Findings(as_of=AS_OF, first_service=date(2025, 12, 1), last_service=date(2026, 11, 20),
                    claims=9800, billed=_d("2450000.00"),
                    files={"837": 52, "835": 48, "277CA": 52, "999": 52}, quarantined=1,
                    aging=Aging(BUCKETS, tuple(rows), totals), filing=filing, denials=denials,
                    backlog=backlog, quality=quality, contracts_loaded=True,
                    notes=("One 835 file could not be read and was set aside.",))


def _row(workflow: str, works: tuple[WorkType, ...], *, items: int, dollars: str,
         recoverable: str, expected: str, hours: str, arrivals: str, steady_hours: str,
         yield_: str, to_clear: int, steady_fte: str, steady: int, weeks: int,
         ) -> WorkflowCapacity:
    return WorkflowCapacity(workflow, works, items, _d(dollars), _d(recoverable), _d(expected),
                            _d(hours), _d(arrivals), _d(steady_hours), _d(yield_), to_clear,
                            _d(steady_fte), steady, weeks)


def capacity(weeks: int) -> tuple[WorkflowCapacity, ...]:
    """Specialists to clear scale with 8 / weeks, so a what-if shows other numbers."""
    def clear(base: int) -> int:
        return max(1, -(-base * 8 // weeks))
    return (
        _row("charges_claims", (WorkType.REJECTIONS,), items=45, dollars="22100.00",
             recoverable="20500.00", expected="18450.00", hours="11.25", arrivals="6.0",
             steady_hours="1.50", yield_="1640.00", to_clear=clear(1), steady_fte="0.05",
             steady=1, weeks=weeks),
        _row("ar_followup", (WorkType.AR_FOLLOWUP, WorkType.UNDERPAYMENTS), items=700,
             dollars="419300.00", recoverable="398300.00", expected="278080.00",
             hours="241.20", arrivals="59.0", steady_hours="20.15", yield_="1152.90",
             to_clear=clear(3), steady_fte="0.67", steady=1, weeks=weeks),
        _row("denials", (WorkType.DENIALS,), items=110, dollars="108800.00",
             recoverable="72800.00", expected="36400.00", hours="55.00", arrivals="18.5",
             steady_hours="9.25", yield_="661.82", to_clear=clear(2), steady_fte="0.31",
             steady=1, weeks=weeks),
        _row("posting", (WorkType.UNMATCHED_REMITS,), items=12, dollars="4380.22",
             recoverable="4380.22", expected="4380.22", hours="3.00", arrivals="1.5",
             steady_hours="0.38", yield_="1460.07", to_clear=1, steady_fte="0.01", steady=1,
             weeks=weeks),
    )


def recommendation(weeks: int, rows: tuple[WorkflowCapacity, ...]) -> Recommendation:
    ranking = tuple(sorted(rows, key=lambda r: -r.yield_per_hour))
    ar = next(r for r in rows if r.workflow == "ar_followup")
    proposal = Proposal(workflow="ar_followup", model="backlog_cleanup",
                        specialists=ar.to_clear, target_date=AS_OF + timedelta(weeks=weeks),
                        cleanup_items=700, cleanup_dollars=_d("419300.00"),
                        then_model="dedicated", then_specialists=1)
    burndown = tuple((AS_OF + timedelta(weeks=w), Decimal(max(0, 700 - 700 * w // weeks + 5)),
                      (Decimal(700) - Decimal(700 * w) / weeks).quantize(_d("0.1")))
                     for w in range(weeks + 1))
    reasoning = (
        "Claims with no payer response hold $391,000.00 still recoverable; at 70% recovery "
        "that is $273,700.00 expected.",
        "AR follow-up yields $1,152.90 per specialist-hour, after front-door rejections.",
        f"Clearing 700 items within {weeks} weeks needs {ar.to_clear} specialists; holding "
        "the arrivals after that needs 1.",
        "A fixed-scope clean-up with a target date, then a dedicated specialist, fits that shape.",
    )
    return Recommendation(ranking, "ar_followup", proposal, reasoning, burndown)


def handle() -> dict[WorkType, HandleHours]:
    made = {w: HandleHours(w, h, "default", "no history of this kind in the product")
            for w, h in DEFAULT_HANDLE_HOURS.items()}
    made[WorkType.DENIALS] = HandleHours(WorkType.DENIALS, _d("0.45"), "measured",
                                         "over 212 closed denial items")
    made[WorkType.REJECTIONS] = HandleHours(WorkType.REJECTIONS, _d("0.30"),
                                            "set for this assessment", "set by the client admin")
    return made


def assessed(weeks: int = 8) -> Assessed:
    rows = capacity(weeks)
    recovery = dict(DEFAULT_RECOVERY_PERCENT)
    recovery[WorkType.DENIALS] = _d("40")
    source = {w: "default" for w in recovery}
    source[WorkType.DENIALS] = "set for this assessment"
    return Assessed(findings=findings(), handle=handle(), recovery=recovery,
                    recovery_source=source, weeks=weeks, hours_per_day=_d("6.00"),
                    capacity=rows, recommendation=recommendation(weeks, rows))
