"""Applying a 271 (005010X279A1): store each member's answer and benefit summaries, move the
visit, and let the producer raise or close its items.

An answer finds its visit by our trace (TRN02) first; an answer refused before any member
level carries no trace, so it finds every visit of the 270 whose BHT03 it echoes; failing
both, by member id + last and first name + birth date (all four must agree, within the client
the file was received for). An answer that finds no visit is kept unmatched (stored with
no visit) and named by its trace in the file's summary, which the file page shows.

Idempotent: each stored answer is keyed by a digest of what the payer said about the member
(independent of the envelope) and the visit, so re-ingesting the same 271 — in the same file
or a new interchange — adds nothing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone

from rcmdesk.audit.services import record
from rcmdesk.eligibility import benefits
from rcmdesk.eligibility.models import (
    BenefitSummary,
    EligibilityRequest,
    EligibilityResponse,
    Visit,
    VisitStatus,
)
from rcmdesk.eligibility.producer import sync_visits
from rcmdesk.eligibility.services import visit_status_for
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.tenancy.models import Organization
from rcmdesk.x12.parser import Transaction


def apply_271(received: ReceivedFile, tx: Transaction, *, acting_user: Any) -> dict[str, Any]:
    """Intake's applier for a 271 set (runs inside the set's transaction)."""
    client = received.client
    counts = {"answers": 0, "matched": 0, "unmatched": 0, "stored": 0, "already": 0}
    moved: set[int] = set()
    strays: list[str] = []
    for answer in benefits.answers(tx):
        counts["answers"] += 1
        found = match(client, answer)
        counts["matched" if found else "unmatched"] += 1
        if not found:
            strays.append(unmatched_words(answer))
        pairs: list[tuple[Visit | None, EligibilityRequest | None]] = (
            list(found) if found else [(None, None)])
        for visit, request in pairs:
            response = store(received, answer, visit, request)
            if response is None:
                counts["already"] += 1
                continue
            counts["stored"] += 1
            if visit is not None:
                _move_visit(visit, response, acting_user)
                moved.add(visit.pk)
    items = sync_visits(client, client.today(), visit_ids=moved) if moved else None
    return {"control": tx.control, **counts,
            "items": items.as_dict() if items is not None else {},
            "unmatched_answers": strays[:UNMATCHED_LISTED]}


# the file page lists the answers that found no visit (they are stored, visit empty)
UNMATCHED_LISTED = 20


def unmatched_words(answer: benefits.Answer) -> str:
    """An answer that found no 270 of ours, as the file page names it: its trace."""
    words = f"trace {answer.trace}" if answer.trace else "no trace"
    return words + (f" (270 reference {answer.reference})" if answer.reference else "")


def match(client: Organization, answer: benefits.Answer
          ) -> list[tuple[Visit, EligibilityRequest | None]]:
    """Our trace, then the 270's reference (whole-request refusals), then the member."""
    requests = EligibilityRequest.objects.filter(client=client).select_related(
        "visit__patient", "visit__payer", "visit__coverage__payer")
    if answer.trace:
        req = requests.filter(trace=answer.trace).first()
        if req is not None:
            return [(req.visit, req)]
    if not answer.member_id and not answer.last_name and answer.reference:
        return [(r.visit, r) for r in requests.filter(reference=answer.reference)]
    if answer.member_id and answer.last_name and answer.birth_date:
        visit = _by_member(client, answer)
        if visit is not None:
            return [(visit, None)]
    return []


def _by_member(client: Organization, answer: benefits.Answer) -> Visit | None:
    """The member's visit asked about most recently, else the nearest one to come."""
    visits = Visit.objects.filter(
        client=client, coverage__member_id=answer.member_id,
        patient__last_name__iexact=answer.last_name,
        patient__first_name__iexact=answer.first_name,
        patient__birth_date=answer.birth_date).exclude(status=VisitStatus.CANCELLED)
    visits = visits.select_related("patient", "payer", "coverage__payer")
    asked: Visit | None = visits.filter(requests__isnull=False).order_by(
        "-requests__requested_at").first()
    if asked is not None:
        return asked
    today = client.today()
    upcoming: Visit | None = visits.filter(scheduled_on__gte=today).order_by(
        "scheduled_on").first()
    return upcoming or visits.order_by("-scheduled_on").first()


def store(received: ReceivedFile, answer: benefits.Answer, visit: Visit | None,
          request: EligibilityRequest | None) -> EligibilityResponse | None:
    """The answer and its summaries, unless this answer for this visit is on file already."""
    key = hashlib.sha256(f"{answer.digest}|{visit.pk if visit else ''}".encode()).hexdigest()
    client_id = received.client_id
    if EligibilityResponse.objects.filter(client_id=client_id, key=key).exists():
        return None
    payer = None
    if visit is not None:
        payer = visit.payer or (visit.coverage.payer if visit.coverage is not None else None)
    response = EligibilityResponse.objects.create(
        client_id=client_id, visit=visit, request=request, file=received,
        patient=visit.patient if visit is not None else None, payer=payer,
        as_of=visit.scheduled_on if visit is not None else None, key=key,
        trace=answer.trace[:50], reference=answer.reference[:50],
        payer_name=answer.payer_name[:200], payer_identifier=answer.payer_identifier[:80],
        member_id=answer.member_id[:80], last_name=answer.last_name[:100],
        first_name=answer.first_name[:100], birth_date=answer.birth_date,
        status=answer.status, plan=answer.plan[:100], group_number=answer.group_number[:50],
        coverage_start=answer.coverage_start, coverage_end=answer.coverage_end,
        dates=answer.dates, rejections=[r.as_dict() for r in answer.rejections],
        other_payers=list(answer.other_payers))
    BenefitSummary.objects.bulk_create([
        BenefitSummary(client_id=client_id, response=response, service_type=s.service_type[:3],
                       status=s.status, insurance_type=s.insurance_type[:3],
                       plan=s.plan[:100], **s.amounts())
        for s in answer.summaries])
    record("eligibility.response_received", client_id=client_id, obj=response,
           detail={"visit": visit.pk if visit else None,
                   "request": request.pk if request else None, "status": answer.status,
                   "rejections": [r.reason for r in answer.rejections],
                   "benefits": len(answer.summaries), "file": received.pk})
    return response


def _move_visit(visit: Visit, response: EligibilityResponse, actor: Any) -> None:
    """The visit's status follows its latest answer (a cancelled visit stays cancelled)."""
    status = visit_status_for(response)
    if visit.status in (VisitStatus.CANCELLED, status):
        return
    before = visit.status
    Visit.objects.filter(pk=visit.pk).update(status=status, updated_at=timezone.now())
    visit.status = status
    record("eligibility.visit_status", client_id=visit.client_id, obj=visit, acting_user=actor,
           detail={"from": before, "to": status, "response": response.pk})
