"""Accuracy that proves something: the share of audited items found right, with its
confidence interval and sample size (``stats.proportion_interval``, Wilson).

One definition, used by the QA pages, the weekly report, the KPI engine's ``qa_accuracy``
and service levels: an audited item is **right** when no scored point failed and **wrong**
when at least one did (an item is right or wrong; that is the proportion an interval is
about). Its score (points passed / points scored) is below 1 exactly when a point failed,
so the definition reads the audit row alone. An audit whose every point was n/a has no score
and checked nothing: it counts in neither. Audits count in the period they were completed
(``completed_at`` in [start, end)).

No finite-population correction here: a period spans several draws, each from its own
week's population, so the plain (wider, safer) interval is given; a single draw's
population is known and ``stats`` corrects for it where a draw is described.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from rcmdesk.qa import stats
from rcmdesk.qa.models import Audit, AuditStatus, SampleDraw, SamplingMethod

ONE_PLACE = Decimal("0.1")
WRONG = Q(score__lt=1)  # a point failed (module doc)


@dataclass(frozen=True)
class Estimate:
    """Accuracy in percent (one place) with its bounds at ``confidence``; None when nothing
    was audited."""

    audits: int
    errors: int
    accuracy: Decimal | None
    low: Decimal | None
    high: Decimal | None
    confidence: Decimal

    @property
    def confidence_percent(self) -> Decimal:
        return (self.confidence * 100).quantize(Decimal(1))


def _percent(fraction: float) -> Decimal:
    return (Decimal(repr(fraction)) * 100).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def estimate(audits: int, errors: int, confidence: Decimal = Decimal("0.90"),
             population: int | None = None) -> Estimate:
    """The estimate from counts (the one place counts become percentages)."""
    if audits <= 0:
        return Estimate(0, 0, None, None, None, confidence)
    interval = stats.proportion_interval(audits - errors, audits, float(confidence), population)
    return Estimate(audits, errors, _percent(interval.estimate), _percent(interval.low),
                    _percent(interval.high), confidence)


def scored(audits: QuerySet[Audit]) -> QuerySet[Audit]:
    """The audits that count: completed, with at least one point scored pass or fail."""
    return audits.filter(status=AuditStatus.DONE, score__isnull=False)


def counts(audits: QuerySet[Audit]) -> tuple[int, int]:
    """(audits, errors) of ``audits`` as the module's doc defines them."""
    row = scored(audits).aggregate(n=Count("pk"), wrong=Count("pk", filter=WRONG))
    return int(row["n"]), int(row["wrong"])


def accuracy(client_id: int, start: datetime, end: datetime, *,
             engagement_id: int | None = None, workflow: str | None = None,
             specialist_id: int | None = None,
             confidence: Decimal = Decimal("0.90")) -> Estimate:
    """Accuracy of the client's audits completed in [start, end), optionally of one
    engagement (the plan's), workflow or specialist. A domain read for reports and service
    levels (no viewer: pages narrow by ``queries.audits(user)`` and call ``grouped``)."""
    audits = Audit.objects.filter(client_id=client_id, completed_at__gte=start,
                                  completed_at__lt=end)
    if engagement_id is not None:
        audits = audits.filter(draw__plan__engagement_id=engagement_id)
    if workflow:
        audits = audits.filter(workflow=workflow)
    if specialist_id is not None:
        audits = audits.filter(specialist_id=specialist_id)
    return estimate(*counts(audits), confidence=confidence)


@dataclass(frozen=True)
class Row:
    """One group's estimate, with what names it on a page."""

    key: dict[str, Any]
    estimate: Estimate


def grouped(audits: QuerySet[Audit], by: Sequence[str],
            confidence: Decimal = Decimal("0.90")) -> list[Row]:
    """One estimate per distinct value of the ``by`` fields, in one query."""
    rows = (scored(audits).order_by().values(*by)
            .annotate(n=Count("pk"), wrong=Count("pk", filter=WRONG)).order_by(*by))
    return [Row({f: r[f] for f in by}, estimate(r["n"], r["wrong"], confidence))
            for r in rows]


# --- dollars: monetary-unit draws ----------------------------------------------------------

@dataclass(frozen=True)
class DollarProjection:
    draw: SampleDraw
    scored: int
    sampled: int
    projection: stats.Projection | None  # None until every audit of the draw is scored


def dollar_error(audit: Audit) -> Decimal:
    """What the auditor found wrong in dollars; without a figure, a failed audit puts the
    item's whole amount in error (the cautious reading) and a passed one nothing."""
    if audit.misstatement is not None:
        return audit.misstatement
    return abs(audit.item.amount) if audit.score is not None and audit.score < 1 else Decimal(0)


def projection(draw: SampleDraw, audits: QuerySet[Audit],
               confidence: Decimal = Decimal("0.90")) -> DollarProjection:
    """A monetary-unit draw's dollar error projected to its population, once every audit
    of the draw is scored (an unscored item is not an item without error: projecting early
    would understate the limit); until then the page says how many of how many."""
    if draw.design.get("method") != SamplingMethod.MONETARY:
        raise ValueError("only a monetary-unit draw projects dollars")
    done = list(audits.filter(draw=draw, status=AuditStatus.DONE).select_related("item"))
    amounts = draw.design.get("amounts", {})
    found = [stats.Found(Decimal(amounts.get(str(a.item_id), abs(a.item.amount))),
                         dollar_error(a)) for a in done]
    result = (stats.mus_projection(found, Decimal(draw.design["interval"]), float(confidence))
              if done and len(done) >= draw.sampled else None)
    return DollarProjection(draw, len(done), draw.sampled, result)


# --- one draw: strata weighted by their populations -----------------------------------------

def draw_estimate(draw: SampleDraw, confidence: Decimal = Decimal("0.90")) -> Estimate:
    """A draw's accuracy with its strata (specialist x workflow) weighted by their share of
    the week's population (``stats.stratified``, with each stratum's finite-population
    correction), from its audits scored so far: a stratum sampled at 20 % (a new
    specialist) does not weigh four times its share. Strata with nothing scored yet are left
    out (and the estimate says over how many audits)."""
    rows = (scored(Audit.objects.filter(draw=draw)).order_by()
            .values("specialist_id", "workflow")
            .annotate(n=Count("pk"), wrong=Count("pk", filter=WRONG)))
    found = {(r["specialist_id"], r["workflow"]): (r["n"], r["wrong"]) for r in rows}
    strata = []
    for uid, person in draw.counts.items():
        for workflow, recorded in person.get("workflows", {}).items():
            n, wrong = found.get((int(uid), workflow), (0, 0))
            strata.append(stats.Stratum(len(recorded.get("population", [])), n, n - wrong))
    audits = sum(s.sampled for s in strata)
    if not audits:
        return Estimate(0, 0, None, None, None, confidence)
    result = stats.stratified(strata, float(confidence))
    return Estimate(audits, sum(s.sampled - s.successes for s in strata),
                    _percent(result.estimate), _percent(result.interval.low),
                    _percent(result.interval.high), confidence)
