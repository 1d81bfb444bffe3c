"""The pure planner: fitting, forecast, aging, Erlang C staffing and the what-if."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest

from rcmdesk.capacity import planner
from rcmdesk.capacity.planner import ArrivalModel, QueueHistory, Staffing

MONDAY = date(2026, 11, 2)


def test_the_planner_imports_no_django():
    code = ("import sys, rcmdesk.capacity.planner, rcmdesk.capacity.simulation; "
            "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_fit_arrivals_recovers_level_trend_and_weekday_pattern():
    weekday = (1.6, 1.4, 1.4, 1.4, 1.2, 0.0, 0.0)  # averages 1
    counts = [(MONDAY + timedelta(days=i), round(weekday[i % 7] * (10 + 0.2 * i)))
              for i in range(56)]
    model = planner.fit_arrivals(counts, start=date(2026, 1, 1))
    assert model.slope == pytest.approx(0.2, rel=0.1)
    assert model.dow[5] == 0
    assert model.dow[6] == 0
    assert model.dow[0] == pytest.approx(1.6, rel=0.05)
    assert model.origin == MONDAY + timedelta(days=56)
    assert model.level == pytest.approx(10 + 0.2 * 56, rel=0.05)


def test_handle_time_percentiles_and_variation():
    h = planner.handle_time([1.0, 2.0, 3.0, 4.0, 0.0])
    assert h.count == 4
    assert h.mean == 2.5
    assert h.p50 == 2.5
    assert h.p90 == pytest.approx(3.7)
    assert h.scv == pytest.approx(1.25 / 6.25)


def test_erlang_c_matches_the_textbook_value():
    # 2 servers, 1 Erlang offered: P(wait) = 1/3
    assert planner.erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert planner.erlang_c(1, 0.5) == pytest.approx(0.5)
    assert planner.erlang_c(3, 3.0) == 1.0


def test_forecast_drains_oldest_first_and_ages_the_rest():
    arrivals = ArrivalModel(MONDAY, 0.0, 0.0)
    staffing = Staffing(1, hours_per_day=5.0)  # 10 items per working day at 0.5 h
    out = planner.forecast(arrivals, 0.5, staffing, [10] * 10 + [2] * 15, MONDAY, 3, sla_days=7)
    first, second, third = out.days
    assert first.backlog == 15
    assert first.served == 10
    assert first.oldest_age == 2
    assert second.backlog == 5
    assert third.backlog == 0
    assert third.over_sla == 0


def test_over_sla_counts_items_older_than_the_sla():
    staffing = Staffing(0)
    out = planner.forecast(ArrivalModel(MONDAY, 0.0, 0.0), 1.0, staffing, [7, 7, 1], MONDAY, 2)
    assert [d.over_sla for d in out.days] == [0, 2]


def test_more_arrivals_need_more_specialists_for_the_same_sla():
    staffing = Staffing(3)
    light = planner.specialists_needed(ArrivalModel(MONDAY, 20, 0), 0.5, staffing, 0, MONDAY)
    heavy = planner.specialists_needed(ArrivalModel(MONDAY, 80, 0), 0.5, staffing, 0, MONDAY)
    assert heavy.for_sla > light.for_sla
    assert heavy.sla_met_probability >= 0.9
    assert heavy.offered_load < heavy.for_sla


def test_a_large_backlog_needs_hands_to_clear_it():
    staffing = Staffing(3)
    answer = planner.specialists_needed(ArrivalModel(MONDAY, 20, 0), 0.5, staffing, 2000,
                                        MONDAY)
    assert answer.to_clear_backlog > answer.for_sla
    assert answer.needed == answer.to_clear_backlog


def test_what_if_adding_specialists_lowers_the_curve_from_the_date():
    history = QueueHistory("ar_followup",
                           tuple((MONDAY - timedelta(days=28 - i), 30) for i in range(28)),
                           (0.5,) * 50, tuple(range(200)), 4)
    when = MONDAY + timedelta(days=7)
    result = planner.plan(history, MONDAY, add=2, add_from=when)
    assert result.what_if is not None
    base, alt = result.forecast.backlog(), result.what_if.backlog()
    assert base[:7] == alt[:7]
    assert alt[-1] < base[-1]
    leaves = planner.plan(history, MONDAY, add=-2, add_from=when).what_if
    assert leaves is not None
    assert leaves.backlog()[-1] > base[-1]
