"""999, TA1 and 277CA answers to our 837 batches: the front door's verdict per claim.

TA1s and 999s to any of our files (270, 276 and 278 too) are first kept against the file and
its transmissions (``correlate``); the rest of this module is about 837 claims.

A 999 answers per transaction set (AK2 = our ST02 inside the group AK1 names, GS06 = our
OutboundFile), a TA1 per interchange (ISA13), a 277CA per claim (TRN02 in 2200D = our
patient control number). Accepted claims move forward (SYNTAX_ACCEPTED, then ACCEPTED);
rejected ones become REJECTION work items on the claim, explained in words. Items are
keyed by claim and acknowledgment file, so re-ingesting the same answer changes nothing,
and a later resubmission closes them (``services._close_old_rejections``).
Answers that match none of our batches are stored by intake and counted as unmatched.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim, FrontDoor
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.submission import correlate, overdue, wording
from rcmdesk.submission.models import (
    AckSource,
    AckStatus,
    AckVerdict,
    BatchClaim,
    BatchStatus,
    SubmissionBatch,
)
from rcmdesk.workqueue.models import ItemKind
from rcmdesk.workqueue.producers.common import Draft, prioritise, upsert
from rcmdesk.x12 import t277, t999
from rcmdesk.x12.parser import Transaction

VERSION = {"P": "005010X222A1", "I": "005010X223A2"}
# a 999 may not move a claim back from what a 277CA already said
_BEFORE_999 = (FrontDoor.SENT, FrontDoor.READY, FrontDoor.HELD)


# --- 999 ---------------------------------------------------------------------------------


def apply_999(received: ReceivedFile, tx: Transaction, *, acting_user: Any) -> dict[str, Any]:
    """A 999 to any of our files is kept against it; one to an 837 batch also rules on its
    claims, set by set."""
    ack = t999.acknowledgment(tx)
    outbound = correlate.outbound_for_group(received.client_id, ack.group_control,
                                            tx.interchange.receiver, ack.functional_id)
    if outbound is None:
        return {"unmatched": 1, "group": ack.group_control, "unmatched_answers": [
            f"999 for group {ack.group_control} ({ack.functional_id or 'no kind'}), "
            "not one of our files"]}
    verdict = correlate.verdict_999(ack)
    correlate.acknowledge(outbound, received, AckSource.ACK_999, verdict,
                          correlate.summary_999(ack, outbound.set_id),
                          {"group": ack.group_control, "status": ack.group_status,
                           "sets": [[s.control, s.status, list(s.codes)] for s in ack.sets]},
                          acting_user=acting_user)
    batch = SubmissionBatch.objects.filter(outbound=outbound).first()
    if batch is None:
        return {"outbound": outbound.pk, "set": outbound.set_id, "verdict": verdict.value,
                "unmatched": 0}
    overdue.close_for(batch, "the 999 arrived")
    answered: dict[str, t999.SetResponse] = {s.control: s for s in ack.sets}
    entries = list(batch.claims.select_related("claim"))
    by_set: dict[str, list[BatchClaim]] = {}
    for entry in entries:
        by_set.setdefault(entry.set_control, []).append(entry)
    accepted: list[BatchClaim] = []
    rejected: list[tuple[BatchClaim, dict[str, Any]]] = []
    group_ok = ack.group_status in wording.ACCEPTED_STATUSES
    version = VERSION.get(batch.kind, "")
    for control, members in by_set.items():
        response = answered.get(control)
        if response is None:  # no AK2 for the set: the group's verdict covers it
            if group_ok:
                accepted += members
            elif ack.group_status:
                detail = _set_detail(received, ack, None, version, control)
                rejected += [(m, detail) for m in members]
            continue
        if response.status in wording.ACCEPTED_STATUSES:
            accepted += members
        else:
            detail = _set_detail(received, ack, response, version, control)
            rejected += [(m, detail) for m in members]
    _accept_999(accepted, received)
    _reject(batch, rejected, received, "999", acting_user)
    _settle(batch)
    record("submission.ack_999", client_id=received.client_id, obj=batch,
           acting_user=person(acting_user),
           detail={"file": received.pk, "accepted": len(accepted), "rejected": len(rejected)})
    return {"batch": batch.pk, "accepted": len(accepted), "rejected": len(rejected),
            "unmatched": 0}


def _set_detail(received: ReceivedFile, ack: t999.Acknowledgment,
                response: t999.SetResponse | None, version: str, control: str
                ) -> dict[str, Any]:
    """Why a set was rejected, in words, located by segment, position, loop and element."""
    status = response.status if response is not None else ack.group_status
    errors = []
    for error in response.errors if response is not None else ():
        errors.append({
            "segment": error.segment_id, "position": error.position, "loop": error.loop,
            "code": error.code,
            "explained": wording.explain_segment(version, error.segment_id, error.position,
                                                 error.loop, error.code),
            "elements": [{
                "position": list(e.position), "reference": e.reference, "code": e.code,
                "explained": wording.explain_element(version, error.segment_id, error.loop,
                                                     e.position, e.reference, e.code, e.value),
            } for e in error.elements],
        })
    codes = list(response.codes) if response is not None else []
    summary = f"837 set {control} {wording.set_status(status)}"
    if codes:
        summary += ": " + "; ".join(wording.SET_ERRORS.get(c, f"code {c}") for c in codes)
    return {"source": "999", "file": received.pk, "set": control, "status": status,
            "set_codes": codes, "summary": summary, "errors": errors}


def _accept_999(entries: list[BatchClaim], received: ReceivedFile) -> None:
    ids = [e.claim_id for e in entries if e.ack_status == AckStatus.SENT]
    if not ids:
        return
    Claim.objects.filter(pk__in=ids, front_door__in=_BEFORE_999).update(
        front_door=FrontDoor.SYNTAX_ACCEPTED, updated_at=timezone.now())
    for entry in entries:
        entry.ack_detail = {**entry.ack_detail, "999": {"file": received.pk, "status": "A"}}
    BatchClaim.objects.bulk_update(entries, ["ack_detail"], batch_size=1000)


# --- rejections (999 and 277CA) -------------------------------------------------------------


def _reject(batch: SubmissionBatch, rejected: list[tuple[BatchClaim, dict[str, Any]]],
            received: ReceivedFile, source: str, actor: Any) -> None:
    if not rejected:
        return
    now = timezone.now()
    today = batch.client.today(now)
    drafts = []
    for entry, detail in rejected:
        entry.ack_status = AckStatus.REJECTED
        entry.ack_detail = {**entry.ack_detail, source: detail}
        drafts.append(_rejection_draft(entry.claim, batch, detail, received, source, today))
    BatchClaim.objects.bulk_update([e for e, _ in rejected], ["ack_status", "ack_detail"],
                                   batch_size=1000)
    Claim.objects.filter(pk__in=[e.claim_id for e, _ in rejected]).update(
        front_door=FrontDoor.REJECTED, updated_at=now)
    upsert(batch.client_id, drafts, today)
    record(f"submission.rejected_{source}", client_id=batch.client_id, obj=batch,
           acting_user=person(actor),
           detail={"file": received.pk, "claims": [e.claim_id for e, _ in rejected][:500]})


def _rejection_draft(claim: Claim, batch: SubmissionBatch, detail: dict[str, Any],
                     received: ReceivedFile, source: str, today: date) -> Draft:
    amount = claim.total_charge
    return Draft(
        kind=ItemKind.REJECTION,
        source_key=f"claim:{claim.pk}:{source}:{received.pk}",
        title=f"{claim.patient_control_number}: rejected at the front door ({source}) - "
              f"{detail['summary']}"[:200],
        amount=amount,
        priority=prioritise(amount, None, claim.service_from, None, "", today),
        claim_id=claim.pk,
        category=f"rejected_{source}",
        detail={"claim_id": claim.pk, "batch_id": batch.pk, "received_file_id": received.pk,
                **detail},
    )


def _settle(batch: SubmissionBatch) -> None:
    counts = {s: 0 for s in AckStatus}
    for status in batch.claims.values_list("ack_status", flat=True):
        counts[AckStatus(status)] += 1
    total = sum(counts.values())
    if counts[AckStatus.REJECTED] == total and total:
        batch.status = BatchStatus.REJECTED
    elif counts[AckStatus.REJECTED]:
        batch.status = BatchStatus.PARTLY_REJECTED
    else:
        batch.status = BatchStatus.ACKNOWLEDGED
    batch.save(update_fields=["status"])


# --- TA1 ---------------------------------------------------------------------------------


def apply_ta1(received: ReceivedFile, acks: list[t999.InterchangeAck] | None = None, *,
              acting_user: Any = None) -> dict[str, Any]:
    """Interchange acknowledgments in ``received``: a rejected one rejects the whole batch.

    Intake hands over the TA1s it read (registered in ``SubmissionConfig.ready``); without
    them they are read from the file. A TA1 seen again rejects nothing twice: claims
    already rejected in the batch are left alone.
    """
    if acks is None:
        acks = t999.interchange_acks(bytes(received.content), name=received.original_name)
    summary: dict[str, Any] = {"accepted": 0, "rejected": 0, "unmatched": 0}
    strays: list[str] = []
    for ta1 in acks:
        out = correlate.outbound_for_interchange(received.client_id, ta1.control)
        if out is None:
            summary["unmatched"] += 1
            strays.append(f"TA1 for interchange {ta1.control}, not one of our files")
            continue
        verdict = correlate.verdict_ta1(ta1)
        words = (f"{out.set_id} interchange {ta1.control} {verdict.label}"
                 + ("" if ta1.accepted else f" (TA1 note code {ta1.note})"))
        correlate.acknowledge(out, received, AckSource.TA1, verdict, words,
                              {"status": ta1.status, "note_code": ta1.note},
                              acting_user=acting_user)
        batch = SubmissionBatch.objects.filter(outbound=out).first()
        if verdict != AckVerdict.REJECTED or batch is None:
            summary["rejected" if verdict == AckVerdict.REJECTED else "accepted"] += 1
            continue
        summary["rejected"] += 1
        overdue.close_for(batch, "the interchange was rejected (TA1)")
        detail = {"source": "ta1", "file": received.pk, "status": ta1.status,
                  "note_code": ta1.note,
                  "summary": f"interchange {ta1.control} rejected (TA1 note code {ta1.note})"}
        entries = list(batch.claims.select_related("claim").exclude(
            ack_status=AckStatus.REJECTED))
        _reject(batch, [(e, detail) for e in entries], received, "ta1", acting_user)
        _settle(batch)
    if strays:
        summary["unmatched_answers"] = strays[:20]
    return summary


# --- 277CA -------------------------------------------------------------------------------


def apply_277ca(received: ReceivedFile, tx: Transaction, *, acting_user: Any) -> dict[str, Any]:
    answer = t277.response(tx)
    pcns = {c.patient_control_number for c in answer.claims if c.patient_control_number}
    payer_numbers = {c.payer_claim_control_number for c in answer.claims
                     if c.payer_claim_control_number}
    claims = {c.patient_control_number: c for c in Claim.objects.filter(
        client_id=received.client_id, patient_control_number__in=pcns)}
    by_payer_number = {c.payer_claim_control_number: c for c in Claim.objects.filter(
        client_id=received.client_id, payer_claim_control_number__in=payer_numbers)
    } if payer_numbers else {}
    entries = _latest_entries([c.pk for c in [*claims.values(), *by_payer_number.values()]])
    accepted = rejected = unmatched = 0
    now = timezone.now()
    texts = _free_texts(tx)
    strays: list[str] = []
    for status in answer.claims:
        claim = claims.get(status.patient_control_number) or by_payer_number.get(
            status.payer_claim_control_number)
        entry = entries.get(claim.pk) if claim is not None else None
        if claim is None or entry is None:
            unmatched += 1
            strays.append(f"claim {status.patient_control_number or '-'}"
                          + (f" (payer claim number {status.payer_claim_control_number})"
                             if status.payer_claim_control_number else ""))
            continue
        verdict = _verdict(status)
        if verdict == "rejected":
            rejected += 1
            detail = _277_detail(received, status, texts.get(status.patient_control_number, ""))
            _reject(entry.batch, [(entry, detail)], received, "277ca", acting_user)
            _settle(entry.batch)
        elif verdict == "accepted":
            accepted += 1
            _accept_277(claim, entry, status, received, now)
    listed = {claim.pk for claim in [*claims.values(), *by_payer_number.values()]}
    accepted += _accept_unlisted(received, tx, listed, now)
    record("submission.ack_277ca", client_id=received.client_id, obj=received,
           acting_user=person(acting_user),
           detail={"accepted": accepted, "rejected": rejected, "unmatched": unmatched})
    return {"accepted": accepted, "rejected": rejected, "unmatched": unmatched,
            "unmatched_answers": strays[:20]}


def _receiver_traces(tx: Transaction) -> dict[str, set[str]]:
    """2200B TRN02 (the BHT03 of the 837 answered) -> the STC categories reported there."""
    out: dict[str, set[str]] = {}
    pending = [tx.root]
    while pending:
        loop = pending.pop()
        pending.extend(loop.loops)
        trn = loop.first("TRN") if loop.id == "2200B" else None
        if trn is not None:
            out[trn.get(2)] = {status.category for stc in loop.all("STC")
                               for status in t277.statuses(stc, tx.file)}
    return out


def _accept_unlisted(received: ReceivedFile, tx: Transaction, listed: set[int], now: Any
                     ) -> int:
    """A 277CA lists the claims it rejects; the rest of a set it reports accepted were taken.

    The set is found by the 2200B trace, which echoes the BHT03 we wrote (batch reference +
    ST02); only claims with no answer yet (or a 999 acceptance) move.
    """
    accepted = 0
    for trace, categories in _receiver_traces(tx).items():
        if len(trace) <= 4 or not categories & wording.ACCEPTED_CATEGORIES:
            continue
        batch = SubmissionBatch.objects.filter(client_id=received.client_id,
                                               reference=trace[:-4]).first()
        if batch is None:
            continue
        entries = list(batch.claims.filter(set_control=trace[-4:], ack_status=AckStatus.SENT)
                       .exclude(claim_id__in=listed))
        Claim.objects.filter(pk__in=[e.claim_id for e in entries],
                             front_door__in=(*_BEFORE_999, FrontDoor.SYNTAX_ACCEPTED)).update(
            front_door=FrontDoor.ACCEPTED, updated_at=now)
        for entry in entries:
            entry.ack_status = AckStatus.ACCEPTED
            entry.ack_detail = {**entry.ack_detail, "277ca": {"file": received.pk,
                                                              "set_level": sorted(categories)}}
        BatchClaim.objects.bulk_update(entries, ["ack_status", "ack_detail"], batch_size=1000)
        accepted += len(entries)
    return accepted


def _latest_entries(claim_ids: list[int]) -> dict[int, BatchClaim]:
    """Each claim's most recent batch entry (the one this answer is about)."""
    latest: dict[int, BatchClaim] = {}
    for entry in (BatchClaim.objects.filter(claim_id__in=claim_ids)
                  .select_related("batch", "claim").order_by("claim_id", "-batch_id")):
        latest.setdefault(entry.claim_id, entry)
    return latest


def _verdict(status: t277.ClaimStatus) -> str:
    categories = {s.category for s in status.statuses}
    if categories & wording.REJECTED_CATEGORIES:
        return "rejected"
    if categories & wording.ACCEPTED_CATEGORIES:
        return "accepted"
    return ""


def _277_detail(received: ReceivedFile, status: t277.ClaimStatus, free_text: str
                ) -> dict[str, Any]:
    statuses = [{"category": s.category, "code": s.code, "entity": s.entity,
                 "explained": wording.explain_category(s.category, s.code, s.entity)}
                for s in status.statuses]
    rejected = [s for s in statuses if s["category"] in wording.REJECTED_CATEGORIES]
    summary = "; ".join(s["explained"] for s in rejected or statuses)
    return {"source": "277ca", "file": received.pk, "statuses": statuses,
            "free_text": free_text, "summary": summary,
            "payer_claim_number": status.payer_claim_control_number}


def _free_texts(tx: Transaction) -> dict[str, str]:
    """STC12 (the payer's free-text message) per claim trace; the typed view leaves it out."""
    out: dict[str, str] = {}
    pending = [tx.root]
    while pending:
        loop = pending.pop()
        pending.extend(loop.loops)
        if loop.id not in t277.CLAIM_LOOPS:
            continue
        trn = loop.first("TRN")
        texts = [stc.get(12) for stc in loop.all("STC") if stc.get(12)]
        if trn is not None and texts:
            out[trn.get(2)] = " / ".join(texts)
    return out


def _accept_277(claim: Claim, entry: BatchClaim, status: t277.ClaimStatus,
                received: ReceivedFile, now: Any) -> None:
    updates: dict[str, Any] = {"front_door": FrontDoor.ACCEPTED, "updated_at": now}
    if status.payer_claim_control_number and not claim.payer_claim_control_number:
        updates["payer_claim_control_number"] = status.payer_claim_control_number
    Claim.objects.filter(pk=claim.pk).update(**updates)
    entry.ack_status = AckStatus.ACCEPTED
    entry.ack_detail = {**entry.ack_detail, "277ca": {
        "file": received.pk, "statuses": [[s.category, s.code, s.entity]
                                          for s in status.statuses]}}
    entry.save(update_fields=["ack_status", "ack_detail"])


