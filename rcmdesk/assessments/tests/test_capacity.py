"""The staffing arithmetic on the hand-made sample (``factories``: the numbers done on paper)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from rcmdesk.assessments.capacity import WorkflowCapacity, burndown, plan
from rcmdesk.assessments.tests.factories import (
    AS_OF,
    HOURS_PER_DAY,
    default_handle,
    sample_findings,
)
from rcmdesk.assessments.work import DEFAULT_RECOVERY_PERCENT, WorkType


def rows(weeks: int = 8, **changes: tuple[int, str, str, int]) -> dict[str, WorkflowCapacity]:
    found = sample_findings(**changes)
    return {r.workflow: r for r in plan(found, default_handle(), dict(DEFAULT_RECOVERY_PERCENT),
                                        weeks=weeks, hours_per_day=HOURS_PER_DAY)}


def test_the_denials_row_matches_the_numbers_done_by_hand() -> None:
    found = sample_findings()
    row = next(r for r in plan(found, default_handle(), dict(DEFAULT_RECOVERY_PERCENT),
                               weeks=8, hours_per_day=HOURS_PER_DAY) if r.workflow == "denials")
    assert (row.items, row.dollars, row.recoverable) == (
        1240, Decimal("500000.00"), Decimal("412300.00"))
    assert row.expected == Decimal("206150.00")  # 412,300 x 50%
    assert row.hours_to_clear == Decimal("620.00")  # 1,240 x 0.50 h
    assert row.yield_per_hour == Decimal("332.50")
    assert row.arrivals_per_week == Decimal("95.00")
    assert row.steady_hours_per_week == Decimal("47.50")  # 95 x 0.50 h
    assert row.steady_fte == Decimal("1.58")  # 47.5 h / (6 h x 5 days)
    # 8 weeks from a Monday: 40 working days x 6 h = 240 h, 2 denials an hour each;
    # 1,240 open + 40 x 19 arriving = 2,000 denials / 480 a specialist = 4.17 -> 5
    assert row.to_clear == 5
    # Erlang C on arrivals alone: 3.17 an hour for 2 an hour each -> 2 hold the SLA
    assert row.steady == 2
    assert row.works == (WorkType.DENIALS,)


def test_a_workflow_of_two_kinds_adds_their_items_dollars_and_hours() -> None:
    row = rows()["ar_followup"]
    assert row.works == (WorkType.AR_FOLLOWUP, WorkType.UNDERPAYMENTS)
    assert row.items == 1000
    assert row.expected == Decimal("87000.00")  # 120,000 x 70% + 5,000 x 60%
    assert row.hours_to_clear == Decimal("347.00")  # 900 x 0.33 + 100 x 0.50
    assert row.yield_per_hour == Decimal("250.72")
    assert row.steady_hours_per_week == Decimal("59.50")  # 150 x 0.33 + 20 x 0.50


def test_rows_come_in_workflow_order_and_a_workflow_with_nothing_is_left_out() -> None:
    assert list(rows()) == ["charges_claims", "ar_followup", "denials", "posting"]
    assert "posting" not in rows(unmatched_remits=(0, "0.00", "0.00", 0))
    arriving_only = rows(unmatched_remits=(0, "0.00", "0.00", 1))["posting"]
    assert arriving_only.items == 0
    assert arriving_only.yield_per_hour == Decimal("0.00")


def test_a_larger_n_never_needs_more_specialists_to_clear() -> None:
    previous: dict[str, int] = {}
    for weeks in range(1, 53):
        for workflow, row in rows(weeks).items():
            assert row.to_clear <= previous.get(workflow, row.to_clear), (workflow, weeks)
            previous[workflow] = row.to_clear
    assert previous["denials"] < rows(1)["denials"].to_clear


def test_the_steady_state_does_not_depend_on_the_weeks_to_clear() -> None:
    assert {w: (r.steady, r.steady_fte) for w, r in rows(2).items()} == {
        w: (r.steady, r.steady_fte) for w, r in rows(30).items()}


def test_the_burn_down_reaches_zero_under_the_specialists_that_clear_it() -> None:
    found = sample_findings()
    handle = default_handle()
    row = next(r for r in plan(found, handle, dict(DEFAULT_RECOVERY_PERCENT), weeks=8,
                               hours_per_day=HOURS_PER_DAY) if r.workflow == "denials")
    curve = burndown(row, found, handle, float(row.to_clear), start=AS_OF, weeks=8,
                     hours_per_day=HOURS_PER_DAY)
    assert [day for day, _, _ in curve][:3] == [AS_OF, date(2026, 11, 29), date(2026, 12, 6)]
    assert len(curve) == 9  # today, then each week's end
    assert curve[0][1:] == (Decimal("1240.00"), Decimal("1240.00"))
    # 5 specialists finish 300 a working day and 95 arrive a week: 1,240 - 5 x 300 + 95 = 1,035
    assert curve[1][1] == Decimal("1035.00")
    assert curve[-1][1] == Decimal("0.00")
    assert [ideal for _, _, ideal in curve] == [Decimal(1240 * (8 - k) / 8).quantize(
        Decimal("0.01")) for k in range(0, 9)]
    short = burndown(row, found, handle, 1.0, start=AS_OF, weeks=8,
                     hours_per_day=HOURS_PER_DAY)
    assert short[-1][1] > curve[-1][1]


def test_hand_made_backlog_without_ages_or_daily_arrivals_still_plans() -> None:
    found = sample_findings()
    bare = replace(found, backlog=tuple(replace(b, daily_arrivals=(), ages=())
                                        for b in found.backlog))
    handle = default_handle()
    row = next(r for r in plan(bare, handle, dict(DEFAULT_RECOVERY_PERCENT), weeks=8,
                               hours_per_day=HOURS_PER_DAY) if r.workflow == "denials")
    assert row.to_clear >= 4
    assert len(burndown(row, bare, handle, 5.0, start=AS_OF, weeks=8,
                        hours_per_day=HOURS_PER_DAY)) == 9
