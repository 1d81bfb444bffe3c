"""Applying a 277 claim status response (005010X212): store each answer, move the AR item.

An answer finds its claim by the trace number of our 276 (TRN02) first, since that is the one
key we chose; failing that by the patient control number (REF*EJ) and then the payer's claim
number (REF*1K), always within the client the file was received for.

Why each category (STC01-1, code source 507) moves the AR item where it does:

- ``A0 A1 A2 A5`` and ``P0 P1 P2 P4 P5`` — forwarded, received, accepted into adjudication,
  split, or pending at the payer (or waiting on the patient): the payer has the claim and
  nothing we do speeds it up, so the item waits as *pending payer* until the payer's
  ``followup_days`` (playbooks) after the status date, then comes back to the queue.
- ``P3`` — pending, *provider* requested information: the payer is waiting on us, so parking
  it would hide work. It stays open with ``next_step: send_information``.
- ``A3 A4 A6 A7 A8 D0`` — returned as unprocessable, not found, rejected for missing, invalid
  or related data, or data search unsuccessful: the payer does not have a claim it will pay
  on, so the only way forward is a corrected claim. Open with ``next_step: resubmit``; the
  priority is left alone (the balance and deadline that scored it have not changed).
  (A3 is an acknowledgement *of return*, not of receipt: its claims never entered
  adjudication, which is why it is here and not with A1/A2.)
- ``F*`` — finalized: the money answer is in the 835. Paid and revised claims
  (``F0 F1 F3 F3F F3N F5``) send the specialist to the remit; denied or no-payment ones
  (``F2 F4``) to work the denial. The item stays open either way: the remit posting, not the
  277, closes it.
- anything else (``E*`` errors, ``R*`` requests for more information, codes we have no rule
  for): open, with a note that no rule applied, for a person to read the 277.

Only code values are stored and written to history: the descriptions belong to X12.
Answers are keyed by (claim, trace, category, status, entity, date), so the same answer in a
new interchange changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rcmdesk.arfollowup.models import ClaimStatusRequest, ClaimStatusResponse
from rcmdesk.arfollowup.services import open_ar_item
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.playbooks.services import DeadlineBook
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue import services as work_services
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkItem
from rcmdesk.x12 import t277
from rcmdesk.x12.parser import Loop, Transaction

PENDING = frozenset({"A0", "A1", "A2", "A5", "P0", "P1", "P2", "P4", "P5"})
SEND_INFORMATION = frozenset({"P3"})
RESUBMIT = frozenset({"A3", "A4", "A6", "A7", "A8", "D0"})
FINALIZED_DENIED = frozenset({"F2", "F4"})
FINALIZED = frozenset({"F0", "F1", "F3", "F3F", "F3N", "F5"}) | FINALIZED_DENIED


@dataclass(frozen=True)
class Answer:
    """One claim-level loop of a 277, with the references we match on."""

    trace: str
    patient_control_number: str
    payer_claim_control_number: str
    statuses: tuple[t277.Status, ...]


@dataclass(frozen=True)
class Move:
    """Where a status sends the AR item: its status (None: leave it) and detail to merge."""

    status: ItemStatus | None
    detail: dict[str, Any]
    follow_up_on: date | None = None


def apply_277(received: ReceivedFile, tx: Transaction, *, acting_user: Any) -> dict[str, Any]:
    """Intake's applier for a 277 set (runs inside the set's transaction).

    A 277CA (005010X214) shares the set id but answers an 837, not a 276: its rejections
    belong to the claim rejection work, so it is stored only here.
    """
    if "X214" in tx.version:
        return {"control": tx.control, "stored_only": True, "guide": tx.version}
    client = received.client
    book = DeadlineBook(client.pk)
    counts = {"claims": 0, "matched": 0, "unmatched": 0, "new_statuses": 0, "items_moved": 0}
    strays: list[str] = []
    for answer in answers(tx):
        counts["claims"] += 1
        found = match(client, answer)
        if found is None:
            counts["unmatched"] += 1
            strays.append(unmatched_words(answer))
            continue
        counts["matched"] += 1
        claim, request = found
        new = _store(received, claim, request, answer)
        counts["new_statuses"] += len(new)
        if new:
            counts["items_moved"] += _apply(claim, request, new, book)
    return {"control": tx.control, **counts, "unmatched_answers": strays[:UNMATCHED_LISTED]}


# An answer that finds no claim has nowhere to be stored (a status belongs to a claim), so
# the file's summary names it, and the file page lists it: never silently dropped.
UNMATCHED_LISTED = 20


def unmatched_words(answer: Answer) -> str:
    words = f"trace {answer.trace}" if answer.trace else "no trace"
    refs = [f"claim {answer.patient_control_number}" if answer.patient_control_number else "",
            f"payer claim number {answer.payer_claim_control_number}"
            if answer.payer_claim_control_number else "",
            " ".join(raw(s) for s in answer.statuses)]
    return f"{words} ({', '.join(r for r in refs if r)})" if any(refs) else words


def answers(tx: Transaction) -> Iterator[Answer]:
    """Claim-level loops (2200D/2200E) with TRN02, REF*EJ and REF*1K."""
    for loop in _walk(tx.root):
        if loop.id in t277.CLAIM_LOOPS:
            status = t277.claim_status(loop, tx.file)
            ej = loop.first("REF", "EJ")
            yield Answer(status.patient_control_number, ej.get(2) if ej is not None else "",
                         status.payer_claim_control_number, status.statuses)


def _walk(loop: Loop) -> Iterator[Loop]:
    yield loop
    for child in loop.loops:
        yield from _walk(child)


def match(client: Organization, answer: Answer) -> tuple[Claim, ClaimStatusRequest | None] | None:
    """Our trace first, then the patient control number, then the payer's claim number."""
    if answer.trace:
        req = ClaimStatusRequest.objects.filter(
            client=client, trace=answer.trace).select_related("claim__payer").first()
        if req is not None:
            return req.claim, req
    claims = Claim.objects.filter(client=client).select_related("payer")
    if answer.patient_control_number:
        claim = claims.filter(patient_control_number=answer.patient_control_number).first()
        if claim is not None:
            return claim, None
    if answer.payer_claim_control_number:
        found = list(claims.filter(
            payer_claim_control_number=answer.payer_claim_control_number)[:2])
        if len(found) == 1:  # a payer number shared by two claims names neither
            return found[0], None
    return None


def raw(status: t277.Status) -> str:
    return ":".join(p for p in (status.category, status.code, status.entity) if p)


def _date(value: str) -> date | None:
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8])) if len(value) >= 8 else None
    except ValueError:
        return None


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def _key(claim: Claim, trace: str, status: t277.Status) -> str:
    return "|".join((str(claim.pk), trace, status.category, status.code, status.entity,
                     status.date))[:120]


def _store(received: ReceivedFile, claim: Claim, request: ClaimStatusRequest | None,
           answer: Answer) -> list[ClaimStatusResponse]:
    """The answers not seen before, stored; the payer's claim number filled in when blank."""
    new: list[ClaimStatusResponse] = []
    for status in answer.statuses:
        key = _key(claim, answer.trace, status)
        if ClaimStatusResponse.objects.filter(client_id=claim.client_id, key=key).exists():
            continue
        if any(r.key == key for r in new):
            continue
        new.append(ClaimStatusResponse.objects.create(
            client_id=claim.client_id, claim=claim, request=request, file=received,
            trace=answer.trace, category=status.category[:3], status_code=status.code[:3],
            entity=status.entity[:3], effective_date=_date(status.date),
            total_charge=_money(status.charge), paid_amount=_money(status.paid),
            payer_claim_control_number=answer.payer_claim_control_number,
            raw_stc=raw(status)[:40], key=key))
    if answer.payer_claim_control_number and not claim.payer_claim_control_number:
        Claim.objects.filter(pk=claim.pk, payer_claim_control_number="").update(
            payer_claim_control_number=answer.payer_claim_control_number,
            updated_at=timezone.now())
        record("claim.payer_number_from_277", client_id=claim.client_id, obj=claim,
               detail={"payer_claim_control_number": answer.payer_claim_control_number})
    return new


def move_for(category: str, code: str, effective: date | None, followup_days: int,
             today: date) -> Move:
    """Where one status sends the AR item (see the module docstring for why)."""
    codes = {"category": category, "status": code}
    if category in PENDING:
        return Move(ItemStatus.PENDING_PAYER, _detail(codes, ""),
                    (effective or today) + timedelta(days=followup_days))
    if category in SEND_INFORMATION:
        return Move(ItemStatus.OPEN, _detail(codes, "send_information"))
    if category in RESUBMIT:
        return Move(ItemStatus.OPEN, _detail(codes, "resubmit"))
    if category in FINALIZED:
        step = "work_denial" if category in FINALIZED_DENIED else "check_remit"
        return Move(ItemStatus.OPEN, _detail(codes, step, "finalized: check remit / work denial"))
    return Move(ItemStatus.OPEN, _detail(codes, "", f"no rule for category {category}: "
                                                    "read the 277"))


def _detail(codes: dict[str, str], next_step: str, note: str = "") -> dict[str, Any]:
    """Every key is written each time, so an earlier answer's advice never lingers."""
    return {"claim_status": codes, "next_step": next_step, "note": note}


def _apply(claim: Claim, request: ClaimStatusRequest | None, new: list[ClaimStatusResponse],
           book: DeadlineBook) -> int:
    """Tell the item that asked (else the claim's AR item) what the payer answered; an AR
    item also moves by the first new status (STC01 of the loop: the principal one), as the
    module docstring says. Another kind (a denial asking where its corrected claim stands)
    only gets the answer in its history: its own work decides where it goes."""
    item = _asking_item(claim, request)
    codes = " ".join(_describe(r) for r in new)
    record("arfollowup.claim_status_received", client_id=claim.client_id, obj=claim,
           detail={"statuses": [r.raw_stc for r in new], "item": item.pk if item else None})
    if item is None:
        return 0
    fields: dict[str, Any] = {}
    if item.kind == ItemKind.AR_FOLLOWUP:
        first = new[0]
        move = move_for(first.category, first.status_code, first.effective_date,
                        book.for_payer(claim.payer).followup_days, claim.client.today())
        fields = _fields(item, move)
    changed = work_services.record_event(item, ActionKind.UPDATED, acting_user=None,
                                         note=f"277 {codes}",
                                         **fields)
    record("workitem.updated", client_id=claim.client_id, obj=item,
           detail={"by": "277", "statuses": [r.raw_stc for r in new],
                   "status": changed.status, "follow_up_on": changed.follow_up_on})
    return 1


def _asking_item(claim: Claim, request: ClaimStatusRequest | None) -> WorkItem | None:
    if request is not None and request.item_id is not None:
        item: WorkItem | None = WorkItem.objects.active().filter(pk=request.item_id).first()
        if item is not None:
            return item
    return open_ar_item(claim)


def meaning(category: str) -> str:
    """Our reading of a 277 category (STC01-1), in the words of the rules above."""
    if category in PENDING:
        return "the payer has the claim: pending"
    if category in SEND_INFORMATION:
        return "the payer waits on information from us"
    if category in RESUBMIT:
        return "the payer has no claim it will pay on: correct and resubmit"
    if category in FINALIZED_DENIED:
        return "finalized: denied or no payment (see the remit)"
    if category in FINALIZED:
        return "finalized: paid or revised (see the remit)"
    return "no rule for this category: read the 277"


def _describe(r: ClaimStatusResponse) -> str:
    day = f" {r.effective_date:%Y-%m-%d}" if r.effective_date else ""
    return f"{r.raw_stc}{day}"


def _fields(item: WorkItem, move: Move) -> dict[str, Any]:
    """Pending parks the item until the follow-up day; open hands a parked item back to the
    queue but never takes an item out of the hands of the person working it."""
    fields: dict[str, Any] = {"detail": {**item.detail, **move.detail}}
    if move.status is ItemStatus.PENDING_PAYER:
        fields.update(status=ItemStatus.PENDING_PAYER, follow_up_on=move.follow_up_on,
                      lease_expires_at=None)
    elif move.status is ItemStatus.OPEN and item.status == ItemStatus.PENDING_PAYER:
        fields.update(status=ItemStatus.OPEN, follow_up_on=None)
    return fields
