"""Real-time eligibility (270/271) and claim status (276/277) over CORE, from a page.

One inquiry is one visit or one claim. The question is written by the same services that
write batch inquiries (``eligibility.services.request_eligibility``,
``arfollowup.services.request_status``), so it has its trace and control numbers like any
other; its ``RealtimeInquiry`` is created in the same transaction, which is what tells the
batch queue to leave that file alone. Then, outside any transaction (the payer has up to
60 s):

1. the file goes to the client's CORE endpoint (``connectivity.core``);
2. the answer goes through intake (channel "real-time") and is applied at once, so the
   existing 271/277 application finds the question by its trace and the visit or the AR
   item shows the answer when the page reloads;
3. the inquiry keeps what the CORE rules ask to log: the request's ISA13, GS06, ST02, BHT03,
   TRN02, the answer's ISA13, when it went and came back, and the round trip in ms.

When real time fails (timeout, HTTP error, a CORE error), the inquiry says why in words and
the same file is queued for batch (``connectivity.outbound.queue``): the person still gets
the answer, later. After a timeout the batch send waits until 90 s after the real-time send,
because CORE forbids sending the same inquiry again sooner (the payer may still answer).
"""

from __future__ import annotations

import importlib
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, transaction
from django.db import connection as db_connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.arfollowup.models import ClaimStatusRequest
from rcmdesk.arfollowup.services import request_status
from rcmdesk.audit.sealer import sealing_deferred
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim
from rcmdesk.connectivity import core
from rcmdesk.connectivity.models import (
    Connection,
    ConnectionKind,
    InquiryState,
    RealtimeInquiry,
)
from rcmdesk.eligibility.models import EligibilityRequest, Visit
from rcmdesk.eligibility.services import request_eligibility
from rcmdesk.intake import services as intake
from rcmdesk.intake.models import Channel, OutboundFile
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.services import BulkResult

CORE_KINDS = (ConnectionKind.CORE_SOAP, ConnectionKind.CORE_REST)
BULK_WORKERS = 8  # at most this many inquiries in flight for one bulk action
BULK_LIMIT = 200  # a bulk action asks about at most this many at once


class NoRealtimeConnection(errors.Conflict):
    """The client has no enabled CORE endpoint carrying this kind of inquiry."""


class TooSoon(errors.Conflict):
    """CORE: the same inquiry may not be sent again within 90 seconds of the last one."""


# --- which endpoint ----------------------------------------------------------------------


def realtime_connection(client: Organization | int, set_id: str) -> Connection | None:
    """The client's enabled CORE connection carrying ``set_id`` (270 or 276), if any."""
    client_id = client if isinstance(client, int) else client.pk
    found: Connection | None = (Connection.objects.filter(client_id=client_id)
                                .enabled(CORE_KINDS).carrying(set_id).order_by("pk").first())
    return found


def _connection(client: Organization, set_id: str) -> Connection:
    found = realtime_connection(client, set_id)
    if found is None:
        raise NoRealtimeConnection(
            f"{client.name} has no real-time connection for {set_id} inquiries; a client "
            "admin can set one up under Connections.")
    return found


# --- one visit, one claim ------------------------------------------------------------------


def check_eligibility_now(visit: Visit, *, acting_user: Any) -> RealtimeInquiry:
    """Ask the payer about ``visit`` in real time; the inquiry, answered or fallen back."""
    return _ask(visit.client, "270", visit_inquiries(visit), f"visit #{visit.pk}",
                lambda: request_eligibility([visit], acting_user=acting_user),
                EligibilityRequest, acting_user=acting_user)


def check_status_now(claim: Claim, *, acting_user: Any) -> RealtimeInquiry:
    """Ask the payer where ``claim`` stands in real time; the inquiry, answered or fallen
    back. The claim's open AR item notes the request, as a batch 276 does."""
    return _ask(claim.client, "276", claim_inquiries(claim),
                f"claim {claim.patient_control_number}",
                lambda: request_status([claim], acting_user=acting_user),
                ClaimStatusRequest, acting_user=acting_user)


def _ask(client: Organization, set_id: str, earlier: QuerySet[RealtimeInquiry], what: str,
         write: Callable[[], OutboundFile],
         requests: type[EligibilityRequest] | type[ClaimStatusRequest], *,
         acting_user: Any) -> RealtimeInquiry:
    """The question written by its batch service and its inquiry row in one transaction
    (so the batch queue sees the row), then the exchange outside it.

    The audit events of the whole inquiry (its question, its answer through intake, its
    state) are sealed once at the end rather than after each of its commits: each is still
    committed with its change, and the person waits for one seal instead of five.
    """
    connection = _connection(client, set_id)
    _not_too_soon(earlier, what)
    with sealing_deferred():
        with transaction.atomic():
            out = write()
            trace = requests.objects.filter(  # type: ignore[attr-defined]
                outbound=out).values_list("trace", flat=True).first() or ""
            inquiry = _open(client, out, connection, set_id, trace, acting_user)
        return exchange(inquiry, acting_user=acting_user)


def _not_too_soon(earlier: QuerySet[RealtimeInquiry], what: str) -> None:
    """Refuse a second inquiry while the last unanswered one is under 90 seconds old."""
    since = timezone.now() - timedelta(seconds=core.RETRANSMIT_AFTER)
    pending = earlier.filter(sent_at__gt=since).exclude(state=InquiryState.ANSWERED)
    if pending.exists():
        raise TooSoon(f"An inquiry about {what} went out less than 90 seconds ago and has no "
                      "answer yet; CORE allows asking again only after 90 seconds.")


def _open(client: Organization, out: OutboundFile, connection: Connection, set_id: str,
          trace: str, acting_user: Any) -> RealtimeInquiry:
    """The inquiry row, with the request's control numbers as the writer put them (its
    ST02 and BHT03 from ``written_heads``: the file is not parsed back), and the client in
    hand, so the exchange after it does not load it again."""
    st02, bht03 = out.written_heads
    inquiry = RealtimeInquiry.objects.create(
        client=client, connection=connection, set_id=set_id, outbound=out,
        payload_id=str(uuid.uuid4()), isa13=out.isa13, gs06=out.gs06, st02=st02,
        bht03=bht03, trn02=trace,
        sent_at=timezone.now(), requested_by=person(acting_user))
    record("connectivity.realtime_sent", client_id=out.client_id, obj=inquiry,
           acting_user=acting_user,
           detail={"set": set_id, "connection": connection.name, "isa13": out.isa13,
                   "trace": trace, "payload_id": inquiry.payload_id})
    return inquiry


# --- the exchange ------------------------------------------------------------------------


def exchange(inquiry: RealtimeInquiry, *, acting_user: Any) -> RealtimeInquiry:
    """Send a waiting inquiry, take its answer in, or fall back to batch."""
    started = time.monotonic()
    try:
        done = core.send(inquiry.connection, inquiry.set_id, bytes(inquiry.outbound.content),
                         payload_id=inquiry.payload_id, now=inquiry.sent_at)
    except core.CoreFailure as exc:
        return _failed(inquiry, exc, _ms(started), acting_user)
    rtt = _ms(started)
    name = f"{done.reply.set_id or 'answer'}-realtime-{inquiry.isa13}.x12"
    result = intake.ingest(inquiry.client, done.payload, name, acting_user=acting_user,
                           channel=Channel.REALTIME)
    note = "" if result.ok else f"the answer was {result.line()}"
    with transaction.atomic():
        inquiry.state = InquiryState.ANSWERED
        inquiry.answer = result.file
        inquiry.answer_isa13 = answer_isa13(done.payload)
        inquiry.answered_at = timezone.now()
        inquiry.round_trip_ms = rtt
        inquiry.error = note[:1000]
        inquiry.save(update_fields=["state", "answer", "answer_isa13", "answered_at",
                                    "round_trip_ms", "error"])
        record("connectivity.realtime_answered", client_id=inquiry.client_id, obj=inquiry,
               acting_user=acting_user,
               detail={"isa13": inquiry.isa13, "answer_isa13": inquiry.answer_isa13,
                       "round_trip_ms": rtt, "file": result.file.pk})
    return inquiry


def answer_isa13(payload: bytes) -> str:
    """ISA13 of an answer: the ISA is fixed width, its element separator is byte 4."""
    if len(payload) < 106 or not payload.startswith(b"ISA"):
        return ""
    parts = payload[:106].decode("latin-1").split(payload[3:4].decode("latin-1"))
    return parts[13].strip()[:9] if len(parts) > 13 else ""


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _failed(inquiry: RealtimeInquiry, exc: core.CoreFailure, elapsed: int,
            acting_user: Any) -> RealtimeInquiry:
    """Say why in words, then hand the same file to batch."""
    state = InquiryState.TIMED_OUT if exc.timed_out else InquiryState.FAILED
    with transaction.atomic():
        inquiry.state, inquiry.error = state, str(exc)[:1000]
        inquiry.round_trip_ms = elapsed if not exc.timed_out else None
        inquiry.save(update_fields=["state", "error", "round_trip_ms"])
        record("connectivity.realtime_failed", client_id=inquiry.client_id, obj=inquiry,
               acting_user=acting_user,
               detail={"isa13": inquiry.isa13, "timed_out": exc.timed_out,
                       "reason": str(exc)[:300],
                       "elapsed_ms": elapsed})
    return fall_back(inquiry, acting_user=acting_user,
                     not_before=(inquiry.sent_at + timedelta(seconds=core.RETRANSMIT_AFTER)
                                 if exc.timed_out else None))


def fall_back(inquiry: RealtimeInquiry, *, acting_user: Any,
              not_before: datetime | None = None) -> RealtimeInquiry:
    """Queue the inquiry's file for batch; the inquiry says so, or why it could not."""
    try:
        # Imported here: the batch queue is another part of connectivity, and a server
        # without it still answers in real time; only the fallback needs it.
        batch = importlib.import_module("rcmdesk.connectivity.outbound")
        batch.queue(inquiry.outbound, now=not_before)
    except Exception as exc:  # the inquiry must say what happened, whatever it was
        why = f"; it could not be queued for batch either ({exc.__class__.__name__}: {exc})"
        RealtimeInquiry.objects.filter(pk=inquiry.pk).update(
            error=(inquiry.error + why)[:1000])
        inquiry.error = (inquiry.error + why)[:1000]
        return inquiry
    with transaction.atomic():
        inquiry.state = InquiryState.FELL_BACK
        inquiry.save(update_fields=["state"])
        record("connectivity.realtime_fell_back", client_id=inquiry.client_id, obj=inquiry,
               acting_user=acting_user,
               detail={"isa13": inquiry.isa13, "reason": inquiry.error[:300],
                       "not_before": not_before.isoformat() if not_before else None})
    return inquiry


# --- a selection ------------------------------------------------------------------------


@dataclass
class BulkInquiries:
    """The inquiries made (``done``) and the others with why (``skipped``), by object id."""

    done: list[RealtimeInquiry] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return sum(1 for i in self.done if i.state == InquiryState.ANSWERED)


def check_many(objects: Sequence[Visit] | Sequence[Claim], *, acting_user: Any,
               workers: int = BULK_WORKERS) -> BulkInquiries:
    """Ask about a selection of visits or claims, several at once.

    A bounded thread pool rather than a background task: each inquiry is mostly waiting on
    the payer (up to 60 s), the person who clicked is waiting for the answers on the page,
    and CORE counts the round trip from our send. Threads give the waits in parallel now;
    the bound keeps one click from opening more database connections (one per thread) and
    HTTP connections than the pool allows. One that cannot be asked about is skipped with
    the reason; the others go.
    """
    if len(objects) > BULK_LIMIT:
        raise errors.Invalid(f"Choose at most {BULK_LIMIT} at once.")
    ask: Callable[..., RealtimeInquiry] = (
        check_eligibility_now if all(isinstance(o, Visit) for o in objects)
        else check_status_now)
    result = BulkInquiries()

    def one(obj: Any) -> tuple[int, RealtimeInquiry | str]:
        try:
            return obj.pk, ask(obj, acting_user=acting_user)
        except (errors.DomainError, ValueError) as exc:
            return obj.pk, str(exc)
        except Exception as exc:  # a permission refusal is not a DomainError here
            return obj.pk, _refusal(exc)

    if workers <= 1 or len(objects) <= 1:
        outcomes = [one(obj) for obj in objects]
    else:
        with ThreadPoolExecutor(max_workers=min(workers, len(objects)),
                                thread_name_prefix="realtime") as pool:
            outcomes = list(pool.map(_in_thread(one), objects))
    for pk, outcome in outcomes:
        if isinstance(outcome, str):
            result.skipped[pk] = outcome
        else:
            result.done.append(outcome)
    return result


def _refusal(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied | Http404):
        return "Not allowed."
    raise exc


def _in_thread[T, R](fn: Callable[[T], R]) -> Callable[[T], R]:
    """Run ``fn`` in a pool thread with its own database connection, closed after."""
    def run(arg: T) -> R:
        close_old_connections()
        try:
            return fn(arg)
        finally:
            db_connection.close()
    return run


# --- the log ------------------------------------------------------------------------------


def visit_inquiries(visit: Visit) -> QuerySet[RealtimeInquiry]:
    outbound = EligibilityRequest.objects.filter(visit=visit).values("outbound_id")
    return RealtimeInquiry.objects.filter(client_id=visit.client_id, set_id="270",
                                          outbound_id__in=outbound).order_by("-sent_at")


def claim_inquiries(claim: Claim) -> QuerySet[RealtimeInquiry]:
    outbound = ClaimStatusRequest.objects.filter(claim=claim).values("outbound_id")
    return RealtimeInquiry.objects.filter(client_id=claim.client_id, set_id="276",
                                          outbound_id__in=outbound).order_by("-sent_at")




# --- the workbench's bulk action ----------------------------------------------------------


def check_items_now(items: Sequence[WorkItem], *, acting_user: Any) -> BulkResult:
    """"Check now (real time)" on a workbench selection: an eligibility item asks about its
    visit (270), any other item with a claim about its claim (276). Each item is judged on
    its own, as every bulk action's are: one that cannot be asked about is skipped with the
    reason while the others go."""
    result = BulkResult()
    visits: dict[int, list[int]] = {}
    claims: dict[int, list[int]] = {}
    for item in items:
        if item.kind == ItemKind.ELIGIBILITY and item.source_key.startswith("visit:"):
            visits.setdefault(int(item.source_key.split(":", 1)[1]), []).append(item.pk)
        elif item.claim_id is not None:
            claims.setdefault(item.claim_id, []).append(item.pk)
        else:
            result.skipped[item.pk] = "This item has no visit or claim to ask about."
    for model, wanted in ((Visit, visits), (Claim, claims)):
        found = list(model.objects.filter(pk__in=list(wanted)))  # type: ignore[attr-defined]
        asked = check_many(found, acting_user=acting_user) if found else BulkInquiries()
        done = {pk for pk in wanted if pk not in asked.skipped}
        for pk, item_ids in wanted.items():
            for item_id in item_ids:
                if pk in done:
                    result.done.append(item_id)
                else:
                    result.skipped[item_id] = asked.skipped.get(pk, "Not found.")
    return result
