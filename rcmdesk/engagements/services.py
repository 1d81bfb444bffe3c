"""Changes to an engagement's plan and onboarding: the model and its numbers, the frozen
backlog, the manual checklist items and each workflow's go-live.

The client decides (client admin: ``MANAGE_ENGAGEMENT_SCOPE``) on the model, the plan's
numbers, freezing the backlog and recording go-live; a partner lead ticks the partner's own
checklist items. Every change is audited in its own transaction. Go-live is refused, in
words naming what is missing, for a workflow with no SOP in force or a specialist's access
missing (``checklist.go_live_blockers``, the same reading the page shows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.engagements.checklist import MANUAL_BY_KEY, go_live_blockers, workflows
from rcmdesk.engagements.models import (
    EngagementModel,
    EngagementPlan,
    ManualCheck,
    MonthlyUnit,
    Side,
    WorkflowGoLive,
)
from rcmdesk.engagements.queries import may_tick
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Engagement
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue import counts


class PlanProblem(errors.Invalid):
    """The plan's numbers do not fit its model (no specialist named, no target date...)."""


class OnboardingConflict(errors.Conflict):
    """The step is not possible in the engagement's state (already live, already frozen)."""


@dataclass(frozen=True)
class PlanTerms:
    model: str
    specialist: Any = None
    pod_specialists: int = 0
    monthly_unit: str = ""
    monthly_amount: Decimal | None = None
    target_date: date | None = None


def _check_terms(engagement: Engagement, terms: PlanTerms) -> None:
    if terms.model not in EngagementModel.values:
        raise PlanProblem("Choose one of the engagement models.")
    if terms.model == EngagementModel.DEDICATED:
        if terms.specialist is None:
            raise PlanProblem("Name the dedicated specialist.")
        if not engagement.assignments.filter(user=terms.specialist).exists():
            raise PlanProblem("The dedicated specialist must be assigned to the engagement.")
    if terms.model == EngagementModel.MANAGED_POD and terms.pod_specialists < 1:
        raise PlanProblem("A managed pod has at least one specialist besides its lead.")
    if terms.model == EngagementModel.MONTHLY_SUPPORT:
        if terms.monthly_unit not in MonthlyUnit.values:
            raise PlanProblem("Say whether the month is planned in hours or in items worked.")
        if terms.monthly_amount is None or terms.monthly_amount <= 0:
            raise PlanProblem("Give the hours or items planned per month (more than zero).")
    if terms.model == EngagementModel.BACKLOG_CLEANUP and terms.target_date is None:
        raise PlanProblem("A backlog clean-up needs a target date.")
    if terms.target_date is not None and terms.target_date < engagement.start_date:
        raise PlanProblem("The target date is before the engagement starts.")


def _snapshot(plan: EngagementPlan) -> dict[str, Any]:
    return {"model": plan.model, "specialist": plan.specialist.username if plan.specialist
            else "", "pod_specialists": plan.pod_specialists,
            "monthly_unit": plan.monthly_unit,
            "monthly_amount": str(plan.monthly_amount or ""),
            "target_date": plan.target_date.isoformat() if plan.target_date else ""}


@transaction.atomic
def save_plan(engagement: Engagement, terms: PlanTerms, *, acting_user: Any) -> EngagementPlan:
    """The client sets (or changes) the engagement's model and its numbers."""
    require(acting_user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id)
    _check_terms(engagement, terms)
    plan: EngagementPlan | None = (EngagementPlan.objects.select_for_update()
                                   .filter(engagement=engagement).first())
    created = plan is None
    if plan is None:
        plan = EngagementPlan(engagement=engagement)
    elif plan.frozen_at is not None and terms.model != plan.model:
        raise OnboardingConflict("The backlog is frozen: a clean-up cannot change its model.")
    before = {} if created else _snapshot(plan)
    model = terms.model
    plan.model = model
    plan.specialist = terms.specialist if model == EngagementModel.DEDICATED else None
    plan.pod_specialists = terms.pod_specialists if model == EngagementModel.MANAGED_POD \
        else 0
    monthly = model == EngagementModel.MONTHLY_SUPPORT
    plan.monthly_unit = terms.monthly_unit if monthly else ""
    plan.monthly_amount = terms.monthly_amount if monthly else None
    plan.target_date = terms.target_date
    plan.updated_at = timezone.now()
    plan.save()
    record("engagements.plan_set" if created else "engagements.plan_changed",
           client_id=engagement.client_id, obj=plan, acting_user=acting_user,
           detail={"engagement": engagement.pk, "before": before, "after": _snapshot(plan)})
    return plan


@transaction.atomic
def freeze_backlog(engagement: Engagement, *, acting_user: Any,
                   now: datetime | None = None) -> EngagementPlan:
    """Freeze a clean-up's starting backlog: the open items of the scope now (the work
    queue's one definition of backlog), kept as ids, count and dollars; the burn-down
    counts how many of these are still open, whatever arrives later."""
    require(acting_user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id)
    plan: EngagementPlan | None = (EngagementPlan.objects.select_for_update()
                                   .filter(engagement=engagement).first())
    if plan is None or plan.model != EngagementModel.BACKLOG_CLEANUP:
        raise OnboardingConflict("Only a backlog clean-up freezes a starting backlog; "
                                 "choose that model first.")
    if plan.frozen_at is not None:
        raise OnboardingConflict("The starting backlog is already frozen.")
    frozen_at = now or timezone.now()
    items = counts.backlog_items(None, engagement.client_id).filter(
        workflow__in=workflows(engagement), created_at__lte=frozen_at)
    ids = sorted(items.values_list("pk", flat=True))
    plan.frozen_item_ids = ids
    plan.frozen_count = len(ids)
    plan.frozen_amount = counts.money(items.aggregate(total=Sum("amount"))["total"])
    plan.frozen_at = frozen_at
    plan.frozen_by = person(acting_user)
    plan.updated_at = plan.frozen_at
    plan.save()
    record("engagements.backlog_frozen", client_id=engagement.client_id, obj=plan,
           acting_user=acting_user,
           detail={"engagement": engagement.pk, "items": plan.frozen_count,
                   "amount": str(plan.frozen_amount),
                   "target_date": plan.target_date.isoformat() if plan.target_date else ""})
    return plan


@transaction.atomic
def tick(engagement: Engagement, key: str, *, acting_user: Any) -> ManualCheck:
    """Tick a manual checklist item, by the side it belongs to."""
    manual = MANUAL_BY_KEY.get(key)
    if manual is None:
        raise errors.NotFound("No such checklist item.")
    if manual.side == Side.CLIENT:
        require(acting_user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id)
    else:
        require(acting_user, Action.ASSIGN_WORK, engagement.client_id)
        if not may_tick(acting_user, engagement, Side.PARTNER):
            raise PermissionDenied("The partner's lead ticks the partner's items.")
    if ManualCheck.objects.filter(engagement=engagement, key=key).exists():
        raise OnboardingConflict("Already ticked.")
    check = ManualCheck.objects.create(engagement=engagement, key=key,
                                       ticked_by=person(acting_user))
    record("engagements.checklist_ticked", client_id=engagement.client_id, obj=check,
           acting_user=acting_user,
           detail={"engagement": engagement.pk, "item": manual.text, "side": manual.side})
    return check


@transaction.atomic
def record_go_live(engagement: Engagement, workflow: str, day: date, *, acting_user: Any,
                   now: datetime | None = None) -> WorkflowGoLive:
    """Production starts for one workflow: refused while its SOP or a specialist's access
    is missing. When the last workflow in scope goes live, the engagement's go-live is that
    day, recorded once."""
    require(acting_user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id)
    plan: EngagementPlan | None = (EngagementPlan.objects.select_for_update()
                                   .filter(engagement=engagement).first())
    if plan is None:
        raise OnboardingConflict("Choose the engagement's model before recording go-live.")
    scope = workflows(engagement)
    if workflow not in scope:
        raise PlanProblem(f"{_label(workflow)} is not in the engagement's scope.")
    today = engagement.client.today(now)
    if day > today:
        raise PlanProblem("Go-live is recorded on or after the day it happens, not before.")
    if day < engagement.start_date:
        raise PlanProblem("Go-live cannot be before the engagement starts.")
    if WorkflowGoLive.objects.filter(engagement=engagement, workflow=workflow).exists():
        raise OnboardingConflict(f"{_label(workflow)} is already live.")
    blockers = go_live_blockers(engagement, workflow)
    if blockers:
        raise OnboardingConflict(f"Production cannot start for {_label(workflow)}: "
                                 + "; ".join(blockers) + ".")
    live = WorkflowGoLive.objects.create(engagement=engagement, workflow=workflow, day=day,
                                         recorded_by=person(acting_user))
    record("engagements.workflow_live", client_id=engagement.client_id, obj=live,
           acting_user=acting_user,
           detail={"engagement": engagement.pk, "workflow": workflow,
                   "day": day.isoformat()})
    days = dict(WorkflowGoLive.objects.filter(engagement=engagement)
                .values_list("workflow", "day"))
    if plan.go_live_day is None and set(scope) <= set(days):
        plan.go_live_day = max(days[w] for w in scope)
        plan.go_live_at = timezone.now()
        plan.updated_at = plan.go_live_at
        plan.save(update_fields=["go_live_day", "go_live_at", "updated_at"])
        record("engagements.went_live", client_id=engagement.client_id, obj=plan,
               acting_user=acting_user,
               detail={"engagement": engagement.pk, "day": plan.go_live_day.isoformat(),
                       "scope": scope})
    return live


def _label(workflow: str) -> str:
    try:
        return Workflow(workflow).label
    except ValueError:
        return workflow
