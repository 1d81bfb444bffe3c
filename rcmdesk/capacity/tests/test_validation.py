"""The planner's forecast against a discrete-event simulation of the same queue.

The issue's acceptance line: the forecast backlog within 15% of the simulated mean, on three
scenarios (steady, growing, staff leaves). Checked on every day of the 4-week horizon."""

from __future__ import annotations

from datetime import date

import pytest

from rcmdesk.capacity.planner import ArrivalModel, Staffing, forecast
from rcmdesk.capacity.simulation import lognormal_service, mean_backlog

START = date(2026, 11, 30)  # a Monday
_RAW_DOW = (1.3, 1.1, 1.0, 1.0, 0.9, 0.4, 0.3)
DOW = tuple(f * 7 / sum(_RAW_DOW) for f in _RAW_DOW)
BACKLOG_AGES = tuple(i % 20 for i in range(300))
HANDLE_HOURS = 0.5
TOLERANCE = 0.15

SCENARIOS = {
    # 60 items/day against 7 specialists x 6 h x 2 items/h over 5 days: arrivals = capacity
    "steady": (ArrivalModel(START, 60.0, 0.0, DOW), Staffing(7, 6.0)),
    # the same queue, arrivals growing by one item a day every day
    "growing": (ArrivalModel(START, 60.0, 1.0, DOW), Staffing(7, 6.0)),
    # 8 specialists drain the backlog until three leave on day 10; then it grows
    "staff leaves": (ArrivalModel(START, 60.0, 0.0, DOW),
                     Staffing(8, 6.0, changes=((date(2026, 12, 10), -3),))),
}


def worst_relative_error(arrivals: ArrivalModel, staffing: Staffing) -> float:
    predicted = forecast(arrivals, HANDLE_HOURS, staffing, BACKLOG_AGES, START, 28).backlog()
    simulated = mean_backlog(arrivals, lognormal_service(HANDLE_HOURS, 1.0), staffing,
                             BACKLOG_AGES, START, 28, replications=100, seed=7)
    return max(abs(p - s) / s for p, s in zip(predicted, simulated, strict=True))


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_forecast_backlog_is_within_15_percent_of_the_simulated_mean_every_day(scenario):
    arrivals, staffing = SCENARIOS[scenario]
    assert worst_relative_error(arrivals, staffing) <= TOLERANCE


def test_the_scenarios_really_differ():
    """Guards the test above from passing on three copies of one flat line."""
    curves = {name: forecast(a, HANDLE_HOURS, s, BACKLOG_AGES, START, 28).backlog()
              for name, (a, s) in SCENARIOS.items()}
    assert abs(curves["steady"][-1] - 300) < 30
    assert curves["growing"][-1] > 1.8 * curves["steady"][-1]
    leaves = curves["staff leaves"]
    assert min(leaves) < 250 < 400 < leaves[-1]


def test_the_simulation_is_reproducible_with_a_seed():
    arrivals, staffing = SCENARIOS["steady"]
    draw = lognormal_service(HANDLE_HOURS)
    one = mean_backlog(arrivals, draw, staffing, BACKLOG_AGES, START, 7, replications=3, seed=5)
    two = mean_backlog(arrivals, draw, staffing, BACKLOG_AGES, START, 7, replications=3, seed=5)
    assert one == two
