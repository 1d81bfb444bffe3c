"""QA's writes: plans (client admins), draws and scores (partner QA), acknowledgements
(the specialist). Each change and its audit event commit together.

Drawing loads the week's population, hands it to ``sampling`` with a seed it records, and
turns the picked items into audits (with the checklist frozen from the SOP version the item
was worked under) and QA_AUDIT work items. Submitting scores closes the QA item; any failed
point sends a QA_FEEDBACK item to the specialist, who closes it by acknowledging.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.audit.services import record
from rcmdesk.calendar import day_start, parse_week
from rcmdesk.qa import checklists, sampling, stats
from rcmdesk.qa.models import (
    MONEY_WORKFLOWS,
    Audit,
    AuditPoint,
    AuditStatus,
    PointResult,
    SampleDraw,
    SamplingMethod,
    SamplingPlan,
)
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Assignment, Engagement
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue.counts import QA_KINDS
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkAction, WorkItem
from rcmdesk.workqueue.producers.common import SLA
from rcmdesk.workqueue.services import record_event

PLAN_FIELDS = ("workflow", "base_percent", "new_specialist_percent", "new_specialist_days",
               "after_failure_percent", "after_failure_weeks", "minimum_per_week", "method",
               "precision_points", "confidence_percent", "expected_error_percent", "active")


class QaProblem(errors.Invalid):
    """A request QA cannot honour as asked (shown to the user as is)."""


# --- plans ---------------------------------------------------------------------------------

def save_plan(engagement: Engagement, values: dict[str, Any],
              plan: SamplingPlan | None = None, *, acting_user: Any) -> SamplingPlan:
    """Create or change a plan; the client owns QA expectations, so client admins only."""
    require(acting_user, Action.EDIT_PLAYBOOKS, engagement.client_id)
    if values.get("workflow") and values["workflow"] not in engagement.scope:
        raise QaProblem(f"{values['workflow']} is not in the engagement's scope.")
    _check_method(values, plan)
    stored = SamplingPlan.objects.get(pk=plan.pk) if plan else None  # a form may have
    before = _described(stored) if stored else {}                     # changed ``plan``
    target = plan or SamplingPlan(engagement=engagement, created_by=acting_user)
    for name in PLAN_FIELDS:
        if name in values:
            setattr(target, name, values[name])
    target.updated_at = timezone.now()
    try:
        with transaction.atomic():
            target.save()
            target.refresh_from_db()
            record("qa.plan.saved" if plan else "qa.plan.created",
                   client_id=engagement.client_id, obj=target, acting_user=acting_user,
                   detail={"before": before, "after": _described(target)})
    except IntegrityError as exc:
        raise QaProblem("There is already an active plan for that workflow.") from exc
    return target


def _check_method(values: dict[str, Any], plan: SamplingPlan | None) -> None:
    """A precision or monetary-unit plan states its precision; dollars decide only where
    the items are money (the posting workflow), so a monetary plan names that workflow."""
    def given(name: str) -> Any:
        return values[name] if name in values else getattr(plan, name, None)
    method = given("method") or SamplingMethod.PERCENT
    if method not in SamplingMethod.values:
        raise QaProblem(f"{method!r} is not a sampling method ({', '.join(SamplingMethod)}).")
    confidence, expected = given("confidence_percent"), given("expected_error_percent")
    if confidence is not None and not Decimal(50) <= confidence <= Decimal("99.9"):
        raise QaProblem("The confidence is between 50 % and 99.9 %.")
    if expected is not None and not Decimal(0) <= expected <= Decimal(100):
        raise QaProblem("The expected error rate is between 0 % and 100 %.")
    if method == SamplingMethod.PERCENT:
        return
    precision = given("precision_points")
    if precision is None:
        raise QaProblem("A plan sized for a precision needs the precision (+/- points).")
    if not Decimal("0.1") <= precision <= Decimal(50):
        raise QaProblem("The precision is between 0.1 and 50 points.")
    if method == SamplingMethod.MONETARY and given("workflow") not in MONEY_WORKFLOWS:
        raise QaProblem("Monetary-unit sampling is for money work: choose the posting "
                        "workflow.")


def planned_size(plan: SamplingPlan, population: int) -> stats.SampleSize | None:
    """The week's sample size a precision or monetary plan asks of ``population`` items
    (None for a fixed-percent plan, or an empty week)."""
    if plan.method == SamplingMethod.PERCENT or plan.precision_points is None or not population:
        return None
    return stats.sample_size(float(plan.precision_points / 100),
                             float(plan.confidence_percent / 100),
                             float(plan.expected_error_percent / 100), population)


def _size_design(size: stats.SampleSize, plan: SamplingPlan) -> dict[str, Any]:
    return {"method": str(plan.method), "n": size.n, "n0": round(size.n0, 4),
            "z": round(size.z, 6), "population": size.population,
            "precision_points": str(plan.precision_points),
            "confidence_percent": str(plan.confidence_percent),
            "expected_error_percent": str(plan.expected_error_percent), "how": size.how}


def _described(plan: SamplingPlan) -> dict[str, str]:
    return {f: str(getattr(plan, f)) for f in PLAN_FIELDS}


# --- drawing -------------------------------------------------------------------------------

def week_bounds(plan: SamplingPlan, week: str) -> tuple[datetime, datetime]:
    """The week's Monday-to-Monday in the engagement's time zone, as aware datetimes."""
    monday, next_monday = parse_week(week)
    zone = plan.engagement.time_zone
    return day_start(monday, zone), day_start(next_monday, zone)


def load_population(plan: SamplingPlan, week: str) -> list[sampling.Specialist]:
    """The partner's specialists' items closed in the week, by workflow, with standings.

    Items already audited under an earlier draw of the same week are left out (a redraw
    never audits an item twice); QA's own items are never sampled.
    """
    start, end = week_bounds(plan, week)
    rows = (WorkItem.objects.filter(
        client_id=plan.engagement.client_id, status=ItemStatus.DONE, closed_at__gte=start,
        closed_at__lt=end, workflow__in=plan.workflows(),
        assignee__organization_id=plan.engagement.partner_id)
        .exclude(kind__in=QA_KINDS).exclude(qa_audits__draw__plan=plan)
        .values_list("assignee_id", "workflow", "id"))
    items: dict[int, dict[str, list[int]]] = {}
    for user_id, workflow, item_id in rows:
        items.setdefault(user_id, {}).setdefault(workflow, []).append(item_id)
    rates = rates_of(plan)
    new = _new_specialists(plan, set(items), start)
    failed = _failed_recently(plan, set(items), start)
    return [sampling.Specialist(user_id, by_wf, sampling.standing(
        rates, is_new=user_id in new, failed_recently=user_id in failed))
        for user_id, by_wf in items.items()]


def rates_of(plan: SamplingPlan) -> sampling.Rates:
    return sampling.Rates(plan.base_percent, plan.new_specialist_percent,
                          plan.after_failure_percent, plan.minimum_per_week)


def _new_specialists(plan: SamplingPlan, user_ids: set[int], start: datetime) -> set[int]:
    """Started (assigned, or first completed an item for the client) within the plan's days."""
    since = start - timedelta(days=plan.new_specialist_days)
    first: dict[int, datetime] = {}
    for user_id, at in Assignment.objects.filter(
            engagement=plan.engagement, user_id__in=user_ids).values_list("user_id",
                                                                          "created_at"):
        first[user_id] = min(at, first.get(user_id, at))
    for user_id, at in (WorkItem.objects.filter(
            client_id=plan.engagement.client_id, assignee_id__in=user_ids,
            status=ItemStatus.DONE, closed_at__isnull=False).exclude(kind__in=QA_KINDS)
            .order_by().values("assignee_id").annotate(first=Min("closed_at"))
            .values_list("assignee_id", "first")):
        first[user_id] = min(at, first.get(user_id, at))
    return {u for u in user_ids if u in first and first[u] > since}


def _failed_recently(plan: SamplingPlan, user_ids: set[int], start: datetime) -> set[int]:
    since = start - timedelta(weeks=plan.after_failure_weeks)
    return set(Audit.objects.filter(
        draw__plan__engagement=plan.engagement, specialist_id__in=user_ids,
        status=AuditStatus.DONE, completed_at__gte=since, completed_at__lt=start,
        points__result=PointResult.FAIL).values_list("specialist_id", flat=True).distinct())


def draw_week(plan: SamplingPlan, week: str, *, acting_user: Any, seed: int | None = None,
              redraw: bool = False, reason: str = "", today: date | None = None) -> SampleDraw:
    """Draw a week once; a redraw is explicit, needs a new seed, and keeps the first draw.

    ``acting_user`` None is the scheduler's weekly draw (rcmdesk.scheduler.jobs): no person
    asks, so ``drawn_by`` stays empty, as a scheduled weekly report's ``generated_by`` does."""
    if acting_user is not None:
        require(acting_user, Action.AUDIT_QA, plan.engagement.client_id,
                Workflow(plan.workflow) if plan.workflow else None)
    if not plan.active:
        raise QaProblem("The plan is not active.")
    try:
        parse_week(week)
    except ValueError as exc:
        raise QaProblem(str(exc)) from None
    first = SampleDraw.objects.filter(plan=plan, week=week, redraw_of__isnull=True).first()
    if first is not None and not redraw:
        raise QaProblem(f"{week} is already drawn under this plan (seed {first.seed}); "
                        "a redraw needs a new seed, given explicitly, and a reason.")
    if redraw:
        _check_redraw(plan, week, first, seed, reason)
    seed = seed if seed is not None else secrets.randbits(63)
    specialists = load_population(plan, week)
    drawn, design = _drawn(plan, week, specialists, seed)
    try:
        with transaction.atomic():
            made = SampleDraw.objects.create(
                plan=plan, week=week, seed=seed, redraw_of=first if redraw else None,
                reason=reason[:300], drawn_by=acting_user, population_size=drawn.population,
                sampled=len(drawn.item_ids), counts=_counts(specialists, drawn), design=design)
            audits = _make_audits(made, drawn.item_ids, today or plan.engagement.today())
            record("qa.draw", client_id=plan.engagement.client_id, obj=made,
                   acting_user=acting_user,
                   detail={"week": week, "seed": seed, "population": drawn.population,
                           "sampled": len(audits), "redraw_of": made.redraw_of_id,
                           "method": str(plan.method), "n": design.get("n")})
    except IntegrityError as exc:
        raise QaProblem(f"{week} was drawn meanwhile, or seed {seed} was used.") from exc
    return made


def _drawn(plan: SamplingPlan, week: str, specialists: Sequence[sampling.Specialist],
           seed: int) -> tuple[sampling.Drawn, dict[str, Any]]:
    """The draw the plan's method makes, and what it records beyond the seed and population
    (``design``: empty for a fixed-percent plan, whose draws are as they always were)."""
    population = sum(p.completed for p in specialists)
    size = planned_size(plan, population)
    if size is None:
        return sampling.draw(specialists, rates_of(plan), seed), {}
    design = _size_design(size, plan)
    if plan.method == SamplingMethod.PRECISION:
        return sampling.draw(specialists, rates_of(plan), seed, total=size.n), design
    items = _money_items(plan, week, specialists)
    drawn, picked = sampling.draw_mus(items, size.n, seed)
    design.update({"amounts": {str(i.item_id): str(i.amount) for i in items},
                   "total": str(picked.total), "interval": str(picked.interval),
                   "start_units": picked.start_units,
                   "hits": {str(k): v for k, v in picked.hits.items()},
                   "left_out": picked.left_out})
    return drawn, design


def _money_items(plan: SamplingPlan, week: str,
                 specialists: Sequence[sampling.Specialist]) -> list[sampling.MoneyItem]:
    """The population's items with their dollars (the size of the amount: a refund or a
    reversal is as much money at risk as a payment)."""
    owner = {item_id: (p.user_id, wf) for p in specialists
             for wf, ids in p.items_by_workflow.items() for item_id in ids}
    amounts = dict(WorkItem.objects.filter(pk__in=owner).values_list("pk", "amount"))
    return [sampling.MoneyItem(item_id, uid, wf, abs(amounts[item_id]))
            for item_id, (uid, wf) in sorted(owner.items())]


def _check_redraw(plan: SamplingPlan, week: str, first: SampleDraw | None, seed: int | None,
                  reason: str) -> None:
    if first is None:
        raise QaProblem(f"{week} has not been drawn yet: draw it, not redraw.")
    if seed is None or not reason.strip():
        raise QaProblem("A redraw needs an explicit new seed and a reason.")
    if SampleDraw.objects.filter(plan=plan, week=week, seed=seed).exists():
        raise QaProblem(f"Seed {seed} was already used for {week}.")


def _counts(specialists: Sequence[sampling.Specialist],
            drawn: sampling.Drawn) -> dict[str, Any]:
    """What the draw needs to be re-run: per specialist, standing, rate, and per workflow
    the population and the picked ids."""
    out: dict[str, Any] = {}
    population = {p.user_id: p for p in specialists}
    for stratum in drawn.strata:
        person = out.setdefault(str(stratum.specialist_id), {
            "standing": str(drawn.standings[stratum.specialist_id]),
            "percent": str(drawn.rates[stratum.specialist_id]), "workflows": {}})
        ids = sorted(population[stratum.specialist_id].items_by_workflow[stratum.workflow])
        person["workflows"][stratum.workflow] = {"population": ids, "sampled": stratum.sampled}
    return out


def replay(made: SampleDraw) -> list[int]:
    """Re-run a recorded draw from its seed and population: equal to its audits' items."""
    rates = rates_of(made.plan)
    specialists = [sampling.Specialist(
        int(uid), {wf: v["population"] for wf, v in person["workflows"].items()},
        sampling.Standing(person["standing"])) for uid, person in made.counts.items()]
    method = made.design.get("method")
    if method == SamplingMethod.PRECISION:
        return sampling.draw(specialists, rates, made.seed, total=made.design["n"]).item_ids
    if method == SamplingMethod.MONETARY:
        amounts = made.design["amounts"]
        items = [sampling.MoneyItem(int(i), p.user_id, wf, Decimal(amounts[str(i)]))
                 for p in specialists for wf, ids in p.items_by_workflow.items() for i in ids]
        return sampling.draw_mus(items, made.design["n"], made.seed)[0].item_ids
    return sampling.draw(specialists, rates, made.seed).item_ids


def _make_audits(made: SampleDraw, item_ids: list[int], today: date) -> list[Audit]:
    items = (WorkItem.objects.filter(pk__in=item_ids).select_related("claim", "assignee")
             .order_by("pk"))
    return [_make_audit(made, item, today) for item in items]


def _make_audit(made: SampleDraw, item: WorkItem, today: date) -> Audit:
    if item.assignee is None:  # the population is items with an assignee
        raise QaProblem(f"Item {item.pk} has no specialist to audit.")
    version = checklists.version_for(item)
    audit = Audit.objects.create(draw=made, client_id=item.client_id, item=item,
                                 specialist=item.assignee, workflow=item.workflow,
                                 sop_version=version)
    AuditPoint.objects.bulk_create(
        AuditPoint(audit=audit, position=n, text=text[:500])
        for n, text in enumerate(checklists.checklist_for(version), start=1))
    audit.work_item = _new_item(
        audit, ItemKind.QA_AUDIT, f"qa:{audit.pk}", f"QA audit: {item.title}",
        today, assignee=None, detail={"audit_id": audit.pk, "item_id": item.pk,
                                      "week": made.week})
    audit.save(update_fields=["work_item"])
    return audit


def _new_item(audit: Audit, kind: ItemKind, source_key: str, title: str, today: date, *,
              assignee: Any, detail: dict[str, Any]) -> WorkItem:
    """A QA item in the audited item's workflow, so exactly its viewers see it."""
    item = audit.item
    now = timezone.now()
    made = WorkItem.objects.create(
        client_id=audit.client_id, workflow=audit.workflow, kind=kind, source_key=source_key,
        claim_id=item.claim_id, title=title[:200], category=item.category, detail=detail,
        amount=item.amount, due_on=SLA[kind].due_on(today), assignee=assignee,
        created_at=now, updated_at=now)
    WorkAction.objects.create(item=made, kind=ActionKind.CREATED, to_status=made.status,
                              note=f"QA audit #{audit.pk}", at=now)
    return made


# --- scoring -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PointScore:
    result: str  # PointResult value
    comment: str = ""


def accuracy(passes: int, fails: int) -> Decimal | None:
    """passes / (passes + fails), four places; n/a points count in neither."""
    if passes + fails == 0:
        return None
    return (Decimal(passes) / Decimal(passes + fails)).quantize(Decimal("0.0001"),
                                                                rounding=ROUND_HALF_UP)


def submit(audit: Audit, scores: Sequence[PointScore], summary: str = "",
           today: date | None = None, *, acting_user: Any,
           misstatement: Decimal | None = None) -> Audit:
    """Score every point once; a failed point needs a comment (it is the feedback).
    ``misstatement``: the dollars the auditor found wrong in the item (monetary-unit
    draws project it to the population); never more than the item's amount."""
    require(acting_user, Action.AUDIT_QA, audit.client_id, Workflow(audit.workflow))
    now = timezone.now()
    with transaction.atomic():
        locked: Audit = Audit.objects.select_for_update().select_related("item").get(pk=audit.pk)
        if locked.status != AuditStatus.PENDING:
            raise QaProblem("This audit has already been scored.")
        points = list(AuditPoint.objects.filter(audit=locked).order_by("position"))
        _check_scores(points, scores)
        for point, given in zip(points, scores, strict=True):
            point.result, point.comment = given.result, given.comment.strip()
        AuditPoint.objects.bulk_update(points, ["result", "comment"])
        fails = [p for p in points if p.result == PointResult.FAIL]
        passes = sum(p.result == PointResult.PASS for p in points)
        locked.score = accuracy(passes, len(fails))
        locked.status, locked.auditor, locked.completed_at = AuditStatus.DONE, acting_user, now
        locked.summary = summary.strip()
        locked.misstatement = _checked_misstatement(locked, misstatement)
        _close(locked.work_item_id, acting_user, "audited")
        if fails:
            locked.feedback_item = _feedback(locked, fails, today or locked.client.today())
        locked.save()
        record("qa.audit.submitted", client_id=locked.client_id, obj=locked,
               acting_user=acting_user,
               detail={"score": locked.score, "fails": [p.position for p in fails],
                       "feedback_item": locked.feedback_item_id,
                       "misstatement": locked.misstatement})
    return locked


def _checked_misstatement(audit: Audit, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if value < 0 or value > abs(audit.item.amount):
        raise QaProblem(f"The dollars in error are between $0.00 and the item's "
                        f"${abs(audit.item.amount):,.2f}.")
    return value.quantize(Decimal("0.01"))


class ScoreProblem(QaProblem):
    """Points not scored as the checklist needs; ``points`` maps each point's position to
    what is missing, so a page can mark every one at once and keep the rest as given."""

    def __init__(self, points: dict[int, str]) -> None:
        self.points = points
        first, why = next(iter(points.items()))
        super().__init__(f"Point {first}: {why}" if len(points) == 1 else
                         f"Points {', '.join(str(n) for n in points)} need an answer: "
                         "each point is marked below.")

    def facts(self) -> dict[str, object]:
        return {"points": {str(n): why for n, why in self.points.items()}}


def _check_scores(points: list[AuditPoint], scores: Sequence[PointScore]) -> None:
    if len(scores) != len(points):
        raise QaProblem(f"Score all {len(points)} points (got {len(scores)}).")
    problems = {point.position: why for point, given in zip(points, scores, strict=True)
                if (why := _score_problem(given))}
    if problems:
        raise ScoreProblem(problems)


def _score_problem(given: PointScore) -> str:
    """What is wrong with one point's score, or "" when nothing is."""
    if given.result not in PointResult.values:
        return "choose pass, fail or n/a."
    if given.result == PointResult.FAIL and not given.comment.strip():
        return "it failed: say what was wrong (the specialist reads it)."
    return ""


def _close(item_id: int | None, user: Any, reason: str) -> None:
    if item_id is None:
        return
    item = WorkItem.objects.get(pk=item_id)
    if item.status != ItemStatus.DONE:
        record_event(item, ActionKind.CLOSED, acting_user=user, note=reason, status=ItemStatus.DONE,
                     closed_at=timezone.now(), close_reason=reason, lease_expires_at=None)


def _feedback(audit: Audit, fails: list[AuditPoint], today: date) -> WorkItem:
    detail = {"audit_id": audit.pk, "item_id": audit.item_id, "score": str(audit.score),
              "failed_points": [{"point": p.text, "comment": p.comment} for p in fails]}
    return _new_item(audit, ItemKind.QA_FEEDBACK, f"qa-feedback:{audit.pk}",
                     f"QA feedback: {audit.item.title}", today, assignee=audit.specialist,
                     detail=detail)


def acknowledge(audit: Audit, note: str = "", *, acting_user: Any) -> Audit:
    """The specialist has read the feedback: their feedback item closes."""
    if not Audit.objects.visible_to(acting_user).filter(pk=audit.pk).exists():
        raise PermissionDenied("Not your audit.")
    if audit.specialist_id != acting_user.pk:
        raise PermissionDenied("Only the audited specialist acknowledges feedback.")
    require(acting_user, Action.WORK_ITEMS, audit.client_id, Workflow(audit.workflow))
    if audit.feedback_item_id is None:
        raise QaProblem("This audit sent no feedback.")
    with transaction.atomic():
        if audit.acknowledged_at is None:
            audit.acknowledged_at = timezone.now()
            audit.save(update_fields=["acknowledged_at"])
            _close(audit.feedback_item_id, acting_user, "acknowledged")
            record("qa.feedback.acknowledged", client_id=audit.client_id, obj=audit,
                   acting_user=acting_user, detail={"note": note[:500]})
    return audit
