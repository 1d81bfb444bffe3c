"""The onboarding path, computed: scope -> access -> SOPs -> production -> QA -> reporting.

Why computed: a checklist ticked by hand says what someone believed on the day; the product
already knows whether each workflow has an SOP in force, a sampling plan, a go-live, a
weekly report. So every check that the data can answer is read from the data (with the date
and the person the data names), and only what it cannot tell (a kick-off held) is a manual
item, ticked by its side. The same reading answers the go-live service's refusal, so the page
and the service never disagree about what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rcmdesk.calendar import local_date
from rcmdesk.engagements.models import (
    EngagementModel,
    EngagementPlan,
    ManualCheck,
    Side,
    WorkflowGoLive,
)
from rcmdesk.playbooks.sops import sop_in_force
from rcmdesk.qa.models import SamplingPlan
from rcmdesk.reports.models import WeeklyReport
from rcmdesk.scheduler.models import Schedule
from rcmdesk.tenancy.models import Engagement
from rcmdesk.tenancy.roles import Role, Workflow

STEPS: tuple[tuple[str, str], ...] = (
    ("scope", "Scope"), ("access", "Access"), ("sops", "SOPs"),
    ("production", "Production"), ("qa", "QA"), ("reporting", "Reporting"),
)
STEP_LABELS = dict(STEPS)
WEEKLY_REPORT_JOB = "weekly_report"


@dataclass(frozen=True)
class Manual:
    key: str
    step: str
    side: Side
    text: str


# What the data cannot tell; each ticked by one side (client admin or partner lead).
MANUAL: tuple[Manual, ...] = (
    Manual("kickoff", "scope", Side.PARTNER, "Kick-off meeting held with the client"),
    Manual("access_approver", "access", Side.CLIENT,
           "The client named who approves access requests"),
    Manual("sop_walkthrough", "sops", Side.PARTNER,
           "Specialists walked through the client's SOPs"),
    Manual("report_recipients", "reporting", Side.CLIENT,
           "Who receives the weekly report is agreed"),
)
MANUAL_BY_KEY = {m.key: m for m in MANUAL}


@dataclass(frozen=True)
class Check:
    """One line of a step: what must be true, whether it is, and why (in words)."""

    text: str
    done: bool
    why: str = ""
    when: date | datetime | None = None
    who: Any = None  # the person the data names, or None
    manual: Manual | None = None
    workflow: str = ""
    ready: bool = False  # a workflow not live whose go-live nothing blocks


@dataclass
class Step:
    key: str
    zone: str  # the client's: a moment's day is its day there
    checks: list[Check] = field(default_factory=list)

    @property
    def label(self) -> str:
        return STEP_LABELS[self.key]

    @property
    def done(self) -> bool:
        return all(c.done for c in self.checks)

    @property
    def done_on(self) -> date | None:
        """The day the step's last check came true (None while a check is open or undated)."""
        if not self.done:
            return None
        days = [local_date(c.when, self.zone) if isinstance(c.when, datetime) else c.when
                for c in self.checks if c.when is not None]
        return max(days) if days else None


@dataclass
class Onboarding:
    engagement: Engagement
    plan: EngagementPlan | None
    steps: list[Step]
    live: dict[str, WorkflowGoLive]
    blockers: dict[str, list[str]]  # per workflow not yet live: what stops its go-live

    @property
    def stage(self) -> str:
        """``legacy`` (no plan: in production with no model), ``ended``, ``production``
        (go-live recorded) or ``onboarding``."""
        if self.plan is None:
            return "legacy"
        if self.engagement.end_date is not None and \
                self.engagement.end_date < self.engagement.today():
            return "ended"
        return "production" if self.plan.go_live_day is not None else "onboarding"

    @property
    def current_step(self) -> Step | None:
        return next((s for s in self.steps if not s.done), None)


def workflows(engagement: Engagement) -> list[str]:
    """The engagement's scope in the product's order of workflows."""
    order = [w.value for w in Workflow]
    return sorted(engagement.scope, key=order.index)


def missing_access(engagement: Engagement, workflow: str) -> list[Any]:
    """The access registry's answer (read at call time, so the registry can be swapped)."""
    from rcmdesk.systemaccess import queries

    return list(queries.missing_access(engagement, Workflow(workflow)))


def sop(engagement: Engagement, workflow: str) -> Any:
    return sop_in_force(engagement.client_id, workflow)


def go_live_blockers(engagement: Engagement, workflow: str) -> list[str]:
    """Why production cannot start for ``workflow``, in words (empty: it may start)."""
    return _blockers(Workflow(workflow).label, sop(engagement, workflow),
                     missing_access(engagement, workflow))


def _blockers(label: str, version: Any, missing: list[Any]) -> list[str]:
    out = [] if version is not None else [f"no SOP in force for {label}"]
    out.extend(str(m.sentence) for m in missing)
    return out


def onboarding(engagement: Engagement) -> Onboarding:
    """The engagement's checklist as its data says today."""
    plan = EngagementPlan.objects.filter(engagement=engagement).select_related(
        "specialist", "frozen_by").first()
    scope = workflows(engagement)
    live = {g.workflow: g for g in
            WorkflowGoLive.objects.filter(engagement=engagement).select_related("recorded_by")}
    ticks = {t.key: t for t in
             ManualCheck.objects.filter(engagement=engagement).select_related("ticked_by")}
    steps = {key: Step(key, engagement.client.time_zone) for key, _ in STEPS}

    steps["scope"].checks.append(Check(
        "Workflows chosen", bool(scope),
        ", ".join(Workflow(w).label for w in scope) if scope else "Nothing in scope yet.",
        engagement.start_date if scope else None))
    steps["scope"].checks.append(Check(
        "Engagement model chosen", plan is not None,
        plan.get_model_display() if plan else "The client has not chosen a model yet.",
        plan.created_at if plan else None))
    if plan is not None:
        steps["scope"].checks.append(_staffing(engagement, plan))

    blockers: dict[str, list[str]] = {}
    for wf in scope:
        label = Workflow(wf).label
        missing = missing_access(engagement, wf)
        steps["access"].checks.append(Check(
            f"{label}: the specialists' accesses granted", not missing,
            "; ".join(m.sentence for m in missing) if missing else "Nothing missing.",
            workflow=wf))
        version = sop(engagement, wf)
        steps["sops"].checks.append(Check(
            f"{label}: an SOP in force", version is not None,
            f"{version.document.title}, version {version.number}" if version
            else "No SOP in force for this workflow.",
            version.created_at if version else None,
            version.author if version else None, workflow=wf))
        go_live = live.get(wf)
        if go_live is None:
            reasons = _blockers(label, version, missing)
            blockers[wf] = reasons
            why = ("Cannot start: " + "; ".join(reasons) + ".") if reasons \
                else "Ready: the client may record its go-live."
        else:
            why = "Live."
        steps["production"].checks.append(Check(
            f"{label}: production started", go_live is not None, why,
            go_live.day if go_live else None, go_live.recorded_by if go_live else None,
            workflow=wf, ready=go_live is None and plan is not None and not blockers.get(wf)))
    plans = list(SamplingPlan.objects.filter(engagement=engagement, active=True)
                 .select_related("created_by"))
    for wf in scope:
        covering = next((p for p in plans if p.workflow in ("", wf)), None)
        steps["qa"].checks.append(Check(
            f"{Workflow(wf).label}: an active QA sampling plan", covering is not None,
            (f"{covering.base_percent}% of completed work sampled" if covering
             else "No active sampling plan covers this workflow."),
            covering.created_at if covering else None,
            covering.created_by if covering else None, workflow=wf))
    steps["reporting"].checks.append(_reporting(engagement))
    for manual in MANUAL:
        tick = ticks.get(manual.key)
        steps[manual.step].checks.append(Check(
            manual.text, tick is not None,
            f"Ticked by the {manual.side.label.lower()}." if tick
            else f"To be ticked by the {manual.side.label.lower()}.",
            tick.ticked_at if tick else None, tick.ticked_by if tick else None, manual))
    return Onboarding(engagement, plan, [steps[k] for k, _ in STEPS], live, blockers)


def _staffing(engagement: Engagement, plan: EngagementPlan) -> Check:
    """What the model asks of the engagement's people or numbers."""
    roles = [Role(r) for r in engagement.assignments.values_list("user__role", flat=True)]
    assigned = set(engagement.assignments.values_list("user_id", flat=True))
    if plan.model == EngagementModel.DEDICATED:
        ok = plan.specialist_id is not None and plan.specialist_id in assigned
        why = (f"{_name(plan.specialist)} is assigned." if ok else
               "The dedicated specialist is not named or not assigned to the engagement.")
        return Check("The dedicated specialist is assigned", ok, why)
    if plan.model == EngagementModel.MANAGED_POD:
        leads = roles.count(Role.PARTNER_LEAD)
        specialists = roles.count(Role.PARTNER_SPECIALIST)
        auditors = roles.count(Role.PARTNER_QA)
        short = []
        if leads < 1:
            short.append("no lead assigned")
        if specialists < plan.pod_specialists:
            short.append(f"{specialists} of {plan.pod_specialists} specialists assigned")
        if auditors < 1:
            short.append("no QA auditor assigned")
        why = ("; ".join(short) if short else
               f"A lead, {specialists} specialist{'s' if specialists != 1 else ''} and "
               f"{auditors} QA auditor{'s' if auditors != 1 else ''} assigned.")
        return Check(f"Pod staffed: a lead, {plan.pod_specialists} specialists and a QA "
                     "auditor", not short, why[:1].upper() + why[1:])
    if plan.model == EngagementModel.MONTHLY_SUPPORT:
        ok = bool(plan.monthly_unit) and bool(plan.monthly_amount)
        return Check("Monthly plan agreed", ok,
                     f"{plan.monthly_amount} {plan.get_monthly_unit_display().lower()} a month"
                     if ok else "No monthly hours or item volume set.")
    ok = plan.frozen_at is not None and plan.target_date is not None
    return Check("Starting backlog frozen with a target date", ok,
                 f"{plan.frozen_count} items frozen" if ok else
                 "The client has not frozen the starting backlog or set a target date.",
                 plan.frozen_at, plan.frozen_by)


def _reporting(engagement: Engagement) -> Check:
    report = (WeeklyReport.objects.filter(client_id=engagement.client_id)
              .order_by("-generated_at").first())
    if report is not None:
        return Check("A weekly report generated or scheduled", True,
                     f"Latest report: week {report.week}.", report.generated_at,
                     report.generated_by)
    schedule = Schedule.objects.filter(client_id=engagement.client_id, job=WEEKLY_REPORT_JOB,
                                       enabled=True).first()
    if schedule is not None:
        return Check("A weekly report generated or scheduled", True,
                     "The weekly report is scheduled.", schedule.created_at)
    return Check("A weekly report generated or scheduled", False,
                 "No weekly report yet and none scheduled.")


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.username) if user is not None else ""
