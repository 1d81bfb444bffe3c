"""Visits over the API: list (filters and counts), one visit with its benefits and history,
create, import (CSV or FHIR), and request eligibility (writes a 270).

Reads go through ``visible_to`` (a visit out of sight is a 404, like a missing one); writes go
through the services, which check ``Action.WORK_ITEMS`` on the eligibility workflow and audit.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from rcmdesk.api.paging import Page
from rcmdesk.api.problems import Problem
from rcmdesk.audit.services import record
from rcmdesk.eligibility import queries, services
from rcmdesk.eligibility.benefits import explain
from rcmdesk.eligibility.forms import VISITS_FILE
from rcmdesk.eligibility.imports import (
    PROCEDURE,
    SERVICE_TYPE,
    ImportResult,
    RowError,
    import_visits,
)
from rcmdesk.eligibility.models import EligibilityResponse, Visit, VisitStatus
from rcmdesk.tenancy.models import Organization
from rcmdesk.uploads import UploadRefused, read_upload

router = Router(tags=["eligibility"])


class VisitOut(Schema):
    id: int
    client: str
    scheduled_on: date
    status: str
    patient: str
    patient_id: int
    payer_id: str | None
    member_id: str | None
    provider_npi: str | None
    service_types: list[str]
    procedures: list[str]
    source: str
    external_id: str


class BenefitOut(Schema):
    service_type: str
    status: str
    insurance_type: str
    plan: str
    copay_in: Decimal | None
    copay_out: Decimal | None
    coinsurance_in: Decimal | None
    coinsurance_out: Decimal | None
    deductible_in_total: Decimal | None
    deductible_in_remaining: Decimal | None
    deductible_out_total: Decimal | None
    deductible_out_remaining: Decimal | None
    oop_in_total: Decimal | None
    oop_in_remaining: Decimal | None
    oop_out_total: Decimal | None
    oop_out_remaining: Decimal | None


class ResponseOut(Schema):
    id: int
    received_at: datetime
    status: str
    trace: str
    plan: str
    group_number: str
    coverage_start: date | None
    coverage_end: date | None
    rejections: list[dict[str, str]]
    other_payers: list[str]
    benefits: list[BenefitOut]


class EligibilityRequestOut(Schema):
    id: int
    requested_at: datetime
    trace: str
    outbound_file: int
    outbound_name: str
    service_types: list[str]


class VisitDetailOut(VisitOut):
    requests: list[EligibilityRequestOut]
    responses: list[ResponseOut]


class VisitListOut(Schema):
    counts: dict[str, int]
    visits: list[VisitOut]


class VisitIn(Schema):
    client: str
    scheduled_on: date
    last_name: str
    first_name: str
    birth_date: date
    sex: str = ""
    payer_id: str
    payer_name: str = ""
    member_id: str
    provider_npi: str = ""
    service_types: list[str] = ["30"]
    procedures: list[str] = []


class VisitImportOut(Schema):
    created: int
    updated: int
    cancelled: int
    errors: list[dict[str, Any]]
    visit_ids: list[int]


class EligibilityRequestIn(Schema):
    visit_ids: list[int]


class OutboundOut(Schema):
    file_id: int
    name: str
    isa13: str
    visits: int


def _visit_out(v: Visit) -> dict[str, Any]:
    return {"id": v.pk, "client": v.client.slug, "scheduled_on": v.scheduled_on,
            "status": v.status, "patient": str(v.patient), "patient_id": v.patient_id,
            "payer_id": v.payer.payer_id if v.payer else None,
            "member_id": v.coverage.member_id if v.coverage else None,
            "provider_npi": v.provider.npi if v.provider else None,
            "service_types": list(v.service_types), "procedures": list(v.procedures),
            "source": v.source, "external_id": v.external_id}


def _response_out(r: EligibilityResponse) -> dict[str, Any]:
    rejections = [{**a, "explanation": explain(a.get("reason", ""))} for a in r.rejections]
    return {"id": r.pk, "received_at": r.received_at, "status": r.status, "trace": r.trace,
            "plan": r.plan, "group_number": r.group_number,
            "coverage_start": r.coverage_start, "coverage_end": r.coverage_end,
            "rejections": rejections, "other_payers": list(r.other_payers),
            "benefits": [{name: getattr(b, name) for name in BenefitOut.model_fields}
                         for b in r.benefits.all()]}


@router.get("", response=VisitListOut)
def list_visits(request: HttpRequest, page: Query[Page], start: date | None = None,
                end: date | None = None, status: str = "",
                client: str = "") -> dict[str, Any]:
    """Visits you may see in a day range (``start``..``end``), with counts per status."""
    f = queries.VisitFilter(start, end, status if status in VisitStatus.values else "", client)
    in_range = queries.visits(request.user, f)
    rows = queries.with_status(in_range, f).order_by("scheduled_on", "pk")
    shown = rows[page.offset: page.offset + page.limit]
    return {"counts": queries.counts(in_range), "visits": [_visit_out(v) for v in shown]}


@router.get("/{int:visit_id}", response=VisitDetailOut)
def get_visit(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    visit = queries.visible_visit(request.user, visit_id)
    record("read", client_id=visit.client_id, obj=visit)
    requests, responses = queries.history(visit)
    return {**_visit_out(visit),
            "requests": [{"id": r.pk, "requested_at": r.requested_at, "trace": r.trace,
                          "outbound_file": r.outbound_id, "outbound_name": r.outbound.name,
                          "service_types": list(r.service_types)} for r in requests],
            "responses": [_response_out(r) for r in responses]}


def _client(request: HttpRequest, slug: str) -> Organization:
    org: Organization | None = Organization.objects.visible_to(request.user).filter(
        slug=slug, kind="client").first()
    if org is None:
        raise Http404("Not found.")
    return org


@router.post("", response={201: VisitOut, 400: Problem})
def create_visit(request: HttpRequest, body: VisitIn) -> Any:
    """A visit entered by hand (the patient, payer and coverage are found or created)."""
    org = _client(request, body.client)
    bad = [c for c in body.service_types if not SERVICE_TYPE.match(c)] + [
        c for c in body.procedures if not PROCEDURE.match(c)]
    if bad:
        return Status(400, {"detail": f"not a valid code: {', '.join(bad)}"})
    if body.provider_npi and not (len(body.provider_npi) == 10 and body.provider_npi.isdigit()):
        return Status(400, {"detail": "provider_npi: not a 10-digit NPI"})
    visit = services.create_visit(org, services.VisitInput(
        scheduled_on=body.scheduled_on, last_name=body.last_name, first_name=body.first_name,
        birth_date=body.birth_date, sex=body.sex, payer_id=body.payer_id,
        payer_name=body.payer_name, member_id=body.member_id, provider_npi=body.provider_npi,
        service_types=body.service_types, procedures=body.procedures), acting_user=request.user)
    return Status(201, _visit_out(queries.visible_visit(request.user, visit.pk)))


@router.post("/import", response={200: VisitImportOut, 400: VisitImportOut})
def import_file(request: HttpRequest, client: Form[str], file: File[UploadedFile]) -> Any:
    """A CSV or FHIR Appointment bundle; all rows or none (400 lists each row's errors)."""
    org = _client(request, client)
    try:
        content = read_upload(file, what=VISITS_FILE)
    except UploadRefused as exc:
        return Status(400, ImportResult(errors=[RowError(0, "file", str(exc))]).as_dict())
    result = import_visits(org, content, file.name or "upload", acting_user=request.user)
    return Status(200 if result.ok else 400, result.as_dict())


@router.post("/request", response={201: OutboundOut, 400: Problem})
def request_eligibility(request: HttpRequest, body: EligibilityRequestIn) -> Any:
    """Write one 270 for these visits (one client's); returns the outbound file."""
    visits = [queries.visible_visit(request.user, pk) for pk in dict.fromkeys(body.visit_ids)]
    if not visits:
        return Status(400, {"detail": "Choose at least one visit."})
    out = services.request_eligibility(visits, acting_user=request.user)
    return Status(201, {"file_id": out.pk, "name": out.name, "isa13": out.isa13,
                        "visits": len(visits)})
