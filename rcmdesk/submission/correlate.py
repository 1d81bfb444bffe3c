"""TA1 and 999 answers to any file we sent (837, 270, 276, 278), and the send's state.

A TA1 names our interchange (ISA13), a 999 our functional group (AK102 = GS06, AK101 the
kind of group: HC an 837, HS a 270, HR a 276, HI a 278). Each answer that names one of our
``OutboundFile`` rows is kept as an ``OutboundAck``; the file's transmissions then take the
worst verdict of all its answers (a TA1 accepting the envelope does not hide a 999 rejecting
the group inside, whichever came first). Deriving the state from the stored rows, never from
the order answers arrived in, is what keeps re-ingesting an answer a no-op.
"""

from __future__ import annotations

from typing import Any

from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.connectivity.models import Transmission, TransmissionState
from rcmdesk.intake.models import OutboundFile, ReceivedFile
from rcmdesk.submission import wording
from rcmdesk.submission.models import AckSource, AckVerdict, OutboundAck
from rcmdesk.x12 import t999

# AK101: the functional identifier of the group a 999 answers, as the set we wrote
FUNCTIONAL_SETS = {"HC": "837", "HS": "270", "HR": "276", "HI": "278"}

_SEVERITY = [AckVerdict.ACCEPTED, AckVerdict.ACCEPTED_WITH_ERRORS, AckVerdict.REJECTED]
TO_STATE = {AckVerdict.ACCEPTED: TransmissionState.ACCEPTED,
            AckVerdict.ACCEPTED_WITH_ERRORS: TransmissionState.ACCEPTED_WITH_ERRORS,
            AckVerdict.REJECTED: TransmissionState.REJECTED}
# only a file that left can be acknowledged; a queued or failed send is the sender's business
ANSWERABLE = (TransmissionState.SENT, *TO_STATE.values())


def outbound_for_group(client_id: int, group_control: str, our_sender: str,
                       functional_id: str = "") -> OutboundFile | None:
    """Our file whose GS06 is ``group_control`` (ISA08 of the answer = our ISA06)."""
    files = OutboundFile.objects.filter(client_id=client_id,
                                        gs06=group_control.lstrip("0") or "0")
    if functional_id in FUNCTIONAL_SETS:
        files = files.filter(set_id=FUNCTIONAL_SETS[functional_id])
    files = files.defer("content")
    chosen: OutboundFile | None = files.filter(isa_sender=our_sender.strip()).first()
    if chosen is None and files.count() == 1:
        chosen = files.first()
    return chosen


def outbound_for_interchange(client_id: int, control: str) -> OutboundFile | None:
    """Our file whose ISA13 is ``control`` (a TA1 names nothing else)."""
    found: OutboundFile | None = (OutboundFile.objects.filter(client_id=client_id,
                                                              isa13=control.zfill(9))
                                  .defer("content").first())
    return found


def verdict_999(ack: t999.Acknowledgment) -> AckVerdict:
    """AK901 for the group; a set accepted with errors makes the group so too."""
    statuses = {s.status for s in ack.sets}
    group = ack.group_status or ("A" if statuses <= {"A"} else "R")
    if group not in wording.ACCEPTED_STATUSES and group != "P":
        return AckVerdict.REJECTED
    if group != "A" or statuses - {"A"}:
        return AckVerdict.ACCEPTED_WITH_ERRORS
    return AckVerdict.ACCEPTED


def summary_999(ack: t999.Acknowledgment, set_id: str) -> str:
    words = f"{set_id} group {ack.group_control} {wording.set_status(ack.group_status)}"
    refused = [s for s in ack.sets if not s.accepted]
    if refused:
        words += "; " + "; ".join(
            f"set {s.control} {wording.set_status(s.status)}"
            + (": " + ", ".join(wording.SET_ERRORS.get(c, f"code {c}") for c in s.codes)
               if s.codes else "")
            for s in refused[:5])
    return words[:300]


def verdict_ta1(ta1: t999.InterchangeAck) -> AckVerdict:
    return {"A": AckVerdict.ACCEPTED, "E": AckVerdict.ACCEPTED_WITH_ERRORS}.get(
        ta1.status, AckVerdict.REJECTED)


def acknowledge(outbound: OutboundFile, received: ReceivedFile, source: AckSource,
                verdict: AckVerdict, summary: str, detail: dict[str, Any], *,
                acting_user: Any) -> OutboundAck:
    """Keep one answer to ``outbound`` and bring its transmissions to the files' verdict.

    The same answer again (same file, same kind) finds its row and changes nothing.
    """
    ack, created = OutboundAck.objects.get_or_create(
        outbound=outbound, received=received, source=source,
        defaults={"client_id": outbound.client_id, "verdict": verdict,
                  "summary": summary[:300], "detail": detail})
    if created:
        moved = settle_transmissions(outbound)
        record("outbound.acknowledged", client_id=outbound.client_id, obj=outbound,
               acting_user=person(acting_user),
               detail={"file": received.pk, "source": source.value, "verdict": verdict.value,
                       "set": outbound.set_id, "isa13": outbound.isa13,
                       "gs06": outbound.gs06, "transmissions": moved})
    return ack


def deciding(acks: list[OutboundAck]) -> OutboundAck | None:
    """The answer that sets the file's state: the worst verdict, the latest among equals."""
    if not acks:
        return None
    return max(acks, key=lambda a: (_SEVERITY.index(AckVerdict(a.verdict)), a.recorded_at,
                                    a.pk))


def settle_transmissions(outbound: OutboundFile) -> list[int]:
    """Every sent transmission of the file takes the deciding answer's verdict."""
    ack = deciding(list(OutboundAck.objects.filter(outbound=outbound)))
    if ack is None:
        return []
    rows = Transmission.objects.filter(outbound=outbound, state__in=ANSWERABLE)
    ids = list(rows.values_list("pk", flat=True))
    rows.update(state=TO_STATE[AckVerdict(ack.verdict)], ack_file_id=ack.received_id,
                acknowledged_at=ack.recorded_at)
    return ids
