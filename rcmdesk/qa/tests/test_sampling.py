"""Sampling without the database: reproducible from the seed, at the plan's rates."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from rcmdesk.calendar import parse_week, week_of
from rcmdesk.qa.sampling import (
    Rates,
    Specialist,
    Standing,
    draw,
    sample_size,
    standing,
)

RATES = Rates(base=Decimal("5"), new_specialist=Decimal("20"), after_failure=Decimal("25"),
              minimum_per_week=3)


def synthetic_week() -> list[Specialist]:
    """10 specialists x 200 done items over two workflows: two new, one after a failure,
    and one who finished only two items (below the minimum)."""
    people = []
    next_id = 1
    for user_id in range(1, 11):
        count = 2 if user_id == 10 else 200
        ids = list(range(next_id, next_id + count))
        next_id += count
        state = {3: Standing.NEW, 4: Standing.NEW, 7: Standing.AFTER_FAILURE}.get(
            user_id, Standing.BASE)
        people.append(Specialist(user_id, {"ar_followup": ids[::2], "denials": ids[1::2]},
                                 state))
    return people


def test_the_same_seed_draws_the_same_items_and_another_seed_others() -> None:
    week = synthetic_week()
    first = draw(week, RATES, seed=424242).item_ids
    again = draw(list(reversed(week)), RATES, seed=424242).item_ids
    assert first == again
    assert draw(week, RATES, seed=424243).item_ids != first


def test_each_specialists_share_over_many_seeds_is_within_a_point_of_their_rate() -> None:
    week = synthetic_week()
    shares: dict[int, list[float]] = {p.user_id: [] for p in week if p.completed >= 200}
    seeds = random.Random(7).sample(range(2**40), 200)
    for seed in seeds:
        picked = draw(week, RATES, seed)
        for stratum_owner in shares:
            n = sum(len(s.sampled) for s in picked.strata if s.specialist_id == stratum_owner)
            shares[stratum_owner].append(n / 200)
    expected = {Standing.BASE: 0.05, Standing.NEW: 0.20, Standing.AFTER_FAILURE: 0.25}
    for person in week:
        if person.user_id not in shares:
            continue
        mean = sum(shares[person.user_id]) / len(seeds)
        assert abs(mean - expected[person.standing]) < 0.01, (person.user_id, mean)
        # and each single draw stays within one item per workflow of the exact share
        assert all(abs(s * 200 - expected[person.standing] * 200) <= 2
                   for s in shares[person.user_id])


def test_the_weekly_minimum_is_met_or_everything_is_taken_when_fewer() -> None:
    rates = Rates(Decimal("1"), Decimal("1"), Decimal("1"), minimum_per_week=5)
    week = synthetic_week()
    for seed in range(50):
        picked = draw(week, rates, seed)
        per_person: dict[int, int] = {}
        for stratum in picked.strata:
            per_person[stratum.specialist_id] = (per_person.get(stratum.specialist_id, 0)
                                                 + len(stratum.sampled))
        assert per_person[10] == 2  # only two completed: both
        assert all(per_person[u] >= 5 for u in range(1, 10))


def test_picked_items_belong_to_their_specialist_and_workflow_without_repeats() -> None:
    week = synthetic_week()
    picked = draw(week, RATES, seed=99)
    owners = {(p.user_id, wf): set(ids) for p in week for wf, ids in p.items_by_workflow.items()}
    for stratum in picked.strata:
        assert set(stratum.sampled) <= owners[(stratum.specialist_id, stratum.workflow)]
    assert len(picked.item_ids) == len(set(picked.item_ids))


def test_sample_size_rounds_up_as_often_as_the_fraction_says() -> None:
    rng = random.Random(1)
    sizes = [sample_size(30, Decimal("5"), rng) for _ in range(4000)]  # 1.5 expected
    assert set(sizes) == {1, 2}
    assert abs(sum(sizes) / len(sizes) - 1.5) < 0.05


def test_the_strictest_applicable_rate_wins() -> None:
    assert standing(RATES, is_new=True, failed_recently=True) is Standing.AFTER_FAILURE
    assert standing(RATES, is_new=True, failed_recently=False) is Standing.NEW
    assert standing(RATES, is_new=False, failed_recently=False) is Standing.BASE


def test_weeks_are_iso_weeks() -> None:
    monday, next_monday = parse_week("2026-W47")
    assert (monday.isoformat(), next_monday.isoformat()) == ("2026-11-16", "2026-11-23")
    assert week_of(monday) == "2026-W47"
    with pytest.raises(ValueError, match="ISO week"):
        parse_week("2026-47")
