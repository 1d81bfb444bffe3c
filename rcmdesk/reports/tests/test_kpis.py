"""Each KPI against the hand-computed world in ``kpi_world`` (its docstring has the sums)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rcmdesk.conftest import World
from rcmdesk.reports import kpis
from rcmdesk.reports.tests.kpi_world import WEEK, KpiWorld, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def kw(world: World) -> KpiWorld:
    return build(world)


def values(kw: KpiWorld, **filters: object) -> dict[str, Decimal | None]:
    return {k.key: k.value for k in kpis.weekly_kpis(kw.client.pk, WEEK, **filters)}  # type: ignore[arg-type]


def test_every_kpi_matches_the_hand_computed_week(kw: KpiWorld) -> None:
    assert values(kw) == {
        "days_in_ar": Decimal("150.0"), "days_in_ar_gross": Decimal("135.0"),
        "ar_over_90_pct": Decimal("88.9"), "ar_over_120_pct": Decimal("66.7"),
        "gross_collection_rate": Decimal("60.0"), "net_collection_rate": Decimal("70.6"),
        "denial_rate_count": Decimal("50.0"), "denial_rate_dollars": Decimal("60.0"),
        "clean_claim_rate": Decimal("90.0"), "first_pass_resolution_rate": Decimal("50.0"),
        "denial_overturn_rate": Decimal("50.0"), "avg_days_to_pay": Decimal("10.0"),
        "posting_lag_days": Decimal("0.1"), "items_worked": Decimal(2),
        "items_closed": Decimal(3), "touches_per_claim": Decimal("1.00"),
        "qa_accuracy": Decimal("50.0"),  # one of two audited items had a failed point
    }


def test_each_kpi_carries_its_formula_and_benchmark_and_is_judged_against_it(
        kw: KpiWorld) -> None:
    by_key = {k.key: k for k in kpis.weekly_kpis(kw.client.pk, WEEK)}
    assert "net patient service revenue" in by_key["days_in_ar"].formula
    assert "practice variant" in by_key["days_in_ar_gross"].formula
    assert by_key["days_in_ar"].benchmark == "30-40 days"
    assert by_key["days_in_ar"].good is False
    assert by_key["posting_lag_days"].good is True
    assert all(k.formula for k in by_key.values())


def test_a_payer_filter_narrows_the_ledger_and_remit_kpis(kw: KpiWorld) -> None:
    """Payer A: A/R 150 (C1 50 + C3 100), 90-day net revenue 270 → 50.0 days; its only remit
    was paid → 0.0% denied; work on C3 only → 1 item worked."""
    got = values(kw, payer_id=kw.payer_a.pk)
    assert got["days_in_ar"] == Decimal("50.0")
    assert got["denial_rate_count"] == Decimal("0.0")
    assert got["items_worked"] == Decimal(1)


def test_a_workflow_filter_narrows_the_work_kpis(kw: KpiWorld) -> None:
    """Denials workflow: D1 claimed (bookkeeping, not a touch) and appealed on one claim;
    nothing closed; no denials audits."""
    got = values(kw, workflow="denials")
    assert got["items_worked"] == Decimal(1)
    assert got["touches_per_claim"] == Decimal("1.00")
    assert got["items_closed"] == Decimal(0)
    assert got["qa_accuracy"] is None


def test_a_week_with_nothing_to_divide_shows_no_value_rather_than_zero(kw: KpiWorld) -> None:
    got = {k.key: k.value for k in kpis.weekly_kpis(kw.client.pk, "2026-W40")}
    assert got["denial_rate_count"] is None
    assert got["clean_claim_rate"] is None


def test_the_trend_gives_thirteen_weeks_oldest_first_ending_with_the_week(kw: KpiWorld) -> None:
    trend = kpis.kpi_trend(kw.client.pk, WEEK, 13)
    points = trend["clean_claim_rate"]
    assert points[0][0] == "2026-W35"
    assert points[-1] == (WEEK, Decimal("90.0"))
    assert dict(points)["2026-W46"] == Decimal("0.0")  # the 0-of-5 run on 10 November
    assert trend["days_in_ar"][-1] == (WEEK, Decimal("150.0"))


def test_aging_buckets_billed_ar_by_days_since_service(kw: KpiWorld) -> None:
    """22 Nov: C1 12 days ($50), C3 104 days ($100), C2 144 days ($300); total 450."""
    rows = {r["bucket"]: (r["dollars"], r["percent"])
            for r in kpis.aging(kw.client.pk, date(2026, 11, 22))}
    assert rows == {"0-30": (Decimal("50.00"), Decimal("11.1")),
                    "31-60": (Decimal("0.00"), Decimal("0.0")),
                    "61-90": (Decimal("0.00"), Decimal("0.0")),
                    "91-120": (Decimal("100.00"), Decimal("22.2")),
                    "120+": (Decimal("300.00"), Decimal("66.7"))}


def test_top_denial_causes_rank_categories_by_dollars(kw: KpiWorld) -> None:
    assert kpis.top_denial_causes(kw.client.pk, WEEK) == [
        {"category": "authorization", "items": 1, "dollars": Decimal("300.00")},
        {"category": "coding", "items": 1, "dollars": Decimal("40.00")}]


def test_outcomes_and_days_to_pay_by_payer(kw: KpiWorld) -> None:
    assert kpis.outcomes(kw.client.pk, WEEK) == [
        {"close_reason": "paid", "items": 3, "dollars": Decimal("100.00")}]
    by_payer = kpis.days_to_pay_by_payer(kw.client.pk, WEEK)
    assert [(r["payer"], r["claims"], r["days"]) for r in by_payer] == [
        ("Payer A", 1, Decimal("10.0"))]


def test_the_week_and_its_trend_from_one_pass_agree_with_the_two_calls(kw: KpiWorld) -> None:
    current, trend = kpis.week_and_trend(kw.client.pk, WEEK, 4)
    assert [(k.key, k.value) for k in current] == [
        (k.key, k.value) for k in kpis.weekly_kpis(kw.client.pk, WEEK)]
    assert trend == kpis.kpi_trend(kw.client.pk, WEEK, 4)
