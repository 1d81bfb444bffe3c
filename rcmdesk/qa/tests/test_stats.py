"""The statistics alone: intervals that cover what they say, sizes that give the precision
asked, strata weighted by their populations, and monetary-unit sampling by dollars."""

from __future__ import annotations

import math
import random
from decimal import Decimal

import pytest

from rcmdesk.qa import stats
from rcmdesk.qa.sampling import MoneyItem, allocate, draw_mus

POPULATION, ERRORS, SAMPLE = 5000, 200, 300  # a 4 % error rate; 300 audits a population


def test_on_100_simulated_populations_with_a_4_percent_error_rate_the_90_percent_interval_covers_the_truth_85_to_95_times() -> None:  # noqa: E501
    """Each population: 5,000 items of which exactly 200 are wrong, shuffled by a seeded
    generator; 300 audited without replacement (a realistic quarter's audits), the Wilson
    interval with the finite-population correction. Seeded, so the count is fixed (89)."""
    rng = random.Random(21)
    covered = 0
    for _ in range(100):
        population = [False] * ERRORS + [True] * (POPULATION - ERRORS)
        rng.shuffle(population)
        right = sum(rng.sample(population, SAMPLE))
        interval = stats.proportion_interval(right, SAMPLE, 0.90, POPULATION)
        covered += interval.low <= 1 - ERRORS / POPULATION <= interval.high
    assert 85 <= covered <= 95


@pytest.mark.parametrize(("precision", "expected", "confidence", "population"), [
    (0.05, 0.5, 0.90, None), (0.02, 0.04, 0.90, None), (0.02, 0.04, 0.90, 1000),
    (0.03, 0.10, 0.95, 5000), (0.05, 0.5, 0.95, 200), (0.01, 0.04, 0.90, 20000)])
def test_the_calculators_sample_size_gives_the_stated_precision_within_5_percent_of_the_analytic_value(  # noqa: E501
        precision: float, expected: float, confidence: float, population: int | None) -> None:
    size = stats.sample_size(precision, confidence, expected, population)
    z = stats.z_for(confidence)
    n0 = z * z * expected * (1 - expected) / precision ** 2  # the textbook formula
    textbook = n0 if population is None else n0 / (1 + (n0 - 1) / population)
    assert size.n == math.ceil(textbook)
    achieved = stats.wald_half_width(expected, size.n, confidence, population)
    assert achieved <= precision  # rounding up never loses precision
    assert achieved >= 0.95 * precision  # and buys no more than 5 % of it
    assert "n0 = z" in size.how
    assert f"n = {size.n}" in size.how


def test_the_calculator_defaults_to_the_conservative_50_percent_and_the_usual_sizes() -> None:
    assert stats.sample_size(0.05).n == 271  # 1.645^2 x 0.25 / 0.05^2 = 270.6
    assert stats.sample_size(0.05, 0.95).n == 385  # the textbook 384.1
    assert stats.sample_size(0.05, 0.95, population=100).n == 80


def test_no_error_found_still_leaves_an_upper_bound_on_the_error_rate() -> None:
    interval = stats.proportion_interval(25, 25, 0.90)
    assert interval.high == 1.0
    assert 0.90 < interval.low < 0.91  # z^2 / (n + z^2) = 0.0976 of room for errors


def test_auditing_the_whole_population_leaves_no_doubt() -> None:
    interval = stats.proportion_interval(48, 50, 0.90, population=50)
    assert interval.low == interval.high == pytest.approx(0.96)


def test_the_wilson_interval_matches_a_hand_computation() -> None:
    """48 of 50 at 90 %: z^2 = 2.7055, centre (0.96 + 0.02706) / 1.05411 = 0.93640, half
    1.64485 x sqrt(0.000768 + 0.0002706) / 1.05411 = 0.05029."""
    interval = stats.proportion_interval(48, 50, 0.90)
    assert interval.low == pytest.approx(0.8861, abs=1e-4)
    assert interval.high == pytest.approx(0.9867, abs=1e-4)


def test_a_stratified_estimate_equals_a_hand_computation() -> None:
    """W = 100/400 and 300/400; p = 0.25 x 0.95 + 0.75 x 0.90 = 0.9125;
    var = 0.0625 x 0.8 x 0.95 x 0.05 / 19 + 0.5625 x 0.9 x 0.9 x 0.1 / 29 = 0.00169612."""
    result = stats.stratified([stats.Stratum(100, 20, 19), stats.Stratum(300, 30, 27)])
    assert result.estimate == pytest.approx(0.9125)
    assert result.variance == pytest.approx(0.000125 + 0.0455625 / 29)
    assert result.interval.low < 0.9125 < result.interval.high
    # about z x se either side (Wilson's centre moves a little toward 1/2)
    assert result.interval.half_width == pytest.approx(1.645 * math.sqrt(result.variance),
                                                       rel=0.05)


def test_allocation_is_proportional_and_sums_to_the_size_asked() -> None:
    assert allocate([60, 30, 10], 10) == [6, 3, 1]
    assert allocate([5, 5, 5], 7) == [3, 2, 2]
    assert allocate([2, 1], 10) == [2, 1]
    assert sum(allocate([17, 23, 41, 3], 29)) == 29


AMOUNTS = {1: Decimal("10.00"), 2: Decimal("40.00"), 3: Decimal("150.00"),
           4: Decimal("300.00"), 5: Decimal("0.00"), 6: Decimal("500.00")}


def test_monetary_unit_selection_picks_items_in_proportion_to_their_dollars() -> None:
    """5 units over $1,000 (interval $200): over 20,000 seeds each item's chance is
    5 x dollars / 1,000, capped at 1 (the $300 and $500 items are certain)."""
    items = list(AMOUNTS.items())
    picked = dict.fromkeys(AMOUNTS, 0)
    runs = 20000
    for seed in range(runs):
        for item_id in stats.mus_select(items, 5, seed).item_ids:
            picked[item_id] += 1
    for item_id, amount in AMOUNTS.items():
        expected = min(1.0, 5 * float(amount) / 1000)
        assert picked[item_id] / runs == pytest.approx(expected, abs=0.01)
    assert picked[5] == 0


def test_a_monetary_unit_draw_is_reproducible_from_its_seed_and_names_its_interval() -> None:
    first = stats.mus_select(list(AMOUNTS.items()), 5, 77)
    assert first == stats.mus_select(list(reversed(AMOUNTS.items())), 5, 77)
    assert (first.total, first.interval, first.left_out) == (Decimal("1000.00"),
                                                             Decimal("200.00"), [5])
    assert first.hits[6] in (2, 3)  # $500 spans two or three $200 steps
    assert sum(first.hits.values()) == 5
    items = [MoneyItem(i, 10 + i % 2, "posting", a) for i, a in AMOUNTS.items()]
    drawn, picked = draw_mus(items, 5, 77)
    assert drawn.item_ids == first.item_ids == picked.item_ids
    assert drawn.population == 6


def test_the_poisson_factors_are_the_tables_ones() -> None:
    assert [round(stats.poisson_upper(k, 0.90), 3) for k in range(3)] == [2.303, 3.890, 5.322]
    assert [round(stats.poisson_upper(k, 0.95), 3) for k in range(3)] == [2.996, 4.744, 6.296]


def test_the_dollar_error_projection_matches_a_hand_example() -> None:
    """Interval $1,000. A $2,500 item (certain) with $100 wrong counts as $100; a $500 item
    wholly wrong (tainting 1) and a $200 item $50 wrong (0.25) project 1,000 and 250; a clean
    $300 item nothing: projected $1,350. Upper limit at 90 %: 100 + 1,000 x 2.3026 +
    1 x 1,000 x (3.8897 - 2.3026) + 0.25 x 1,000 x (5.3223 - 3.8897) = $4,347.87."""
    found = [stats.Found(Decimal("2500"), Decimal("100")), stats.Found(Decimal("500"),
                                                                       Decimal("500")),
             stats.Found(Decimal("200"), Decimal("50")), stats.Found(Decimal("300"), Decimal(0))]
    result = stats.mus_projection(found, Decimal("1000"), 0.90)
    assert result.projected == Decimal("1350.00")
    assert result.certain_errors == Decimal("100.00")
    assert result.taintings == [Decimal("1.0000"), Decimal("0.2500")]
    assert result.basic_precision == Decimal("2302.59")
    assert abs(result.upper_limit - Decimal("4347.87")) <= Decimal("0.02")


def test_a_clean_sample_still_has_an_upper_limit_its_basic_precision() -> None:
    result = stats.mus_projection([stats.Found(Decimal("80"), Decimal(0))], Decimal("200"))
    assert (result.projected, result.upper_limit) == (Decimal("0.00"), Decimal("460.52"))
