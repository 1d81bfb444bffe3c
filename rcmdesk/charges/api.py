"""Charges over the API: enter, read, update and discard drafts, check, and import files.

A draft's ETag is ``"<claim id>-<version>"``. ``PUT`` and ``DELETE`` are conditional on it
(``If-Match``, or ``version`` in the body): 412 when the draft changed since, 428 when
neither is given, 409 when the claim has left the draft stage. Another client's draft, a
claim that is not a draft and a missing one all answer 404.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from rcmdesk.api.paging import Page
from rcmdesk.api.problems import Problem
from rcmdesk.audit.services import record, record_listing
from rcmdesk.charges import imports, services
from rcmdesk.charges.preview import preview
from rcmdesk.claims.models import Claim, ClaimOrigin, ClaimStatus, PayerKind
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow

router = Router(tags=["charges"])


class FieldProblem(Schema):
    row: str
    field: str
    message: str


class ProblemsOut(Problem):
    problems: list[FieldProblem] = []


class AddressIn(Schema):
    line1: str = ""
    line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""


class PatientIn(Schema):
    last_name: str
    first_name: str = ""
    birth_date: date | None = None
    sex: str = ""
    address: AddressIn = AddressIn()


class PayerIn(Schema):
    payer_id: str
    name: str = ""
    kind: str = PayerKind.OTHER


class CoverageIn(Schema):
    member_id: str
    group_number: str = ""
    relationship: str = "18"
    priority: str = "P"
    filing_indicator: str = ""
    subscriber_last_name: str = ""
    subscriber_first_name: str = ""
    subscriber_birth_date: date | None = None
    subscriber_sex: str = ""


class ProviderIn(Schema):
    npi: str
    name: str = ""
    tax_id: str = ""
    tax_id_qualifier: str = "EI"
    taxonomy: str = ""
    entity_type: str = "2"
    address: AddressIn = AddressIn()


class LineIn(Schema):
    procedure: str = ""
    charge: Decimal
    units: Decimal | None = Decimal(1)
    modifiers: list[str] = []
    service_date: date | None = None
    diagnosis_pointers: list[int] = []
    place_of_service: str = ""
    revenue_code: str = ""


class ChargeIn(Schema):
    """A ``ChargeInput`` as JSON; ``client`` is the client's slug."""

    client: str
    patient: PatientIn
    payer: PayerIn
    coverage: CoverageIn
    billing_provider: ProviderIn
    lines: list[LineIn]
    kind: str = "P"
    facility_code: str = ""
    frequency: str = "1"
    diagnoses: list[str] = []
    prior_authorization: str = ""
    version: int | None = None  # for PUT, when If-Match is not sent


class ChargeLineOut(Schema):
    line_number: int
    procedure: str
    modifiers: list[str]
    units: Decimal | None
    charge: Decimal
    service_date: date | None
    diagnosis_pointers: list[int]
    place_of_service: str
    revenue_code: str


class DraftOut(Schema):
    id: int
    client: str
    patient_control_number: str
    version: int
    etag: str
    status: str
    origin: str
    front_door: str
    kind: str
    patient: str
    payer: str
    member_id: str
    billing_npi: str
    facility_code: str
    diagnoses: list[list[str]]
    prior_authorization: str
    service_from: date | None
    total_charge: Decimal
    updated_at: datetime
    lines: list[ChargeLineOut] | None = None


class ChargeFindingOut(Schema):
    code: str
    message: str
    severity: str
    field: str
    line_number: int | None


class ChargeAuthOut(Schema):
    line_number: int
    code: str
    needed: bool
    authorization_id: int | None
    problem: str
    message: str


class CheckOut(Schema):
    scrubbed: bool
    clean: bool
    findings: list[ChargeFindingOut]
    authorizations: list[ChargeAuthOut]


class ChargeImportOut(Schema):
    ok: bool
    created: list[str]
    updated: list[str]
    problems: list[FieldProblem]


def to_input(body: ChargeIn) -> services.ChargeInput:
    def address(a: AddressIn) -> services.AddressInput:
        return services.AddressInput(a.line1, a.line2, a.city, a.state, a.postal_code)

    p, c, b = body.patient, body.coverage, body.billing_provider
    return services.ChargeInput(
        patient=services.PatientInput(p.last_name, p.first_name, p.birth_date, p.sex,
                                      address(p.address)),
        payer=services.PayerInput(body.payer.payer_id, body.payer.name, body.payer.kind),
        coverage=services.CoverageInput(
            c.member_id, c.group_number, c.relationship, c.priority, c.filing_indicator,
            c.subscriber_last_name, c.subscriber_first_name, c.subscriber_birth_date,
            c.subscriber_sex),
        billing_provider=services.ProviderInput(b.npi, b.name, b.tax_id, b.tax_id_qualifier,
                                                b.taxonomy, b.entity_type, address(b.address)),
        lines=tuple(services.LineInput(ln.procedure, ln.charge, ln.units, tuple(ln.modifiers),
                                       ln.service_date, tuple(ln.diagnosis_pointers),
                                       ln.place_of_service, ln.revenue_code)
                    for ln in body.lines),
        kind=body.kind, facility_code=body.facility_code, frequency=body.frequency,
        diagnoses=tuple(body.diagnoses), prior_authorization=body.prior_authorization)


def _client(user: Any, slug: str) -> Organization:
    """The client by slug; one the user may not enter charges for answers 404/403."""
    client: Organization | None = Organization.objects.filter(slug=slug,
                                                              kind="client").first()
    if client is None:
        raise Http404("Not found.")
    services.may_enter(user, client.pk)
    return client


def _drafts(user: Any) -> Any:
    return (Claim.objects.visible_to(user, Workflow.CHARGES_CLAIMS)
            .filter(status=ClaimStatus.DRAFT)
            .select_related("client", "patient", "payer", "coverage", "billing_provider"))


def _draft(user: Any, claim_id: int) -> Claim:
    found: Claim | None = _drafts(user).filter(pk=claim_id).first()
    if found is None:
        raise Http404("Not found.")
    return found


def etag(claim: Claim) -> str:
    return f'"{claim.pk}-{claim.version}"'


def _out(claim: Claim, *, lines: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": claim.pk, "client": claim.client.slug,
        "patient_control_number": claim.patient_control_number, "version": claim.version,
        "etag": etag(claim), "status": claim.status, "origin": claim.origin,
        "front_door": claim.front_door, "kind": claim.kind, "patient": str(claim.patient),
        "payer": claim.payer.payer_id,
        "member_id": claim.coverage.member_id if claim.coverage else "",
        "billing_npi": claim.billing_provider.npi if claim.billing_provider else "",
        "facility_code": claim.facility_code, "diagnoses": claim.diagnoses,
        "prior_authorization": claim.prior_authorization, "service_from": claim.service_from,
        "total_charge": claim.total_charge, "updated_at": claim.updated_at}
    if lines:
        out["lines"] = [{
            "line_number": ln.line_number, "procedure": ln.procedure, "modifiers": ln.modifiers,
            "units": ln.units, "charge": ln.charge, "service_date": ln.service_date,
            "diagnosis_pointers": ln.diagnosis_pointers, "place_of_service": ln.place_of_service,
            "revenue_code": ln.revenue_code} for ln in claim.lines.order_by("line_number")]
    return out


class DraftFilter(Page):
    front_door: str | None = None  # none | held | ready
    origin: str | None = None


@router.get("", response=list[DraftOut])
def list_drafts(request: HttpRequest, filters: Query[DraftFilter]) -> list[dict[str, Any]]:
    """Drafts you may see, newest change first."""
    drafts = _drafts(request.user).order_by("-updated_at", "-id")
    if filters.front_door in ("none", "held", "ready"):
        drafts = drafts.filter(front_door="" if filters.front_door == "none"
                               else filters.front_door)
    if filters.origin in ClaimOrigin.values:
        drafts = drafts.filter(origin=filters.origin)
    page = list(drafts[filters.offset:filters.offset + filters.limit])
    record_listing(page, "claims.claim", key="drafts")
    return [_out(c) for c in page]


@router.post("", response={201: DraftOut, 400: ProblemsOut})
def create_draft(request: HttpRequest, body: ChargeIn, response: HttpResponse) -> Any:
    """Enter a charge: a DRAFT claim (nothing is charged until it is submitted)."""
    client = _client(request.user, body.client)
    claim = services.enter_claim(client, to_input(body), acting_user=request.user)
    claim = _draft(request.user, claim.pk)
    response["ETag"] = etag(claim)
    return Status(201, _out(claim, lines=True))


@router.post("/check", response=CheckOut)
def check_charge(request: HttpRequest, body: ChargeIn) -> dict[str, Any]:
    """What the scrubber and the authorization book say of this charge; nothing is saved."""
    client = _client(request.user, body.client)
    result = preview(request.user, client, to_input(body))
    return {"scrubbed": result.scrubbed, "clean": result.clean,
            "findings": [{"code": f.code, "message": f.message, "severity": f.severity,
                          "field": f.field, "line_number": f.line_number}
                         for f in result.findings],
            "authorizations": [{"line_number": a.line_number, "code": a.code,
                                "needed": a.check.needed,
                                "authorization_id": a.check.authorization_id,
                                "problem": a.check.problem, "message": a.check.message}
                               for a in result.auths]}


@router.get("/{int:claim_id}", response=DraftOut)
def read_draft(request: HttpRequest, claim_id: int, response: HttpResponse) -> dict[str, Any]:
    claim = _draft(request.user, claim_id)
    record("read", client_id=claim.client_id, obj=claim)
    response["ETag"] = etag(claim)
    return _out(claim, lines=True)


def _precondition(request: HttpRequest, claim: Claim, version: int | None) -> int | None:
    header = request.headers.get("If-Match", "").strip()
    if header:
        pk, _, number = header.removeprefix("W/").strip('"').partition("-")
        if pk != str(claim.pk) or not number.isdigit():
            return 0  # names another claim or no version: can never match
        return int(number)
    return version


@router.put("/{int:claim_id}",
            response={200: DraftOut, 400: ProblemsOut, 409: Problem, 412: Problem,
                      428: Problem})
def update_draft(request: HttpRequest, claim_id: int, body: ChargeIn,
                 response: HttpResponse) -> Any:
    """Replace a draft's content, conditional on the version you read."""
    claim = _draft(request.user, claim_id)
    if body.client != claim.client.slug:
        return Status(400, {"detail": "A draft stays with its client.", "problems": []})
    version = _precondition(request, claim, body.version)
    if version is None:
        return Status(428, {"detail": "Send the draft's ETag in If-Match (or its version)."})
    services.update_draft(claim, to_input(body), version, acting_user=request.user)
    claim = _draft(request.user, claim_id)
    response["ETag"] = etag(claim)
    return Status(200, _out(claim, lines=True))


@router.delete("/{int:claim_id}", response={204: None, 409: Problem, 412: Problem,
                                            428: Problem})
def discard_draft(request: HttpRequest, claim_id: int, version: int | None = None) -> Any:
    """Discard a draft that never left, conditional on the version you read."""
    claim = _draft(request.user, claim_id)
    expected = _precondition(request, claim, version)
    if expected is None:
        return Status(428, {"detail": "Send the draft's ETag in If-Match (or ?version=)."})
    services.discard_draft(claim, expected, acting_user=request.user)
    return Status(204, None)


@router.post("/import", response={200: ChargeImportOut, 400: ChargeImportOut})
def import_charges(request: HttpRequest, file: File[UploadedFile],
                   client: Form[str], format: Form[str] = "") -> Any:
    """A CSV, FHIR R4 Bundle or 837 as drafts: all or nothing (see ``charges.imports``)."""
    org = _client(request.user, client)
    result, _ = imports.import_upload(org, file, format, acting_user=request.user)
    out = {"ok": result.ok, "created": result.created, "updated": result.updated,
           "problems": [{"row": p.row, "field": p.field, "message": p.message}
                        for p in result.problems]}
    return Status(200 if result.ok else 400, out)
