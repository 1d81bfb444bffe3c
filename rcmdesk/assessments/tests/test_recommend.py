"""Ranking, the proposal's branches and the reasoning's numbers (rows made by hand)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from rcmdesk.assessments.capacity import WorkflowCapacity
from rcmdesk.assessments.recommend import Proposal, dollars, propose, recommend
from rcmdesk.assessments.tests.factories import sample_assessed
from rcmdesk.assessments.work import WorkType

AS_OF = date(2026, 11, 23)
SMALL = "1.00"  # backlog hours any steady-state model clears within the weeks


def row(workflow: str = "denials", *, expected: str = "206150.00", hours: str = "620.00",
        fte: str = "0.80", to_clear: int = 1, steady: int = 1, items: int = 1240,
        weekly_hours: str = "24.00") -> WorkflowCapacity:
    hours_d, expected_d = Decimal(hours), Decimal(expected)
    return WorkflowCapacity(
        workflow=workflow, works=(WorkType.DENIALS,), items=items,
        dollars=Decimal("500000.00"), recoverable=expected_d * 2, expected=expected_d,
        hours_to_clear=hours_d, arrivals_per_week=Decimal("95.00"),
        steady_hours_per_week=Decimal(weekly_hours),
        yield_per_hour=(expected_d / hours_d).quantize(Decimal("0.01")) if hours_d
        else Decimal("0.00"),
        to_clear=to_clear, steady_fte=Decimal(fte), steady=steady, weeks=8)


def proposed(capacity: WorkflowCapacity) -> Proposal:
    return propose(capacity, as_of=AS_OF, weeks=8, hours_per_day=Decimal("6.00"))


def test_workflows_are_ranked_by_yield_per_hour_and_a_tie_goes_to_the_larger_dollars() -> None:
    small = row("posting", expected="1000.00", hours="10.00")  # $100 an hour
    large = row("ar_followup", expected="5000.00", hours="50.00")  # $100 an hour, more
    best = row("denials", expected="3000.00", hours="10.00")  # $300 an hour
    ranked = recommend((small, large, best), as_of=AS_OF, weeks=8,
                       hours_per_day=Decimal(6)).ranking
    assert [r.workflow for r in ranked] == ["denials", "ar_followup", "posting"]


def test_the_first_workflow_is_the_best_one_with_something_to_recover() -> None:
    nothing = row("posting", expected="0.00", hours="0.00", items=0)
    some = row("ar_followup", expected="50.00", hours="10.00")
    advice = recommend((nothing, some), as_of=AS_OF, weeks=8, hours_per_day=Decimal(6))
    assert advice.first == "ar_followup"
    assert advice.proposal is not None
    none = recommend((nothing,), as_of=AS_OF, weeks=8, hours_per_day=Decimal(6))
    assert (none.first, none.proposal) == ("", None)
    assert "no proposal" in none.reasoning[-1]


def test_a_backlog_needing_more_than_steady_state_is_proposed_as_a_clean_up_with_a_date() -> None:
    proposal = proposed(row(to_clear=4, steady=1, fte="0.80"))
    assert proposal.model == "backlog_cleanup"
    assert proposal.specialists == 4
    assert proposal.target_date == date(2027, 1, 18)  # 8 weeks after 11/23/2026
    assert (proposal.cleanup_items, proposal.cleanup_dollars) == (1240, Decimal("500000.00"))
    assert (proposal.then_model, proposal.then_specialists) == ("dedicated", 1)


def test_a_small_steady_state_is_monthly_support_in_hours_rounded_up_to_five() -> None:
    # 9 h a week x 52 / 12 = 39 h a month -> 40
    proposal = proposed(row(fte="0.30", weekly_hours="9.00", hours=SMALL))
    assert (proposal.model, proposal.monthly_hours) == ("monthly_support", Decimal(40))
    assert proposal.target_date is None


def test_half_to_a_week_and_a_quarter_is_one_dedicated_specialist() -> None:
    assert proposed(row(fte="0.50", hours=SMALL)).model == "dedicated"
    top = proposed(row(fte="1.25", hours=SMALL))
    assert (top.model, top.specialists) == ("dedicated", 1)


def test_above_a_week_and_a_quarter_is_a_managed_pod_of_whole_specialists() -> None:
    proposal = proposed(row(fte="2.30", steady=3, to_clear=3, hours=SMALL))
    assert (proposal.model, proposal.specialists) == ("managed_pod", 3)


def test_a_backlog_the_steady_state_model_has_no_hours_for_is_cleaned_up_first() -> None:
    """Monthly support is sized to the new items: 9 h a week bought as 40 h a month leaves
    about 0.2 h a week, nowhere near 620 h in 8 weeks, though one specialist would do."""
    proposal = proposed(row(fte="0.30", weekly_hours="9.00", to_clear=1, steady=1))
    assert proposal.model == "backlog_cleanup"
    assert (proposal.then_model, proposal.then_monthly_hours) == ("monthly_support",
                                                                   Decimal(40))


def test_the_reasoning_shows_each_step_with_its_numbers() -> None:
    lines = sample_assessed().recommendation.reasoning
    assert lines[0] == ("Denials: $412,300.00 still appealable x 50% expected recovery = "
                        "$206,150.00 over 1,240 denials x 0.50 h = 620.0 h: $332.50 per "
                        "specialist-hour")
    ranked = next(line for line in lines if line.startswith("Ranked first"))
    assert ranked.startswith("Ranked first of 4 workflows")
    assert "Denials at $332.50" in ranked
    assert "AR follow-up $250.72" in ranked
    staffing = next(line for line in lines if line.startswith("Clearing"))
    assert staffing == ("Clearing 1,240 items plus 95 arriving a week within 8 weeks takes 5 "
                        "specialists; holding 95 a week takes 1.58 (a managed pod of 2 "
                        "specialists)")
    assert lines[-1] == ("Proposal: a fixed-scope backlog clean-up of Denials (1,240 denials, "
                         "$500,000.00) by 01/18/2027 with 5 specialists (about 620.0 hours "
                         "of work), then a managed pod of 2 specialists.")


def test_a_blended_workflow_reads_its_blended_percent_and_hours() -> None:
    line = next(x for x in sample_assessed().recommendation.reasoning
                if x.startswith("AR follow-up"))
    assert "x 69.6% expected recovery = $87,000.00" in line
    assert "1,000 items x 0.35 h = 347.0 h: $250.72" in line


def test_the_steady_state_alone_reads_as_its_model() -> None:
    advice = recommend((replace(row(fte="0.30", weekly_hours="9.00", hours=SMALL),
                                to_clear=1, steady=1),),
                       as_of=AS_OF, weeks=8, hours_per_day=Decimal(6))
    assert advice.reasoning[-1] == "Proposal: Denials with monthly support, 40 hours a month."


def test_money_reads_as_a_billing_office_writes_it() -> None:
    assert dollars(Decimal("1234567.5")) == "$1,234,567.50"
    assert dollars(Decimal("-40")) == "($40.00)"
    assert dollars(Decimal("0.005")) == "$0.01"
