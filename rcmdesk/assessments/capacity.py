"""Specialists each workflow needs: clear the backlog within N weeks, then hold steady state.

Pure Python over the findings (``figures``) and ``capacity.planner`` (the product's validated
planner: its fluid forecast for the burn-down, ``specialists_needed`` for the numbers), so
the page's what-if on N weeks recomputes in milliseconds from stored findings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from rcmdesk.assessments.figures import Backlog, Findings
from rcmdesk.assessments.work import WORKFLOW, WorkType
from rcmdesk.capacity import planner
from rcmdesk.tenancy.roles import Workflow

CENT = Decimal("0.01")
WORKDAYS_PER_WEEK = 5
STEADY_HORIZON_DAYS = 28  # the planner's own horizon for its for-SLA answer
# The workflows an assessment's backlog falls into, in the product's Workflow order.
WORKFLOWS: tuple[str, ...] = tuple(w.value for w in Workflow if w.value in set(WORKFLOW.values()))


@dataclass(frozen=True)
class HandleHours:
    """Hours per item of one kind and where the number comes from, in words."""

    work: WorkType
    hours: Decimal
    source: str  # "measured" / "default" / "set for this assessment"
    basis: str  # e.g. "over 212 closed denial items in the last 8 weeks"


@dataclass(frozen=True)
class WorkflowCapacity:
    """One workflow (``Workflow`` value) of the assessment: its backlog, what working it
    yields per specialist-hour, and the specialists it needs."""

    workflow: str
    works: tuple[WorkType, ...]  # the kinds of item it holds
    items: int  # open items now
    dollars: Decimal  # open dollars now
    recoverable: Decimal  # still recoverable (figures' definition)
    expected: Decimal  # recoverable x each kind's recovery percent
    hours_to_clear: Decimal  # items x handle hours (the backlog alone)
    arrivals_per_week: Decimal  # items
    steady_hours_per_week: Decimal  # arrivals x handle hours
    yield_per_hour: Decimal  # expected / hours_to_clear (0 when nothing to clear)
    to_clear: int  # specialists to clear backlog + arrivals within the weeks asked
    steady_fte: Decimal  # specialists holding arrivals alone (a fraction)
    steady: int  # whole specialists for steady state (planner: touched within SLA)
    weeks: int


def plan(findings: Findings, handle: dict[WorkType, HandleHours],
         recovery: dict[WorkType, Decimal], *, weeks: int, hours_per_day: Decimal,
         ) -> tuple[WorkflowCapacity, ...]:
    """One row per workflow with a backlog or arrivals, in ``Workflow`` order.

    Money and hours are exact Decimals (the report adds them up); only the staffing
    answers go through the planner's floats, converted once and rounded to cents."""
    rows = []
    for workflow in WORKFLOWS:
        backlogs = _backlogs(findings, workflow)
        items = sum(b.open.count for b in backlogs)
        arrivals = _cents(sum((b.arrivals_per_week for b in backlogs), Decimal(0)))
        if not items and not arrivals:
            continue
        hours = _cents(sum((b.open.count * handle[b.work].hours for b in backlogs), Decimal(0)))
        expected = _cents(sum((b.recoverable.dollars * recovery[b.work] / 100
                               for b in backlogs), Decimal(0)))
        steady_hours = _cents(sum((b.arrivals_per_week * handle[b.work].hours
                                   for b in backlogs), Decimal(0)))
        model = _arrivals(backlogs, findings.as_of)
        staffing = planner.Staffing(1.0, float(hours_per_day))
        clear = planner.specialists_needed(
            model, _mean_hours(backlogs, handle, weeks), staffing, float(items),
            findings.as_of, horizon_days=7 * weeks).to_clear_backlog
        steady = 0
        if arrivals and steady_hours:
            steady = planner.specialists_needed(
                model, float(steady_hours / arrivals), staffing, 0.0, findings.as_of,
                horizon_days=STEADY_HORIZON_DAYS).for_sla
        rows.append(WorkflowCapacity(
            workflow=workflow, works=tuple(b.work for b in backlogs), items=items,
            dollars=_cents(sum((b.open.dollars for b in backlogs), Decimal(0))),
            recoverable=_cents(sum((b.recoverable.dollars for b in backlogs), Decimal(0))),
            expected=expected, hours_to_clear=hours, arrivals_per_week=arrivals,
            steady_hours_per_week=steady_hours,
            yield_per_hour=_cents(expected / hours) if hours else _cents(Decimal(0)),
            to_clear=clear,
            steady_fte=_cents(steady_hours / (hours_per_day * WORKDAYS_PER_WEEK))
            if hours_per_day else _cents(Decimal(0)),
            steady=steady, weeks=weeks))
    return tuple(rows)


def burndown(row: WorkflowCapacity, findings: Findings, handle: dict[WorkType, HandleHours],
             specialists: float, *, start: date, weeks: int, hours_per_day: Decimal,
             ) -> tuple[tuple[date, Decimal, Decimal], ...]:
    """(day, backlog left under ``specialists``, the ideal straight line to zero at
    ``weeks``): today's backlog first, then each week's end, from the planner's fluid
    forecast (a line that starts from the backlog, not from the first week's remainder)."""
    backlogs = _backlogs(findings, row.workflow)
    ages: list[int] = []
    for b in backlogs:
        # the items' ages when measured; a hand-made backlog without them counts as new
        ages.extend(b.ages if len(b.ages) == b.open.count else (0,) * b.open.count)
    days = planner.forecast(_arrivals(backlogs, start), _mean_hours(backlogs, handle, weeks),
                            planner.Staffing(specialists, float(hours_per_day)), ages, start,
                            days=7 * weeks).days
    now = _cents(Decimal(row.items))
    out = [(start, now, now)]
    for week in range(1, weeks + 1):
        day = days[7 * week - 1]
        ideal = Decimal(row.items) * (weeks - week) / weeks
        out.append((day.day, _cents(Decimal(repr(day.backlog))), _cents(ideal)))
    return tuple(out)


def _backlogs(findings: Findings, workflow: str) -> list[Backlog]:
    return [b for b in findings.backlog if WORKFLOW[b.work] == workflow]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _mean_hours(backlogs: Sequence[Backlog], handle: dict[WorkType, HandleHours],
                weeks: int) -> float:
    """Hours per item over everything to be done within ``weeks`` (the backlog and the
    weeks' arrivals, each item at its kind's hours), so the planner's single mean gives
    the same total hours as adding up kind by kind."""
    weights = {b.work: b.open.count + b.arrivals_per_week * weeks for b in backlogs}
    total = sum(weights.values(), Decimal(0))
    if not total:
        return float(max((handle[b.work].hours for b in backlogs), default=Decimal(0)))
    return float(sum((w * handle[k].hours for k, w in weights.items()), Decimal(0)) / total)


def _arrivals(backlogs: Sequence[Backlog], start: date) -> planner.ArrivalModel:
    """The planner's arrival model over the workflow's kinds, day by day, held at its
    current level: a trend fitted on 12 weeks is not carried over a horizon of up to a year
    (and so more weeks never ask for more specialists)."""
    per_day: dict[date, int] = defaultdict(int)
    for b in backlogs:
        for day, n in b.daily_arrivals:
            per_day[day] += n
    if not per_day:
        weekly = sum((b.arrivals_per_week for b in backlogs), Decimal(0))
        return planner.ArrivalModel(origin=start, level=float(weekly) / 7, slope=0.0)
    first, last = min(per_day), max(per_day)
    counts = [(first + timedelta(days=i), per_day.get(first + timedelta(days=i), 0))
              for i in range((last - first).days + 1)]
    fitted = planner.fit_arrivals(counts, start=start)
    level = sum(n for _, n in counts) / len(counts)
    return planner.ArrivalModel(origin=fitted.origin, level=level, slope=0.0, dow=fitted.dow)

