"""The score is points a specialist can read back; each case is worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rcmdesk.workqueue.priority import Facts, score

TODAY = date(2026, 11, 23)


def facts(balance: str = "1000.00", rate: str | None = "0.50", served: date | None = None,
          deadline: date | None = None) -> Facts:
    return Facts(Decimal(balance), Decimal(rate) if rate else None, served, deadline,
                 "timely filing", TODAY)


def test_expected_dollars_are_balance_times_pay_rate_on_a_log_scale() -> None:
    p = score(facts("1000.00", "0.50"))
    dollars = p.factors[0]
    # $1,000 x 50% = $500 expected; 100 x log10(501) = 269.98 -> 270 points
    assert dollars.points == 270
    assert "$500.00" in dollars.why
    assert p.points == 270  # no service date, no deadline


def test_an_unknown_pay_rate_uses_the_default_and_says_so() -> None:
    dollars = score(facts("1000.00", None)).factors[0]
    assert dollars.points == round(100 * 2.77887)  # log10(601)
    assert "default pay rate" in dollars.why


def test_age_gives_a_point_a_day_up_to_180() -> None:
    assert score(facts(served=date(2026, 10, 24))).factors[1].points == 30
    assert score(facts(served=date(2025, 1, 1))).factors[1].points == 180


def test_a_near_deadline_outranks_a_bigger_balance_with_time_to_spare() -> None:
    urgent = score(facts("200.00", deadline=date(2026, 12, 1)))  # 8 days left: +300
    relaxed = score(facts("5000.00", deadline=date(2027, 6, 1)))  # 190 days left: +0
    assert urgent.factors[2].points == 300
    assert relaxed.factors[2].points == 0
    assert urgent.points > relaxed.points


def test_urgency_steps_at_14_30_and_60_days() -> None:
    points = [score(facts(deadline=date.fromordinal(TODAY.toordinal() + left))).factors[2].points
              for left in (14, 15, 30, 31, 60, 61)]
    assert points == [300, 200, 200, 100, 100, 0]


def test_past_the_deadline_the_dollars_count_for_nothing_and_the_reason_says_so() -> None:
    p = score(facts("5000.00", deadline=date(2026, 11, 1)))
    assert p.factors[0].points == 0
    assert "past the deadline" in p.factors[0].why
    assert "passed 22 days ago" in p.factors[2].why


def test_factors_serialise_for_the_item_page() -> None:
    listed = score(facts(served=date(2026, 11, 13))).as_list()
    assert [f["name"] for f in listed] == ["expected recoverable", "age", "deadline"]
    assert listed[1] == {"name": "age", "points": 10,
                         "why": "10 days since the date of service"}
