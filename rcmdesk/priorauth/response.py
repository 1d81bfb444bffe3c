"""The payer's 278 answer, applied to the authorization it answers (intake's applier).

Finding the authorization: our trace number (TRN02 of the patient event, echoed by the payer)
first; else the member id (2010C/2010D NM109) with the payer (2010A id), the requester's NPI
and the procedure codes of the service lines, when exactly one open (requested or pending)
authorization fits. An answer that fits none is counted, not guessed.

What is recorded: the decision (HCR01, value kept, status in our words), the certification
number (HCR02 or REF*BB), the payer's administrative reference (REF*NT, given on pended
cases), the reason (HCR03), a rejection of the request itself (AAA03), the approved units
(HSD02, kept only on an approval: on other answers it echoes what was asked) and the dates
(DTP*472 service dates or the certification's effective dates, DTP*AAH; DTP*AAM ends them).

Service lines (2000F) with their own procedure code and decision: lines that got the same
answer stay on the matched authorization; lines that got a different one move to a sibling
authorization (same patient, payer and trace) carrying their codes, so the scrubber sees
each code's real status. A 278 re-ingested finds its decisions by key and changes nothing.
A 278 request (BHT02 13: the client's own copy) is stored only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rcmdesk.claims.models import Coverage
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.priorauth.decisions import Decision, describe, record_decision, status_for
from rcmdesk.priorauth.models import Authorization, AuthRequest, AuthSource, AuthStatus
from rcmdesk.priorauth.producers import sync_authorizations
from rcmdesk.x12 import t278
from rcmdesk.x12.parser import Loop, Transaction
from rcmdesk.x12.values import DateRef

OPEN = (AuthStatus.REQUESTED, AuthStatus.PENDING)
START_QUALIFIERS = ("472", "AAH")


@dataclass
class Line:
    """One answered level: the event (2000E, no codes) or a service line (2000F)."""

    codes: list[str]
    review: t278.Review
    payer_reference: str = ""


@dataclass
class Event:
    trace: str
    member: str
    requester_npi: str
    payer_id: str
    event: Line
    lines: list[Line] = field(default_factory=list)
    rejections: tuple[str, ...] = ()

    @property
    def codes(self) -> list[str]:
        return [c for line in self.lines for c in line.codes]


def apply_278(received: ReceivedFile, tx: Transaction, *, acting_user: Any) -> dict[str, Any]:
    """Intake's applier for a 278 set (runs inside the set's transaction)."""
    review = t278.services_review(tx)
    if not review.response:
        return {"control": tx.control, "stored_only": True, "request": True}
    counts = {"events": 0, "matched": 0, "unmatched": 0, "decisions": 0, "split": 0}
    patients: set[int] = set()
    for event in events(tx, review):
        counts["events"] += 1
        auth = match(received.client_id, event)
        if auth is None:
            counts["unmatched"] += 1
            continue
        counts["matched"] += 1
        patients.add(auth.patient_id)
        new, split = apply_event(auth, event, received, acting_user=acting_user)
        counts["decisions"] += new
        counts["split"] += split
    if patients:
        sync_authorizations(received.client, received.client.today(),
                            patient_ids=patients)
    return {"control": tx.control, **counts}


def events(tx: Transaction, review: t278.ServicesReview) -> list[Event]:
    """Each patient event (2000E) with its service lines and the parties above it."""
    requester = review.requester
    npi = requester.id if requester and requester.id_qualifier == "XX" else ""
    payer = review.umo.id if review.umo else ""
    out = []
    for loop in tx.root.walk():
        if loop.id not in ("2000C", "2000D"):
            continue
        # 5010 member ids are unique per person: a dependent is found by the subscriber's
        member = (_member(loop, "2010C") if loop.id == "2000C"
                  else _member(loop, "2010D") or _member(loop.parent, "2010C"))
        level_rejections = _rejections(loop)
        for ev in loop.children("2000E"):
            head = _line(ev, tx.file)
            lines = [_line(sv, tx.file) for sv in ev.children("2000F")]
            out.append(Event(trace=head.review.trace, member=member, requester_npi=npi,
                             payer_id=payer, event=head, lines=lines,
                             rejections=level_rejections + head.review.rejections))
    return out


def _member(loop: Loop | None, name_loop: str) -> str:
    if loop is None:
        return ""
    for lp in loop.loops:
        if lp.id == name_loop and (nm1 := lp.first("NM1")) is not None:
            return nm1.get(9)
    return ""


def _rejections(loop: Loop) -> tuple[str, ...]:
    found = [a.get(3) for lp in loop.loops if lp.id.startswith("2010") for a in lp.all("AAA")]
    return tuple(code for code in found if code)


def _line(loop: Loop, file: str) -> Line:
    codes = []
    for seg_id, index in (("SV1", 1), ("SV2", 2), ("SV3", 1)):
        seg = loop.first(seg_id)
        if seg is not None and seg.get(index):
            parts = seg.get(index).split(seg.delimiters.component)
            if len(parts) > 1 and parts[1]:
                codes.append(parts[1].strip().upper())
    nt = loop.first("REF", "NT")
    bb = loop.first("REF", "BB")
    hcr = loop.first("HCR")
    review = t278.review(loop, file)
    # t278 reads REF*NT as a certification number; it is the payer's case reference
    cert = (hcr.get(2) if hcr is not None and hcr.get(2) else (bb.get(2) if bb else ""))
    return Line(codes, replace(review, certification_number=cert),
                payer_reference=nt.get(2) if nt is not None else "")


# --- matching ------------------------------------------------------------------------------


def match(client_id: int, event: Event) -> Authorization | None:
    if event.trace:
        by_trace = _by_trace(client_id, event.trace)
        if by_trace:
            return by_trace[0]
    if not event.member:
        return None
    coverages = Coverage.objects.filter(client_id=client_id, member_id=event.member)
    if event.payer_id:
        named = coverages.filter(payer__payer_id=event.payer_id)
        coverages = named if named.exists() else coverages
    pairs = set(coverages.values_list("patient_id", "payer_id"))
    if not pairs:
        return None
    candidates = [a for a in Authorization.objects.filter(
        client_id=client_id, status__in=OPEN, patient_id__in={p for p, _ in pairs}
    ).select_related("provider").order_by("pk") if (a.patient_id, a.payer_id) in pairs]
    if event.requester_npi:
        candidates = [a for a in candidates
                      if a.provider is None or a.provider.npi == event.requester_npi]
    codes = set(event.codes)
    if codes:
        candidates = [a for a in candidates if codes & {c.upper() for c in a.codes}]
    return candidates[0] if len(candidates) == 1 else None


def _by_trace(client_id: int, trace: str) -> list[Authorization]:
    """The authorizations under our trace: the one we asked for first, then its siblings."""
    ids = set(AuthRequest.objects.filter(client_id=client_id, trace=trace)
              .values_list("authorization_id", flat=True))
    return list(Authorization.objects.filter(client_id=client_id).filter(
        pk__in=ids | set(Authorization.objects.filter(client_id=client_id, reference=trace)
                         .values_list("pk", flat=True))).order_by("pk"))


# --- applying ------------------------------------------------------------------------------


def _dates(refs: Iterable[DateRef]) -> tuple[date | None, date | None]:
    starts: list[date] = []
    ends: list[date] = []
    for ref in refs:
        if ref.qualifier not in (*START_QUALIFIERS, "AAM"):
            continue
        parts = [p for p in ref.value.split("-") if p]
        try:
            days = [date(int(p[:4]), int(p[4:6]), int(p[6:8])) for p in parts]
        except (ValueError, IndexError):
            continue
        if not days:
            continue
        if ref.qualifier == "AAM":
            ends.append(days[-1])
        else:
            starts.append(days[0])
            ends.append(days[-1])
    return (min(starts) if starts else None), (max(ends) if ends else None)


def _decision(head: Line, lines: list[Line], rejections: tuple[str, ...],
              current: str) -> Decision | None:
    """One decision from the event level and the service lines it applies to."""
    code = next((r.review.decision for r in lines if r.review.decision), head.review.decision)
    status = status_for(code) if code else None
    if status is None and not rejections:
        return None
    cert = next((r.review.certification_number for r in (*lines, head)
                 if r.review.certification_number), "")
    start, end = _dates([d for r in (head, *lines) for d in r.review.dates])
    units = _units(head, lines) if status in AuthStatus.usable() else None
    note = describe(code) if code else ""
    if rejections:
        note = (f"{note}; " if note else "") + ("the payer returned the request unprocessed "
                                                f"(reason {', '.join(rejections)})")
    return Decision(
        status=status or current, decision_code=code,
        reason_code=next((r.review.reason for r in (*lines, head) if r.review.reason), ""),
        rejection_code=rejections[0] if rejections else "", certification_number=cert,
        payer_reference=next((r.payer_reference for r in (*lines, head) if r.payer_reference),
                             ""),
        approved_units=units, start_date=start, end_date=end,
        codes=[c for r in lines for c in r.codes], note=note)


def _units(head: Line, lines: list[Line]) -> Decimal | None:
    if head.review.units is not None:
        return head.review.units
    found = [r.review.units for r in lines if r.review.units is not None]
    return sum(found, Decimal(0)) if found else None


def _groups(event: Event) -> list[list[Line]]:
    """Service lines with codes, grouped by the answer they got (first line's group first);
    one group of every line when the lines name no codes or agree."""
    coded = [r for r in event.lines if r.codes]
    if not coded or len(coded) != len(event.lines):
        return [event.lines]
    groups: dict[tuple[str, str, str], list[Line]] = {}
    for line in coded:
        sig = (line.review.decision or event.event.review.decision,
               line.review.certification_number, str(line.review.units))
        groups.setdefault(sig, []).append(line)
    return list(groups.values())


def apply_event(auth: Authorization, event: Event, received: ReceivedFile | None, *,
                acting_user: Any) -> tuple[int, int]:
    """Record the event's decision(s); returns (new decisions, sibling authorizations made)."""
    groups = _groups(event)
    family = [auth, *auth.splits.order_by("pk")]
    new = split = 0
    for n, lines in enumerate(groups):
        decision = _decision(event.event, lines, event.rejections, auth.status)
        if decision is None:
            continue
        if n == 0:
            target = auth
            others = {c for g in groups[1:] for r in g for c in r.codes}
            decision.codes = list(dict.fromkeys(
                [c for c in auth.codes if c.upper() not in others] + decision.codes))
        else:
            codes = set(decision.codes)
            found = next((a for a in family[1:] if codes & {c.upper() for c in a.codes}), None)
            if found is None:
                found = _sibling(auth, decision.codes)
                family.append(found)
                split += 1
            target = found
        key = "278:" + hashlib.sha256("|".join(
            [event.trace or event.member, str(target.pk), *decision.key_parts()]).encode()
        ).hexdigest()[:40]
        if record_decision(target, decision, source=AuthSource.X278, key=key,
                           acting_user=acting_user,
                           file=received):
            new += 1
    return new, split


def _sibling(auth: Authorization, codes: list[str]) -> Authorization:
    now = timezone.now()
    return Authorization.objects.create(
        client_id=auth.client_id, patient_id=auth.patient_id, payer_id=auth.payer_id,
        provider_id=auth.provider_id, visit_id=auth.visit_id, codes=codes,
        status=auth.status, source=AuthSource.X278, reference=auth.reference, split_from=auth,
        note=f"split from authorization #{auth.pk} by the payer's answer per service line",
        created_at=now, updated_at=now)
