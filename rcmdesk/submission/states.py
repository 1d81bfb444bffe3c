"""Where each claim of a batch stands, in words: written, sent, 999, 277CA, paid or denied.

One definition serves the list of claims and the counts above it (the counts are taken from
the rows), so the two can never disagree. Everything is read in a fixed number of queries
whatever the batch's size: the entries with their claims, the file's transmissions, its
TA1/999 answers and the remits that followed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models

from rcmdesk.connectivity.models import Transmission, TransmissionState
from rcmdesk.remits.models import RemitClaim
from rcmdesk.submission.correlate import deciding
from rcmdesk.submission.models import AckStatus, BatchClaim, OutboundAck, SubmissionBatch

DENIED_CLP02 = frozenset({"4"})  # CLP02 4: denied


class ClaimStage(models.TextChoices):
    WRITTEN = "written", "written, not sent yet"
    SENT = "sent", "sent, waiting for the 999"
    REJECTED_TA1 = "rejected_ta1", "interchange rejected (TA1)"
    REJECTED_999 = "rejected_999", "rejected by the 999"
    ACCEPTED_999 = "accepted_999", "accepted by the 999, waiting for the 277CA"
    REJECTED_277CA = "rejected_277ca", "rejected by the payer's front door (277CA)"
    ACCEPTED_277CA = "accepted_277ca", "accepted by the payer (277CA), waiting for the 835"
    PAID = "paid", "paid (835)"
    DENIED = "denied", "denied (835)"


@dataclass(frozen=True)
class Step:
    """One thing that happened to the claim, in words, with when and where to read more."""

    words: str
    at: datetime | None = None
    lines: tuple[str, ...] = ()  # the 999's errors, the 277CA's statuses
    alarm: bool = False
    remittance_id: int | None = None
    paid: Decimal | None = None  # what the 835 paid (the page formats money itself)


@dataclass
class Row:
    entry: BatchClaim
    stage: ClaimStage
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class Sending:
    """How the batch's file left: the latest transmission, and the answer that decided it."""

    transmission: Transmission | None
    ack: OutboundAck | None


def sending(batch: SubmissionBatch) -> Sending:
    """Two queries: the file's transmissions and its TA1/999 answers."""
    sends = list(Transmission.objects.filter(outbound_id=batch.outbound_id)
                 .select_related("connection").order_by("queued_at", "pk"))
    answers = list(OutboundAck.objects.filter(outbound_id=batch.outbound_id))
    return Sending(latest_send(sends), deciding(answers))


def latest_send(sends: list[Transmission]) -> Transmission | None:
    """The send that counts: the latest one that left, else the latest queued."""
    sent = [t for t in sends if t.sent_at is not None]
    if sent:
        return max(sent, key=lambda t: (t.sent_at, t.pk))
    return sends[-1] if sends else None


def rows(batch: SubmissionBatch, entries: list[BatchClaim], how: Sending) -> list[Row]:
    payments = _payments([e.claim_id for e in entries], batch.created_at)
    return [_row(batch, e, how, payments.get(e.claim_id)) for e in entries]


def counts(found: list[Row]) -> list[tuple[ClaimStage, int]]:
    """Claims per stage, in the chain's order, stages with none left out."""
    tally = Counter(r.stage for r in found)
    return [(stage, tally[stage]) for stage in ClaimStage if tally[stage]]


def _payments(claim_ids: list[int], since: datetime) -> dict[int, RemitClaim]:
    """Each claim's latest remit that came after the batch was written."""
    latest: dict[int, RemitClaim] = {}
    for remit in (RemitClaim.objects.filter(claim_id__in=claim_ids,
                                            remittance__created_at__gte=since)
                  .select_related("remittance").order_by("claim_id", "-remittance__created_at",
                                                         "-pk")):
        if remit.claim_id is not None:
            latest.setdefault(remit.claim_id, remit)
    return latest


def _row(batch: SubmissionBatch, entry: BatchClaim, how: Sending,
         remit: RemitClaim | None) -> Row:
    steps = [Step(f"written in 837{batch.kind} batch {batch.pk}", batch.created_at)]
    stage = ClaimStage.WRITTEN
    if how.transmission is not None and how.transmission.sent_at is not None:
        t = how.transmission
        steps.append(Step(f"sent to {t.connection.name} as {t.remote_name or 'the file'}",
                          t.sent_at))
        stage = ClaimStage.SENT
    elif how.transmission is not None:
        steps.append(Step(f"not sent yet: {how.transmission.get_state_display().lower()}"
                          + (f" ({how.transmission.last_error})"
                             if how.transmission.last_error else ""),
                          alarm=how.transmission.state == TransmissionState.FAILED))
    detail = entry.ack_detail
    stage = _answers(detail, entry, steps, stage)
    if remit is not None:
        denied = remit.status_code in DENIED_CLP02 or remit.outcome == "denied"
        steps.append(Step(
            f"835: {'denied' if denied else 'paid'} on remittance "
            f"{remit.remittance.trace_number}", remit.remittance.created_at, alarm=denied,
            remittance_id=remit.remittance_id, paid=remit.paid))
        stage = ClaimStage.DENIED if denied else ClaimStage.PAID
    return Row(entry, stage, steps)


def _answers(detail: dict[str, Any], entry: BatchClaim, steps: list[Step],
             stage: ClaimStage) -> ClaimStage:
    """TA1, 999 and 277CA, as the acknowledgment appliers noted them on the entry."""
    rejected = entry.ack_status == AckStatus.REJECTED
    if isinstance(ta1 := detail.get("ta1"), dict):
        steps.append(Step(f"TA1: {ta1.get('summary', 'interchange rejected')}", alarm=True))
        stage = ClaimStage.REJECTED_TA1
    if isinstance(ack := detail.get("999"), dict):
        refused = bool(ack.get("summary")) and ack.get("status") not in ("A", "E")
        if refused:
            steps.append(Step(f"999: rejected - {ack['summary']}", lines=tuple(
                _error_lines(ack.get("errors") or [])), alarm=True))
            stage = ClaimStage.REJECTED_999
        else:
            steps.append(Step("999: accepted"))
            stage = ClaimStage.ACCEPTED_999
    if isinstance(ca := detail.get("277ca"), dict):
        if rejected and ca.get("summary"):
            why = ca["summary"] + (f" - payer's note: {ca['free_text']}"
                                   if ca.get("free_text") else "")
            steps.append(Step(f"277CA: rejected - {why}", alarm=True))
            stage = ClaimStage.REJECTED_277CA
        else:
            number = ca.get("payer_claim_number") or entry.claim.payer_claim_control_number
            steps.append(Step("277CA: accepted by the payer"
                              + (f", payer claim number {number}" if number else "")))
            stage = ClaimStage.ACCEPTED_277CA
    return stage


def _error_lines(errors: list[dict[str, Any]]) -> list[str]:
    lines = []
    for error in errors:
        lines.append(str(error.get("explained", "")))
        lines.extend(str(e.get("explained", "")) for e in error.get("elements") or [])
    return [line for line in lines if line]
