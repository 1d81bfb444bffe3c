"""The scrubber over the API: scrub claims by id, list runs, read a run with its findings.

Claim ids outside your sight (another client, or a workflow your engagement does not cover)
answer 404 exactly like missing ones; a role that may not work claims answers 403.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from rcmdesk.api.paging import PAGE_MAX, Page
from rcmdesk.api.problems import Problem
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim
from rcmdesk.scrubber import queries, services
from rcmdesk.scrubber.models import ScrubFinding, ScrubRun
from rcmdesk.tenancy.roles import Workflow

router = Router(tags=["scrubber"])
MAX_CLAIMS = 100_000
FINDINGS_PAGE_MAX = 10_000


class ScrubIn(Schema):
    claim_ids: list[int]
    purpose: str = "api"


class RunOut(Schema):
    id: int
    client: str
    purpose: str
    created_by: str | None
    created_at: datetime
    scrubbed: int
    clean: int
    clean_claim_rate: Decimal
    errors: int
    warnings: int


class GroupOut(Schema):
    code: str
    severity: str
    title: str
    findings: int
    claims: int


class FindingOut(Schema):
    claim_id: int
    patient_control_number: str
    code: str
    severity: str
    field: str
    line_number: int | None
    message: str


class RunDetailOut(RunOut):
    groups: list[GroupOut]
    findings: list[FindingOut]
    findings_total: int


class RunQuery(Page):
    limit: int = Field(default=50, ge=1, le=PAGE_MAX)


class FindingQuery(Page):
    """A run's findings, a page at a time (a run over 500 claims can have thousands)."""

    code: str = ""
    limit: int = Field(default=1000, ge=1, le=FINDINGS_PAGE_MAX)


def _run_out(run: ScrubRun) -> dict[str, Any]:
    return {"id": run.pk, "client": run.client.slug, "purpose": run.purpose,
            "created_by": run.created_by.username if run.created_by else None,
            "created_at": run.created_at, "scrubbed": run.scrubbed,
            "clean": run.clean_claims, "clean_claim_rate": run.clean_claim_rate,
            "errors": run.errors, "warnings": run.warnings}


def _finding_out(f: ScrubFinding) -> dict[str, Any]:
    return {"claim_id": f.claim_id, "patient_control_number": f.claim.patient_control_number,
            "code": f.code, "severity": f.severity, "field": f.field,
            "line_number": f.line_number, "message": f.message}


def _detail(run: ScrubRun, q: FindingQuery) -> dict[str, Any]:
    rows = queries.findings(run, q.code[:30])
    return {**_run_out(run), "groups": [g.__dict__ for g in queries.groups(run)],
            "findings": [_finding_out(f) for f in rows[q.offset:q.offset + q.limit]],
            "findings_total": rows.count()}


@router.post("/runs", response={201: RunDetailOut, 422: Problem})
def scrub(request: HttpRequest, body: ScrubIn) -> Any:
    """Scrub these claims (one client's): held on any error, ready otherwise."""
    ids = sorted(set(body.claim_ids))
    if not ids or len(ids) > MAX_CLAIMS:
        return Status(422, {"detail": f"Give between 1 and {MAX_CLAIMS} claim ids."})
    claims = list(Claim.objects.visible_to(request.user, Workflow.CHARGES_CLAIMS)
                  .filter(pk__in=ids).select_related("client"))
    if len(claims) != len(ids):
        raise Http404("Not found.")
    clients = {c.client_id for c in claims}
    if len(clients) != 1:
        return Status(422, {"detail": "A scrub run covers the claims of one client."})
    run = services.scrub(claims[0].client, claims, acting_user=request.user,
                         purpose=body.purpose[:100] or "api")
    return Status(201, _detail(run, FindingQuery()))


@router.get("/runs", response=list[RunOut])
def list_runs(request: HttpRequest, q: Query[RunQuery]) -> list[dict[str, Any]]:
    return [_run_out(r) for r in queries.runs(request.user)[q.offset:q.offset + q.limit]]


@router.get("/runs/{int:run_id}", response=RunDetailOut)
def get_run(request: HttpRequest, run_id: int, q: Query[FindingQuery]) -> dict[str, Any]:
    run = queries.get_run(request.user, run_id)
    record("read", client_id=run.client_id, obj=run)
    return _detail(run, q)
