"""Authorizations worked by a specialist: recorded from a portal, phone call or fax, edited,
and asked of the payer with a 278 (005010X217).

The 278 goes out through intake's outbound writer (control numbers never reused, the file
kept as written), like the 276 in ``rcmdesk.arfollowup.services``. Our trace number (TRN02)
goes in the patient event level; the payer echoes it in the response
(``rcmdesk.priorauth.response``), which is how the answer finds its authorization again.
Asking again for an authorization that is already approved (an extension) leaves its status
alone; otherwise the authorization becomes "requested".
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Coverage, Patient, Payer, Provider
from rcmdesk.eligibility.models import Visit
from rcmdesk.intake import outbound
from rcmdesk.playbooks.editing import record_change
from rcmdesk.playbooks.models import AuthRequirement
from rcmdesk.priorauth.decisions import Decision, record_decision
from rcmdesk.priorauth.lookup import AuthBook
from rcmdesk.priorauth.models import Authorization, AuthRequest, AuthSource, AuthStatus
from rcmdesk.priorauth.producers import sync_authorizations
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue import services as workqueue
from rcmdesk.workqueue.models import ActionKind, ItemKind, WorkItem
from rcmdesk.x12 import t278
from rcmdesk.x12.values import DateRef, Name
from rcmdesk.x12.writer import Elements, Envelope, TransactionBody, amount
from rcmdesk.x12.writers import build_278

MANUAL_SOURCES = (AuthSource.PORTAL, AuthSource.PHONE, AuthSource.FAX)


class AuthProblem(errors.Invalid, ValueError):
    """A request the data does not allow (shown to the person as is)."""


@dataclass
class AuthInput:
    """The fields a specialist records from a portal screen, a call or a fax."""

    patient_id: int
    payer_id: int
    codes: list[str]
    status: str
    source: str = AuthSource.PHONE
    provider_id: int | None = None
    visit_id: int | None = None
    certification_number: str = ""
    decision_code: str = ""
    reason_code: str = ""
    approved_units: Decimal | None = None
    start_date: date | None = None
    end_date: date | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def clean_codes(codes: Sequence[str]) -> list[str]:
    out = list(dict.fromkeys(c.strip().upper() for c in codes if c and c.strip()))
    for code in out:
        if not code.isalnum() or len(code) > 48:
            raise AuthProblem(f"{code!r} is not a procedure code.")
    return out


def _check(client: Organization, data: AuthInput) -> tuple[Patient, Payer, Provider | None,
                                                            Visit | None]:
    """The rows the input names, all of this client's (else: not found, in plain words)."""
    patient = Patient.objects.filter(client=client, pk=data.patient_id).first()
    payer = Payer.objects.filter(client=client, pk=data.payer_id).first()
    if patient is None or payer is None:
        raise AuthProblem("Choose a patient and a payer of this client.")
    provider = None
    if data.provider_id is not None:
        provider = Provider.objects.filter(client=client, pk=data.provider_id).first()
        if provider is None:
            raise AuthProblem("Choose a provider of this client.")
    visit = None
    if data.visit_id is not None:
        visit = Visit.objects.filter(client=client, pk=data.visit_id,
                                     patient=patient).first()
        if visit is None:
            raise AuthProblem("Choose one of this patient's visits.")
    if data.status not in AuthStatus.values:
        raise AuthProblem(f"Unknown status {data.status!r}.")
    if data.source not in MANUAL_SOURCES:
        raise AuthProblem("A recorded authorization comes from a portal, a phone call or a fax.")
    if data.start_date and data.end_date and data.start_date > data.end_date:
        raise AuthProblem("The approved dates end before they start.")
    if data.approved_units is not None and data.approved_units < 0:
        raise AuthProblem("Approved units cannot be negative.")
    if not clean_codes(data.codes):
        raise AuthProblem("Name at least one procedure code.")
    return patient, payer, provider, visit


def _decision(data: AuthInput, codes: list[str]) -> Decision:
    return Decision(status=data.status, decision_code=data.decision_code.strip().upper()[:2],
                    reason_code=data.reason_code.strip().upper()[:3],
                    certification_number=data.certification_number.strip(),
                    approved_units=data.approved_units, start_date=data.start_date,
                    end_date=data.end_date, codes=codes, note=data.note)


def record_manual(client: Organization, data: AuthInput, *, acting_user: Any,
                  today: date | None = None) -> Authorization:
    """A new authorization as read from a portal or heard on a call; audited."""
    require(acting_user, Action.WORK_ITEMS, client.pk, Workflow.PRIOR_AUTH)
    patient, payer, provider, visit = _check(client, data)
    codes = clean_codes(data.codes)
    now = timezone.now()
    with transaction.atomic():
        auth = Authorization.objects.create(
            client=client, patient=patient, payer=payer, provider=provider, visit=visit,
            codes=codes, status=data.status, source=data.source,
            certification_number=data.certification_number.strip()[:50],
            decision_code=data.decision_code.strip().upper()[:2],
            reason_code=data.reason_code.strip().upper()[:3],
            approved_units=data.approved_units, start_date=data.start_date,
            end_date=data.end_date, note=data.note[:500], created_by=person(acting_user),
            created_at=now, updated_at=now)
        record("priorauth.authorization_recorded", client_id=client.pk, obj=auth,
               acting_user=acting_user,
               detail={"source": data.source, "status": data.status, "codes": codes,
                       "patient": patient.pk, "payer": payer.pk})
        record_decision(auth, _decision(data, codes), source=data.source, acting_user=acting_user,
                        key=f"manual:{auth.pk}:{now.isoformat()}")
        sync_authorizations(client, today or client.today(), patient_ids=[patient.pk])
    return auth


def update_manual(auth: Authorization, data: AuthInput, *, acting_user: Any,
                  today: date | None = None) -> Authorization:
    """A later answer (a call back, a portal update) or a correction; kept in the history."""
    require(acting_user, Action.WORK_ITEMS, auth.client_id, Workflow.PRIOR_AUTH)
    client = auth.client
    data.patient_id, data.payer_id = auth.patient_id, auth.payer_id
    _, _, provider, visit = _check(client, data)
    codes = clean_codes(data.codes)
    now = timezone.now()
    with transaction.atomic():
        auth = Authorization.objects.select_for_update().get(pk=auth.pk)
        auth.provider, auth.visit, auth.note = provider, visit, data.note[:500]
        auth.save(update_fields=["provider", "visit", "note"])
        decision = _decision(data, codes)
        record_decision(auth, decision, source=data.source, acting_user=acting_user,
                        key=f"manual:{auth.pk}:{now.isoformat()}")
        # a correction may clear a field, which record_decision never does on its own
        for name in ("certification_number", "approved_units", "start_date", "end_date"):
            setattr(auth, name, getattr(decision, name))
        auth.save(update_fields=["certification_number", "approved_units", "start_date",
                                 "end_date"])
        sync_authorizations(client, today or client.today(),
                            patient_ids=[auth.patient_id])
    return auth


# --- 278 requests --------------------------------------------------------------------------


def request_authorization(target: Authorization | Visit,
                          codes: Sequence[str] | None = None, *, acting_user: Any,
                          units: Decimal | None = None,
                          service_date: date | None = None, sender: str = "",
                          receiver: str = "") -> Authorization:
    """Write a 278 asking the payer to review ``codes`` for a visit or an authorization."""
    require(acting_user, Action.WORK_ITEMS, target.client_id, Workflow.PRIOR_AUTH)
    now = timezone.now()
    with transaction.atomic():
        auth = _authorization_for(acting_user, target, codes, now)
        wanted = clean_codes(codes) if codes else list(auth.codes)
        if not wanted:
            raise AuthProblem("Name at least one procedure code to ask about.")
        day = service_date or (auth.visit.scheduled_on if auth.visit else None) or auth.start_date
        client = auth.client
        trace = new_trace(auth)
        body = build_request(auth, wanted, trace, units=units, service_date=day,
                             today=client.today())
        envelope = Envelope(sender=sender or _sender(client.slug),
                            receiver=receiver or auth.payer.payer_id[:15] or "RECEIVER")
        out = outbound.write(client, "278", [body], envelope, acting_user=acting_user, count=1,
                             name=f"278-{now:%Y%m%d%H%M%S}-{auth.pk}.x12",
                             purpose="prior authorization request")
        req = AuthRequest.objects.create(client=client, authorization=auth, outbound=out,
                                         trace=trace, requested_at=now,
                                         requested_by=person(acting_user))
        auth.reference = trace
        if auth.status not in AuthStatus.usable():
            auth.status = AuthStatus.REQUESTED
        if sorted(set(auth.codes) | set(wanted)) != sorted(auth.codes):
            auth.codes = sorted(set(auth.codes) | set(wanted))
        auth.updated_at = now
        auth.save(update_fields=["reference", "status", "codes", "updated_at"])
        record("priorauth.requested", client_id=client.pk, obj=req, acting_user=acting_user,
               detail={"authorization": auth.pk, "trace": trace, "isa13": out.isa13,
                       "codes": wanted})
        _note_on_items(acting_user, auth, wanted, f"278 sent, trace {trace}", now)
    return auth


def _authorization_for(user: Any, target: Authorization | Visit,
                       codes: Sequence[str] | None, now: Any) -> Authorization:
    if isinstance(target, Authorization):
        locked: Authorization = Authorization.objects.select_for_update().get(pk=target.pk)
        return locked
    visit = target
    if visit.payer_id is None:
        raise AuthProblem("The visit has no payer to ask.")
    planned = clean_codes(codes or visit.procedures or [])
    if not codes:
        book = AuthBook(visit.client_id, [visit.patient_id])
        planned = [c for c in planned if book.needs_auth(visit.payer_id, c)] or planned
    if not planned:
        raise AuthProblem("The visit plans no procedure codes to ask about.")
    auth = Authorization.objects.create(
        client_id=visit.client_id, patient_id=visit.patient_id, payer_id=visit.payer_id,
        provider_id=visit.provider_id, visit=visit, codes=planned,
        status=AuthStatus.REQUESTED, source=AuthSource.X278, start_date=visit.scheduled_on,
        end_date=visit.scheduled_on, created_by=person(user), created_at=now,
        updated_at=now)
    record("priorauth.authorization_opened", client_id=visit.client_id, obj=auth, acting_user=user,
           detail={"visit": visit.pk, "codes": planned})
    return auth


def new_trace(auth: Authorization) -> str:
    """TRN02: the authorization id makes it readable on a call, the random tail unique."""
    return f"A{auth.pk}R{secrets.token_hex(5).upper()}"


def _sender(slug: str) -> str:
    return slug.upper().replace("-", "")[:15] or "RCMDESK"



def _coverage(auth: Authorization) -> Coverage | None:
    if auth.visit is not None and auth.visit.coverage_id is not None:
        return auth.visit.coverage
    return (Coverage.objects.filter(client_id=auth.client_id, patient_id=auth.patient_id,
                                    payer_id=auth.payer_id).order_by("priority", "pk").first())


def _requester(auth: Authorization) -> Name:
    provider = auth.provider
    if provider is None:
        return Name("1P", "2", auth.client.name[:60])
    return Name("1P", "1" if provider.entity_type == "1" else "2", provider.name[:60],
                id_qualifier="XX", id=provider.npi)


def build_request(auth: Authorization, codes: Sequence[str], trace: str, *,
                  units: Decimal | None, service_date: date | None,
                  today: date) -> TransactionBody:
    """One 278 request: the patient event carries our trace and the date, one service level
    per code with its SV1 (the typed writer has no SV1, so it is added here)."""
    patient, payer = auth.patient, auth.payer
    coverage = _coverage(auth)
    member = coverage.member_id if coverage is not None else ""
    dates = (DateRef("472", f"{service_date:%Y%m%d}", "D8"),) if service_date else ()
    event = t278.Review(level="2000E", request_category="HS", certification_type="I",
                        service_type="1", dates=dates, trace=trace,
                        trace_originator=f"9{auth.client_id % 10**9:09d}")  # TRN03: ours
    services = tuple(t278.Review(level="2000F", request_category="HS",
                                 certification_type="I", service_type="1",
                                 units_qualifier="UN" if units is not None else "",
                                 units=units) for _ in codes)
    review = t278.ServicesReview(
        control="0001", response=False,
        umo=Name("X3", "2", payer.name[:60], id_qualifier="PI", id=payer.payer_id),
        requester=_requester(auth),
        subscriber=Name("IL", "1", patient.last_name, patient.first_name, patient.middle_name,
                        patient.suffix, "MI" if member else "", member),
        reviews=(event, *services))
    body = build_278(review, date=f"{today:%Y%m%d}", time="1200")
    return _with_service_lines(body, codes, units)


def _with_service_lines(body: TransactionBody, codes: Sequence[str],
                        units: Decimal | None) -> TransactionBody:
    """SV1 at the end of each service level (2000F), in the order of ``codes``."""
    out: list[Elements] = []
    pending: Elements | None = None
    left = list(codes)
    for seg in body.segments:
        if seg[0] == "HL" and pending is not None:
            out.append(pending)
            pending = None
        out.append(seg)
        if seg[0] == "HL" and len(seg) > 3 and seg[3] == "SS" and left:
            pending = ["SV1", ("HC", left.pop(0)), "", "UN", amount(units) or "1"]
    if pending is not None:
        out.append(pending)
    return TransactionBody(body.set_id, body.version, body.functional_id, body.control, out)


def _note_on_items(user: Any, auth: Authorization, codes: Sequence[str], note: str,
                   now: Any) -> None:
    items = WorkItem.objects.active().filter(
        client_id=auth.client_id, kind=ItemKind.PRIOR_AUTH).filter(
        Q(detail__patient_id=auth.patient_id, detail__code__in=list(codes))
        | Q(source_key__startswith=f"auth:{auth.pk}:"))
    for item in items:
        workqueue.touch_for_request(item, ActionKind.NOTE, note, now, acting_user=user)


# --- playbook data: which codes need an authorization ---------------------------------------


def add_requirement(client: Organization, *, acting_user: Any, payer: Payer | None, codes: str,
                    note: str = "") -> AuthRequirement:
    """A client admin's playbook row; ``codes`` was checked by ``CodeList.parse``."""
    require(acting_user, Action.EDIT_PLAYBOOKS, client.pk)
    if payer is not None and payer.client_id != client.pk:
        raise AuthProblem("Choose a payer of this client.")
    with transaction.atomic():
        row = AuthRequirement.objects.create(client=client, payer=payer, codes=codes[:500],
                                             note=note[:300], active=True,
                                             updated_at=timezone.now())
        record("playbooks.auth_requirement_added", client_id=client.pk, obj=row,
               acting_user=acting_user,
               detail={"payer": payer.pk if payer else None, "codes": row.codes})
        record_change(row, note or "authorization requirement added", acting_user=acting_user)
    return row


def deactivate_requirement(row: AuthRequirement, *, acting_user: Any) -> AuthRequirement:
    require(acting_user, Action.EDIT_PLAYBOOKS, row.client_id)
    with transaction.atomic():
        row.active = False
        row.updated_at = timezone.now()
        row.save(update_fields=["active", "updated_at"])
        record("playbooks.auth_requirement_deactivated", client_id=row.client_id, obj=row,
               acting_user=acting_user, detail={"codes": row.codes})
        record_change(row, "authorization requirement deactivated", acting_user=acting_user)
    return row
