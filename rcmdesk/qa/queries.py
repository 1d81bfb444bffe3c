"""QA's reads: plans a user may see, the audit queue, one audit's page, and accuracy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from rcmdesk.audit.services import record_listing
from rcmdesk.qa import accuracy as estimates
from rcmdesk.qa import services
from rcmdesk.qa.models import (
    Audit,
    AuditPoint,
    AuditStatus,
    PointResult,
    SampleDraw,
    SamplingMethod,
    SamplingPlan,
)
from rcmdesk.tenancy.models import Engagement
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import WorkAction


def engagements(user: Any) -> Any:
    return Engagement.objects.visible_to(user).select_related("client", "partner")


def plans(user: Any) -> Any:
    return (SamplingPlan.objects.filter(engagement__in=engagements(user))
            .select_related("engagement__client", "engagement__partner", "created_by"))


def get_plan(user: Any, plan_id: int) -> SamplingPlan:
    found: SamplingPlan | None = plans(user).filter(pk=plan_id).first()
    if found is None:
        raise Http404("Not found.")
    return found


def draws(user: Any) -> Any:
    return (SampleDraw.objects.filter(plan__in=plans(user))
            .select_related("plan__engagement__client", "drawn_by"))


def audits(user: Any) -> Any:
    return (Audit.objects.visible_to(user)
            .select_related("client", "item", "specialist", "auditor", "draw", "sop_version"))


def get_audit(user: Any, audit_id: int) -> Audit:
    found: Audit | None = audits(user).filter(pk=audit_id).first()
    if found is None:
        raise Http404("Not found.")
    return found


def queue(user: Any) -> tuple[list[Audit], list[dict[str, Any]]]:
    """Pending audits, oldest first, and counts per client and workflow."""
    pending = audits(user).filter(status=AuditStatus.PENDING)
    counts = list(pending.order_by().values("client__name", "workflow")
                  .annotate(n=Count("id")).order_by("client__name", "workflow"))
    return list(pending.order_by("created_at", "id")[:200]), counts


def history(audit: Audit) -> list[WorkAction]:
    return list(WorkAction.objects.filter(item_id=audit.item_id)
                .select_related("actor").order_by("at", "id"))


@dataclass
class AccuracyRow:
    specialist: str
    workflow: str
    week: str
    audits: int
    passes: int
    fails: int
    not_applicable: int

    @property
    def accuracy(self) -> Decimal | None:
        return services.accuracy(self.passes, self.fails)

    @property
    def percent(self) -> Decimal | None:
        value = self.accuracy
        return None if value is None else (value * 100).quantize(Decimal("0.1"))

    def as_dict(self) -> dict[str, Any]:
        return {"specialist": self.specialist, "workflow": self.workflow, "week": self.week,
                "audits": self.audits, "passes": self.passes, "fails": self.fails,
                "not_applicable": self.not_applicable,
                "accuracy_percent": None if self.percent is None else str(self.percent)}


def _done(user: Any, *, client_id: int | None = None, week: str = "") -> QuerySet[Audit]:
    """The finished audits the accuracy report draws on."""
    done: QuerySet[Audit] = audits(user).filter(status=AuditStatus.DONE)
    if client_id is not None:
        done = done.filter(client_id=client_id)
    if week:
        done = done.filter(draw__week=week)
    return done


def accuracy(user: Any, *, client_id: int | None = None, week: str = "") -> list[AccuracyRow]:
    """Per specialist, workflow and (draw) week: points scored and passes/(passes+fails)."""
    done = _done(user, client_id=client_id, week=week)
    rows = (AuditPoint.objects.filter(audit__in=done.values("pk")).order_by()
            .values("audit__specialist__username", "audit__workflow", "audit__draw__week")
            .annotate(audits=Count("audit", distinct=True),
                      passes=Count("id", filter=Q(result=PointResult.PASS)),
                      fails=Count("id", filter=Q(result=PointResult.FAIL)),
                      nas=Count("id", filter=Q(result=PointResult.NA))))
    out = [AccuracyRow(r["audit__specialist__username"], r["audit__workflow"],
                       r["audit__draw__week"], r["audits"], r["passes"], r["fails"], r["nas"])
           for r in rows]
    return sorted(out, key=lambda r: (r.week, r.specialist, r.workflow), reverse=False)


def audit_listing(rows: list[Audit], *, detail: dict[str, Any]) -> None:
    """Audited work was shown: one event per client listed, naming the audits."""
    record_listing(rows, "qa.audit", key="audits", detail=detail)


def audit_accuracy_read(user: Any, rows: list[AccuracyRow], week: str) -> None:
    """Specialists' scores were shown: one list event per client whose audits of ``week``
    (all weeks when empty) the report drew on, naming the specialists scored for it."""
    if not rows:
        return
    scored: dict[int, list[str]] = {}
    pairs = (_done(user, week=week).order_by("client_id", "specialist__username")
             .values_list("client_id", "specialist__username").distinct())
    for client_id, specialist in pairs:
        scored.setdefault(client_id, []).append(specialist)
    record_listing(scored, "qa.accuracy", key="specialists", detail={"week": week})


GROUPS = {
    "engagement": ("client__name", "draw__plan__engagement_id", "draw__plan__engagement__name"),
    "workflow": ("client__name", "workflow"),
    "specialist": ("client__name", "specialist__username"),
}


def period_audits(user: Any, start: datetime, end: datetime) -> QuerySet[Audit]:
    """The audits the viewer sees (a specialist: their own) completed in [start, end)."""
    found: QuerySet[Audit] = audits(user).filter(completed_at__gte=start, completed_at__lt=end)
    return found


def accuracy_estimates(user: Any, start: datetime,
                       end: datetime) -> dict[str, list[estimates.Row]]:
    """Accuracy with its interval and sample size per engagement, workflow and specialist
    (``qa.accuracy``'s definition), over the audits the viewer sees."""
    done = period_audits(user, start, end)
    return {name: estimates.grouped(done, by) for name, by in GROUPS.items()}


def estimates_read(user: Any, start: datetime, end: datetime) -> None:
    """Specialists' accuracy was shown: one list event per client, naming them."""
    scored: dict[int, list[str]] = {}
    pairs = (estimates.scored(period_audits(user, start, end))
             .order_by("client_id", "specialist__username")
             .values_list("client_id", "specialist__username").distinct())
    for client_id, specialist in pairs:
        scored.setdefault(client_id, []).append(specialist)
    record_listing(scored, "qa.estimate", key="specialists",
                   detail={"from": start.isoformat(), "to": end.isoformat()})


def dollar_projections(user: Any, limit: int = 20) -> list[estimates.DollarProjection]:
    """The latest monetary-unit draws the viewer sees, each with its projected dollar error.
    Not for a specialist: a draw's projection is everyone's work, and they see their own."""
    if user.role == Role.PARTNER_SPECIALIST:
        return []
    shown = list(draws(user).filter(design__method=SamplingMethod.MONETARY)[:limit])
    seen = audits(user)
    return [estimates.projection(d, seen) for d in shown]
