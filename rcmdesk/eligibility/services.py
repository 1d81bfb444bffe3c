"""Visits and eligibility questions: entering a visit, writing the 270, finding answers.

The 270 goes out through intake's outbound writer (control numbers never reused, the file kept
as written), one transaction set per payer in one interchange. Each visit gets its own trace
(TRN02, unique per client), which the payer echoes in the 271; the whole 270 gets a reference
(BHT03), echoed too, for answers refused before any member level.

When a visit is worked (its lead time) is the producer's business:
``rcmdesk.eligibility.producer.lead_days``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim, Coverage, Patient, Payer, Provider
from rcmdesk.eligibility.models import (
    BenefitSummary,
    EligibilityRequest,
    EligibilityResponse,
    Visit,
    VisitSource,
    VisitStatus,
)
from rcmdesk.eligibility.producer import sync_visits
from rcmdesk.intake import outbound
from rcmdesk.intake.models import OutboundFile
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue import services as workqueue
from rcmdesk.workqueue.models import ActionKind, ItemKind, WorkItem
from rcmdesk.x12 import t270
from rcmdesk.x12.values import DateRef, Name
from rcmdesk.x12.writer import Envelope, TransactionBody
from rcmdesk.x12.writers import build_270

DEFAULT_SERVICE_TYPES = ("30",)  # health benefit plan coverage


class MixedClients(errors.Invalid, ValueError):
    """One 270 belongs to one client."""


class VisitProblem(errors.Invalid, ValueError):
    """A visit that cannot be asked about (no payer or member id), named in the message."""


# --- entering visits --------------------------------------------------------------------


@dataclass
class VisitInput:
    """One visit as a person, a CSV row or a FHIR Appointment describes it."""

    scheduled_on: date
    last_name: str
    first_name: str
    birth_date: date | None
    sex: str = ""
    payer_id: str = ""
    member_id: str = ""
    provider_npi: str = ""
    service_types: list[str] = field(default_factory=list)
    procedures: list[str] = field(default_factory=list)
    external_id: str = ""
    payer_name: str = ""
    provider_name: str = ""


def save_visit(client: Organization, data: VisitInput, *, source: str, acting_user: Any,
               now: datetime | None = None) -> tuple[Visit, bool]:
    """Create the visit, or update the one with the same external id; (visit, created).

    The patient is found by name and birth date (as the 837 mirror does), the payer by its
    id (created with the id as name when new), the coverage by payer + member id.
    """
    now = now or timezone.now()
    patient = _patient(client, data)
    payer = _payer(client, data) if data.payer_id else None
    coverage = _coverage(client, patient, payer, data.member_id) if payer else None
    provider = _provider(client, data) if data.provider_npi else None
    values = {"patient": patient, "payer": payer, "coverage": coverage, "provider": provider,
              "scheduled_on": data.scheduled_on,
              "service_types": list(data.service_types) or list(DEFAULT_SERVICE_TYPES),
              "procedures": list(data.procedures), "updated_at": now}
    visit = None
    if data.external_id:
        visit = Visit.objects.filter(client=client, source=source,
                                     external_id=data.external_id).first()
    created = visit is None
    if visit is None:
        visit = Visit.objects.create(client=client, source=source,
                                     external_id=data.external_id, created_at=now,
                                     created_by=person(acting_user), **values)
    else:
        for name, value in values.items():
            setattr(visit, name, value)
        visit.save()
    record("eligibility.visit_created" if created else "eligibility.visit_updated",
           client_id=client.pk, obj=visit, acting_user=acting_user,
           detail={"source": source, "patient": patient.pk, "payer": payer.pk if payer else None})
    return visit, created


def create_visit(client: Organization, data: VisitInput, *, acting_user: Any) -> Visit:
    """A visit entered by hand (the form, the API)."""
    require(acting_user, Action.WORK_ITEMS, client.pk, Workflow.ELIGIBILITY)
    with transaction.atomic():
        visit, _ = save_visit(client, data, source=VisitSource.UI, acting_user=acting_user)
        sync_visits(client, client.today(), visit_ids=[visit.pk])
    return visit


def _patient(client: Organization, data: VisitInput) -> Patient:
    found: Patient | None = Patient.objects.filter(client=client, last_name__iexact=data.last_name,
                                   first_name__iexact=data.first_name,
                                   birth_date=data.birth_date).first()
    if found is not None:
        if data.sex and not found.sex:
            found.sex = data.sex
            found.save(update_fields=["sex"])
        return found
    patient: Patient = Patient.objects.create(
        client=client, last_name=data.last_name, first_name=data.first_name,
        birth_date=data.birth_date, sex=data.sex)
    return patient


def _payer(client: Organization, data: VisitInput) -> Payer:
    payer, _ = Payer.objects.get_or_create(
        client=client, payer_id=data.payer_id,
        defaults={"name": data.payer_name or data.payer_id})
    return payer


def _coverage(client: Organization, patient: Patient, payer: Payer,
              member_id: str) -> Coverage | None:
    if not member_id:
        return Coverage.objects.filter(client=client, patient=patient, payer=payer).first()
    coverage, _ = Coverage.objects.get_or_create(client=client, patient=patient, payer=payer,
                                                 member_id=member_id)
    return coverage


def _provider(client: Organization, data: VisitInput) -> Provider:
    provider, _ = Provider.objects.get_or_create(
        client=client, npi=data.provider_npi,
        defaults={"name": data.provider_name or f"NPI {data.provider_npi}"})
    return provider


# --- the 270 ----------------------------------------------------------------------------


def request_eligibility(visits: Sequence[Visit], *, acting_user: Any, sender: str = "",
                        receiver: str = "") -> OutboundFile:
    """Write one 270 asking about ``visits`` and remember each question by its trace.

    ``acting_user`` is checked for permission and named by the audit trail.
    """
    visits = _distinct(visits)
    if not visits:
        raise ValueError("Choose at least one visit to ask about.")
    client = visits[0].client
    if any(v.client_id != client.pk for v in visits):
        raise MixedClients("An eligibility request covers one client's visits.")
    require(acting_user, Action.WORK_ITEMS, client.pk, Workflow.ELIGIBILITY)
    for visit in visits:
        _check_askable(visit)
    reference = secrets.token_hex(5).upper()
    traces = {v.pk: new_trace(v) for v in visits}
    bodies = _bodies(visits, traces, reference, client.name, client.today())
    sender = sender or _sender(client.slug)
    envelope = Envelope(sender=sender, receiver=receiver or _receiver(visits))
    now = timezone.now()
    with transaction.atomic():
        out = outbound.write(client, "270", bodies, envelope, acting_user=acting_user,
                             count=len(visits),
                             name=f"270-{now:%Y%m%d%H%M%S}-{len(visits)}.x12",
                             purpose="eligibility request")
        for visit in visits:
            req = EligibilityRequest.objects.create(
                client=client, visit=visit, outbound=out, trace=traces[visit.pk],
                reference=reference, service_types=_service_types(visit), requested_at=now,
                requested_by=person(acting_user))
            record("eligibility.requested", client_id=client.pk, obj=req, acting_user=acting_user,
                   detail={"visit": visit.pk, "trace": req.trace, "isa13": out.isa13})
            _note_on_item(acting_user, visit, req.trace, now)
    return out


def new_trace(visit: Visit) -> str:
    """TRN02: the visit id for a person on the phone, a random tail for uniqueness."""
    return f"V{visit.pk}R{secrets.token_hex(5).upper()}"


def _check_askable(visit: Visit) -> None:
    if visit.status == VisitStatus.CANCELLED:
        raise VisitProblem(f"Visit #{visit.pk} is cancelled.")
    if _visit_payer(visit) is None:
        raise VisitProblem(f"Visit #{visit.pk} has no payer to ask.")
    if visit.coverage is None or not visit.coverage.member_id:
        raise VisitProblem(f"Visit #{visit.pk} has no member id to ask about.")


def _visit_payer(visit: Visit) -> Payer | None:
    if visit.payer is not None:
        return visit.payer
    return visit.coverage.payer if visit.coverage is not None else None


def _distinct(visits: Sequence[Visit]) -> list[Visit]:
    seen: dict[int, Visit] = {}
    for visit in visits:
        seen.setdefault(visit.pk, visit)
    return list(seen.values())


def _service_types(visit: Visit) -> list[str]:
    return [str(t) for t in visit.service_types] or list(DEFAULT_SERVICE_TYPES)


def _sender(slug: str) -> str:
    return slug.upper().replace("-", "")[:15] or "RCMDESK"


def _receiver(visits: Sequence[Visit]) -> str:
    payers = {p.payer_id for v in visits if (p := _visit_payer(v)) is not None}
    return payers.pop()[:15] if len(payers) == 1 else "RECEIVER"



def _bodies(visits: Sequence[Visit], traces: dict[int, str], reference: str,
            client_name: str, today: date) -> list[TransactionBody]:
    by_payer: dict[int, list[Visit]] = {}
    for visit in visits:
        payer = _visit_payer(visit)
        assert payer is not None  # _check_askable
        by_payer.setdefault(payer.pk, []).append(visit)
    bodies = []
    for n, group in enumerate(by_payer.values(), start=1):
        payer = _visit_payer(group[0])
        assert payer is not None
        provider = group[0].provider
        inquiry = t270.EligibilityInquiry(
            f"{n:04d}", reference, Name("PR", "2", payer.name, id_qualifier="PI",
                                        id=payer.payer_id),
            _requester(provider, client_name),
            tuple(_subscriber(v, traces[v.pk]) for v in group))
        bodies.append(build_270(inquiry, date=f"{today:%Y%m%d}"))
    return bodies


def _requester(provider: Provider | None, client_name: str) -> Name:
    if provider is None:
        return Name("1P", "2", client_name)
    return Name("1P", provider.entity_type or "2", provider.name, id_qualifier="XX",
                id=provider.npi)


def _subscriber(visit: Visit, trace: str) -> t270.InquiryMember:
    """The subscriber level, with the patient as a dependent when the coverage is someone
    else's (relationship not 18); the trace goes on the patient's level."""
    coverage = visit.coverage
    assert coverage is not None
    p = visit.patient
    dates = (DateRef("291", f"{visit.scheduled_on:%Y%m%d}", "D8"),)
    types = tuple(_service_types(visit))
    patient_name = Name("IL", "1", p.last_name, p.first_name, p.middle_name, p.suffix)
    born = f"{p.birth_date:%Y%m%d}" if p.birth_date else ""
    originator = _originator(visit.client_id)
    if coverage.relationship in ("", "18"):
        return t270.InquiryMember(
            Name("IL", "1", p.last_name, p.first_name, p.middle_name, p.suffix, "MI",
                 coverage.member_id), trace, originator, born, p.sex, dates, types)
    sub_born = (f"{coverage.subscriber_birth_date:%Y%m%d}" if coverage.subscriber_birth_date
                else "")
    dependent = t270.InquiryMember(
        Name("03", "1", patient_name.last, patient_name.first, patient_name.middle,
             patient_name.suffix), trace, originator, born, p.sex, dates, types)
    return t270.InquiryMember(
        Name("IL", "1", coverage.subscriber_last_name, coverage.subscriber_first_name,
             id_qualifier="MI", id=coverage.member_id), "", "", sub_born,
        coverage.subscriber_sex, (), (), (dependent,))


def _originator(client_id: int) -> str:
    """TRN03: who assigned the trace. '1' + an EIN is for a known tax id; we have none to
    hand, so '9' (an identifier of our own) + the client's id, stable per client."""
    return f"9{client_id % 10**9:09d}"


# --- the eligibility item's history ---------------------------------------------------


def open_item(visit: Visit) -> WorkItem | None:
    """The visit's active "verify eligibility" item, if the producer made one."""
    return WorkItem.objects.active().filter(
        client_id=visit.client_id, kind=ItemKind.ELIGIBILITY,
        source_key=f"visit:{visit.pk}").first()


def _note_on_item(user: Any, visit: Visit, trace: str, now: datetime) -> None:
    item = open_item(visit)
    if item is None:
        return
    workqueue.touch_for_request(item, ActionKind.NOTE, f"270 trace {trace}", now, acting_user=user)


# --- reading answers back ------------------------------------------------------------


def latest_response(visit: Visit) -> EligibilityResponse | None:
    return visit.responses.order_by("-received_at", "-pk").first()


def benefits_for_claim(claim: Claim, answers: QuerySet[EligibilityResponse] | None = None
                       ) -> EligibilityResponse | None:
    """The latest answer for the claim's patient and payer asked about on or before the
    service date (the claim page shows it); ``answers`` narrows the rows (a viewer's
    visible ones)."""
    rows = answers if answers is not None else EligibilityResponse.objects.all()
    rows = rows.filter(client_id=claim.client_id, patient_id=claim.patient_id,
                       payer_id=claim.payer_id)
    if claim.service_from is not None:
        rows = rows.filter(as_of__lte=claim.service_from)
    found: EligibilityResponse | None = rows.order_by(
        "-as_of", "-received_at", "-pk").prefetch_related("benefits").first()
    return found


def summaries(response: EligibilityResponse | None) -> list[BenefitSummary]:
    return list(response.benefits.all()) if response is not None else []


def visit_status_for(response: EligibilityResponse) -> str:
    """Verified only on active coverage with no other payer to bill first."""
    if response.status == "active" and not response.other_payers:
        return VisitStatus.VERIFIED
    return VisitStatus.NEEDS_ATTENTION
