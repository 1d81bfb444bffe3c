"""QA over the API: plans (client admins write), draws (auditors), audits (list, read,
submit scores, acknowledge feedback) and accuracy. Same rules as the pages: another
tenant's row answers 404 like a missing one, a role that may not act 403; reads audited.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from rcmdesk.api.paging import Page
from rcmdesk.api.problems import Problem
from rcmdesk.audit.services import record, record_listing
from rcmdesk.qa import queries, services
from rcmdesk.qa.models import Audit, SampleDraw, SamplingPlan
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.roles import Action

router = Router(tags=["qa"])


class PlanIn(Schema):
    engagement_id: int | None = None  # on create
    workflow: str = ""
    base_percent: Decimal = Decimal("5")
    new_specialist_percent: Decimal = Decimal("20")
    new_specialist_days: int = 30
    after_failure_percent: Decimal = Decimal("25")
    after_failure_weeks: int = 2
    minimum_per_week: int = 2
    method: str = "percent"  # percent | precision | monetary (qa.models.SamplingMethod)
    precision_points: Decimal | None = None
    confidence_percent: Decimal = Decimal("90")
    expected_error_percent: Decimal = Decimal("50")
    active: bool = True


class PlanOut(Schema):
    id: int
    client: str
    engagement_id: int
    engagement: str
    workflow: str
    base_percent: Decimal
    new_specialist_percent: Decimal
    new_specialist_days: int
    after_failure_percent: Decimal
    after_failure_weeks: int
    minimum_per_week: int
    method: str
    precision_points: Decimal | None
    confidence_percent: Decimal
    expected_error_percent: Decimal
    active: bool


class DrawIn(Schema):
    plan_id: int
    week: str
    seed: int | None = None
    redraw: bool = False
    reason: str = ""


class DrawOut(Schema):
    id: int
    plan_id: int
    week: str
    seed: int
    redraw_of_id: int | None
    reason: str
    drawn_at: datetime
    population_size: int
    sampled: int
    design: dict[str, Any]  # precision/monetary draws: n, how, and for MUS the dollars
    audit_ids: list[int]


class PointOut(Schema):
    position: int
    text: str
    result: str
    comment: str


class AuditOut(Schema):
    id: int
    client: str
    draw_id: int
    week: str
    item_id: int
    specialist: str
    workflow: str
    sop_version_id: int | None
    status: str
    auditor: str | None
    score: Decimal | None
    completed_at: datetime | None
    feedback_item_id: int | None
    acknowledged_at: datetime | None


class AuditDetailOut(AuditOut):
    points: list[PointOut]
    summary: str


class ScoreIn(Schema):
    result: str
    comment: str = ""


class AuditSubmitIn(Schema):
    points: list[ScoreIn]
    summary: str = ""
    misstatement: Decimal | None = None  # dollars found wrong (monetary-unit draws)


class AckIn(Schema):
    note: str = ""


class AuditQuery(Page):
    status: str = ""
    week: str = ""


class AccuracyQuery(Schema):
    week: str = ""


class AccuracyOut(Schema):
    specialist: str
    workflow: str
    week: str
    audits: int
    passes: int
    fails: int
    not_applicable: int
    accuracy_percent: str | None


def _plan_out(p: SamplingPlan) -> dict[str, Any]:
    return {"id": p.pk, "client": p.engagement.client.slug, "engagement_id": p.engagement_id,
            "engagement": p.engagement.name, "workflow": p.workflow,
            "base_percent": p.base_percent, "new_specialist_percent": p.new_specialist_percent,
            "new_specialist_days": p.new_specialist_days,
            "after_failure_percent": p.after_failure_percent,
            "after_failure_weeks": p.after_failure_weeks,
            "minimum_per_week": p.minimum_per_week, "method": p.method,
            "precision_points": p.precision_points, "confidence_percent": p.confidence_percent,
            "expected_error_percent": p.expected_error_percent, "active": p.active}


def _draw_out(d: SampleDraw) -> dict[str, Any]:
    return {"id": d.pk, "plan_id": d.plan_id, "week": d.week, "seed": d.seed,
            "redraw_of_id": d.redraw_of_id, "reason": d.reason, "drawn_at": d.drawn_at,
            "population_size": d.population_size, "sampled": d.sampled, "design": d.design,
            "audit_ids": sorted(a.pk for a in d.audits.all())}


def _audit_out(a: Audit) -> dict[str, Any]:
    return {"id": a.pk, "client": a.client.slug, "draw_id": a.draw_id, "week": a.draw.week,
            "item_id": a.item_id, "specialist": a.specialist.username,
            "workflow": a.workflow, "sop_version_id": a.sop_version_id, "status": a.status,
            "auditor": a.auditor.username if a.auditor else None, "score": a.score,
            "completed_at": a.completed_at, "feedback_item_id": a.feedback_item_id,
            "acknowledged_at": a.acknowledged_at}


def _detail(a: Audit) -> dict[str, Any]:
    return {**_audit_out(a), "summary": a.summary,
            "points": [{"position": p.position, "text": p.text, "result": p.result,
                        "comment": p.comment} for p in a.points.all()]}


@router.get("/plans", response=list[PlanOut])
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, Action.VIEW_TENANT_DATA, None)
    rows = list(queries.plans(request.user))
    record_listing(rows, "qa.samplingplan", key="plans",
                   client_of=lambda p: p.engagement.client_id)
    return [_plan_out(p) for p in rows]


@router.get("/plans/{int:plan_id}", response=PlanOut)
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    found = queries.get_plan(request.user, plan_id)
    record("read", client_id=found.client_id, obj=found)
    return _plan_out(found)


@router.post("/plans", response={201: PlanOut, 400: Problem})
def create_plan(request: HttpRequest, body: PlanIn) -> Any:
    require(request.user, Action.EDIT_PLAYBOOKS, None)
    engagement = queries.engagements(request.user).filter(pk=body.engagement_id or 0).first()
    if engagement is None:
        return Status(400, {"detail": "Name an engagement of your client (engagement_id)."})
    made = services.save_plan(engagement, _values(body), acting_user=request.user)
    return Status(201, _plan_out(queries.get_plan(request.user, made.pk)))


@router.put("/plans/{int:plan_id}", response={200: PlanOut, 400: Problem})
def update_plan(request: HttpRequest, plan_id: int, body: PlanIn) -> Any:
    found = queries.get_plan(request.user, plan_id)
    services.save_plan(found.engagement, _values(body), found, acting_user=request.user)
    return Status(200, _plan_out(queries.get_plan(request.user, plan_id)))


def _values(body: PlanIn) -> dict[str, Any]:
    values = body.dict(exclude={"engagement_id"})
    for name in ("base_percent", "new_specialist_percent", "after_failure_percent"):
        if not Decimal(0) <= values[name] <= Decimal(100):
            raise services.QaProblem(f"{name} must be between 0 and 100.")
    return values


@router.get("/draws", response=list[DrawOut])
def list_draws(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, Action.VIEW_TENANT_DATA, None)
    rows = list(queries.draws(request.user).prefetch_related("audits")[:200])
    record_listing(rows, "qa.sampledraw", key="draws",
                   client_of=lambda d: d.plan.engagement.client_id)
    return [_draw_out(d) for d in rows]


@router.post("/draws", response={201: DrawOut, 400: Problem})
def create_draw(request: HttpRequest, body: DrawIn) -> Any:
    found = queries.get_plan(request.user, body.plan_id)
    made = services.draw_week(found, body.week, acting_user=request.user, seed=body.seed,
                              redraw=body.redraw, reason=body.reason)
    return Status(201, _draw_out(made))


@router.get("/audits", response=list[AuditOut])
def list_audits(request: HttpRequest, filters: Query[AuditQuery]) -> list[dict[str, Any]]:
    require(request.user, Action.VIEW_TENANT_DATA, None)
    rows = queries.audits(request.user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.week:
        rows = rows.filter(draw__week=filters.week[:8])
    page = list(rows[filters.offset:filters.offset + filters.limit])
    queries.audit_listing(page, detail={"api": True, "status": filters.status})
    return [_audit_out(a) for a in page]


@router.get("/audits/{int:audit_id}", response=AuditDetailOut)
def get_audit(request: HttpRequest, audit_id: int) -> dict[str, Any]:
    found = queries.get_audit(request.user, audit_id)
    record("read", client_id=found.client_id, obj=found)
    return _detail(found)


@router.post("/audits/{int:audit_id}/submit", response={200: AuditDetailOut, 400: Problem})
def submit_audit(request: HttpRequest, audit_id: int, body: AuditSubmitIn) -> Any:
    found = queries.get_audit(request.user, audit_id)
    scores = [services.PointScore(p.result, p.comment[:2000]) for p in body.points]
    services.submit(found, scores, body.summary, acting_user=request.user,
                    misstatement=body.misstatement)
    return Status(200, _detail(queries.get_audit(request.user, audit_id)))


@router.post("/audits/{int:audit_id}/acknowledge",
             response={200: AuditDetailOut, 400: Problem})
def acknowledge(request: HttpRequest, audit_id: int, body: AckIn) -> Any:
    found = queries.get_audit(request.user, audit_id)
    services.acknowledge(found, body.note, acting_user=request.user)
    return Status(200, _detail(queries.get_audit(request.user, audit_id)))


@router.get("/accuracy", response=list[AccuracyOut])
def accuracy(request: HttpRequest, filters: Query[AccuracyQuery]) -> list[dict[str, Any]]:
    require(request.user, Action.VIEW_TENANT_DATA, None)
    rows = queries.accuracy(request.user, week=filters.week[:8])
    queries.audit_accuracy_read(request.user, rows, filters.week[:8])
    return [r.as_dict() for r in rows]

