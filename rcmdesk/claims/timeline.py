"""The claim's story in time order: what was sent, what came back, what people did.

A billing specialist opening a claim asks "what happened to it, and what is next?". The
answer is spread over a dozen tables in as many apps; this module reads each through its own
``visible_to`` (the timeline never shows what the reader could not open) with one query per
kind of object, whatever the number of rows, and turns every row into an ``Event``.

Events carry the URL *name* and key of the page they link to, not a URL: the template builds
it, so this module stays free of the web layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from rcmdesk.accounts.people import person
from rcmdesk.arfollowup.models import ClaimStatusResponse
from rcmdesk.arfollowup.queries import claim_status_exchanges
from rcmdesk.arfollowup.status277 import FINALIZED_DENIED, RESUBMIT
from rcmdesk.attachments.queries import for_claim
from rcmdesk.calendar import day_start, office_day
from rcmdesk.claims.models import Claim
from rcmdesk.connectivity.models import Transmission
from rcmdesk.decisions.models import Proposal
from rcmdesk.denials.models import Appeal, AppealStatus
from rcmdesk.escalations.models import Escalation
from rcmdesk.intake.models import ReceivedFile
from rcmdesk.qa.models import Audit
from rcmdesk.remits.models import JournalEntry, RemitClaim
from rcmdesk.submission.models import BatchClaim
from rcmdesk.workqueue.models import TOUCH_ACTIONS, ActionKind, WorkAction, WorkItem
from rcmdesk.workqueue.queries import claim_calls

# A 277 answer that needs someone: the payer has no claim to pay on, or denied it.
ALARMING_CATEGORIES = frozenset(RESUBMIT) | frozenset(FINALIZED_DENIED)


@dataclass(frozen=True)
class Link:
    """A page the event opens: ``{% url link.name link.key %}``."""

    name: str
    key: int
    label: str


@dataclass(frozen=True)
class Event:
    at: datetime
    stage: str  # the part of the chain: submission, payer, payment, ledger, work, client, QA
    title: str
    detail: str = ""
    amount: Decimal | None = None
    who: str = ""
    link: Link | None = None
    alarm: bool = False  # a rejection, a denial, a failed audit: something to act on


Source = Callable[[Any, Claim], list[Event]]


def timeline(user: Any, claim: Claim, *, remits: Iterable[RemitClaim] = (),
             journals: Iterable[JournalEntry] = ()) -> list[Event]:
    """Every event the reader may see, newest first. ``remits`` and ``journals`` are the rows
    the claim page already read (passed in so the page does not read them twice)."""
    events = [*_remit_events(remits), *_journal_events(journals)]
    for source in SOURCES:
        events.extend(source(user, claim))
    return sorted(events, key=lambda e: e.at, reverse=True)


def _name(user: Any) -> str:
    """The person's name as the team knows them; the system acts unnamed."""
    someone = person(user)
    return (someone.get_full_name() or someone.username) if someone is not None else ""


# --- what we sent and what the payer's systems answered -----------------------------------


def submissions(user: Any, claim: Claim) -> list[Event]:
    entries = list(BatchClaim.objects.visible_to(user).filter(claim=claim)
                   .select_related("batch__created_by").order_by("batch__created_at"))
    files = _received_files(user, claim, entries)
    sends = _transmissions(entries)
    events: list[Event] = []
    for entry in entries:
        batch = entry.batch
        link = Link("submission:batch", batch.pk, f"batch #{batch.pk}")
        events.append(Event(
            batch.created_at, "submission", f"Sent to the payer in an 837{batch.kind} batch",
            f"set {entry.set_control}, claim {entry.position} of the set",
            who=_name(batch.created_by), link=link))
        events.extend(Event(t.sent_at, "submission",
                            f"File delivered to the clearinghouse ({t.connection.name})",
                            f"as {t.remote_name}" if t.remote_name else "", link=link)
                      for t in sends.get(batch.outbound_id, []) if t.sent_at is not None)
        events.extend(_acknowledgments(entry, files))
    return events


def _transmissions(entries: list[BatchClaim]) -> dict[int, list[Transmission]]:
    """The sends of the batches' files (one query); the entries were read visible already."""
    found: dict[int, list[Transmission]] = {}
    for send in (Transmission.objects.filter(
            outbound_id__in={e.batch.outbound_id for e in entries}, sent_at__isnull=False)
            .select_related("connection").order_by("sent_at")):
        found.setdefault(send.outbound_id, []).append(send)
    return found


def _received_files(user: Any, claim: Claim,
                    entries: list[BatchClaim]) -> dict[int, ReceivedFile]:
    ids = {detail["file"] for e in entries for detail in e.ack_detail.values()
           if isinstance(detail, dict) and isinstance(detail.get("file"), int)}
    if not ids:
        return {}
    return {f.pk: f for f in ReceivedFile.objects.visible_to(user)
            .filter(client_id=claim.client_id, pk__in=ids).only("pk", "received_at",
                                                                "original_name")}


_ACK_NAMES = {"ta1": "TA1 (interchange check)", "999": "999 (file syntax check)",
              "277ca": "277CA (payer's front door)"}


def _acknowledgments(entry: BatchClaim, files: dict[int, ReceivedFile]) -> list[Event]:
    events = []
    for source, detail in sorted(entry.ack_detail.items()):
        if not isinstance(detail, dict) or source not in _ACK_NAMES:
            continue
        received = files.get(detail.get("file", 0))
        at = received.received_at if received else entry.batch.created_at
        rejected = bool(detail.get("summary")) or detail.get("status") == "R"
        title = f"{_ACK_NAMES[source]}: {'rejected' if rejected else 'accepted'}"
        link = Link("intake:file", received.pk, received.original_name) if received else None
        events.append(Event(at, "payer", title, str(detail.get("summary", "")),
                            link=link, alarm=rejected))
    return events


def status_exchanges(user: Any, claim: Claim) -> list[Event]:
    """276 questions and the 277 answers that came back for them, with our reading of each
    answer's category (``arfollowup.queries`` is the one reader of that conversation)."""
    events = []
    for exchange in claim_status_exchanges(user, claim.pk):
        asked = exchange.request
        if asked is not None:
            link = (Link("workqueue:item", asked.item_id, f"item #{asked.item_id}")
                    if asked.item_id else None)
            events.append(Event(asked.requested_at, "payer", "Claim status asked (276)",
                                f"trace {asked.trace}", who=_name(asked.requested_by),
                                link=link))
        for answer in exchange.answers:
            r = answer.response
            events.append(Event(
                r.received_at, "payer", f"Payer's status answer (277): {answer.meaning}",
                _status_detail(r), amount=r.paid_amount,
                link=Link("intake:file", r.file_id, "the 277 file") if r.file_id else None,
                alarm=r.category.upper() in ALARMING_CATEGORIES))
    return events


def _status_detail(r: ClaimStatusResponse) -> str:
    parts = [f"{r.raw_stc} (category {r.category}, status {r.status_code})"]
    if r.effective_date:
        parts.append(f"as of {office_day(r.effective_date)}")
    if r.payer_claim_control_number:
        parts.append(f"payer claim {r.payer_claim_control_number}")
    if r.trace:
        parts.append(f"trace {r.trace}")
    return ", ".join(parts)


def calls(user: Any, claim: Claim) -> list[Event]:
    """Payer calls and portal checks from the structured call log, with the payer's call
    reference (the client's SOP asks for it)."""
    events = []
    for call in claim_calls(user, claim.pk):
        detail = " — ".join(p for p in (
            call.contact, call.reference and f"call reference {call.reference}", call.said) if p)
        events.append(Event(call.at, "payer", f"{call.get_channel_display().capitalize()}: "
                            f"{call.action.get_kind_display()}", detail,
                            who=_name(call.action.actor),
                            link=Link("workqueue:item", call.item_id, f"item #{call.item_id}")))
    return events


# --- money ---------------------------------------------------------------------------------


def _remit_events(remits: Iterable[RemitClaim]) -> list[Event]:
    events = []
    for rc in remits:
        remittance = rc.remittance
        paid = remittance.payment_date
        paid_on = f"paid on {office_day(paid)}" if paid else ""
        detail = ", ".join(p for p in (rc.outcome, paid_on, f"trace {remittance.trace_number}")
                           if p)
        events.append(Event(
            remittance.created_at, "payment",
            f"Remittance (835) from {remittance.payer_name or remittance.payer_key}", detail,
            amount=rc.paid, link=Link("remits:remittance", remittance.pk,
                                      f"remittance {remittance.trace_number}"),
            alarm=rc.paid == 0 and rc.charge > 0))
    return events


def _journal_events(journals: Iterable[JournalEntry]) -> list[Event]:
    return [Event(j.created_at, "ledger", f"Ledger: {j.get_kind_display()} journal #{j.pk}",
                  j.memo, who=_name(j.created_by)) for j in journals]


# --- people's work -------------------------------------------------------------------------


def work(user: Any, claim: Claim) -> list[Event]:
    """Items opened and closed, and every action a person took on them (bookkeeping such as
    claimed or released stays on the item's own page)."""
    items = list(WorkItem.objects.visible_to(user).filter(claim=claim))
    events: list[Event] = []
    for item in items:
        link = Link("workqueue:item", item.pk, f"item #{item.pk}")
        events.append(Event(item.created_at, "work",
                            f"{item.get_kind_display().capitalize()} item opened", item.title,
                            amount=item.amount, link=link))
        if item.closed_at:
            events.append(Event(item.closed_at, "work",
                                f"{item.get_kind_display().capitalize()} item closed",
                                item.close_reason, link=link))
    # A call or portal check is told by ``calls`` (with its reference), a 276 by
    # ``status_exchanges``: their action rows would only say it twice.
    actions = (WorkAction.objects.filter(item__in=items, kind__in=TOUCH_ACTIONS,
                                         call__isnull=True)
               .exclude(kind=ActionKind.STATUS_REQUESTED).select_related("actor"))
    for action in actions:
        detail = " — ".join(p for p in (action.outcome, action.note) if p)
        events.append(Event(action.at, "work", action.get_kind_display().capitalize(), detail,
                            who=_name(action.actor),
                            link=Link("workqueue:item", action.item_id, f"item #{action.item_id}")))
    return events


def appeals(user: Any, claim: Claim) -> list[Event]:
    """Each appeal's life: drafted, filed (how, with what reference), the payer's answer
    (with what it expects to pay), and the remit that paid it."""
    events = []
    zone = claim.client.time_zone  # a date-only fact opens at the client's midnight
    for a in Appeal.objects.visible_to(user).filter(claim=claim).select_related("created_by"):
        link = Link("denials:appeal", a.pk, f"appeal #{a.pk}")
        level = f"Level {a.level} appeal"
        events.append(Event(a.created_at, "work", f"{level} drafted", a.subject,
                            who=_name(a.created_by), link=link))
        if a.filed_on:
            how = ", ".join(p for p in (a.get_filing_channel_display() if a.filing_channel
                                        else "", a.filing_reference
                                        and f"reference {a.filing_reference}") if p)
            events.append(Event(day_start(a.filed_on, zone), "payer",
                                f"{level} filed with the payer", how, link=link))
        if a.decided_on:
            answer = a.get_outcome_display() if a.outcome else a.get_status_display()
            events.append(Event(day_start(a.decided_on, zone), "payer",
                                f"Payer answered the {level.lower()}: {answer}",
                                a.outcome_note, amount=a.expected_amount, link=link,
                                alarm=a.status == AppealStatus.LOST))
        if a.paid_on:
            events.append(Event(day_start(a.paid_on, zone), "payment",
                                f"{level} paid: closed", "", amount=a.paid_amount, link=link))
    return events


def decisions(user: Any, claim: Claim) -> list[Event]:
    events = []
    for p in (Proposal.objects.visible_to(user).filter(claim=claim)
              .select_related("proposed_by", "decided_by")):
        link = Link("decisions:detail", p.pk, f"decision #{p.pk}")
        kind = p.get_kind_display()
        events.append(Event(p.proposed_at, "client", f"Asked the client to decide: {kind}",
                            p.reasons, amount=p.amount, who=_name(p.proposed_by), link=link))
        if p.decided_at:
            events.append(Event(p.decided_at, "client",
                                f"Client decided ({kind}): {p.get_status_display()}",
                                p.decision_comment, who=_name(p.decided_by), link=link,
                                alarm=p.status == "rejected"))
    return events


def escalations(user: Any, claim: Claim) -> list[Event]:
    events = []
    for e in (Escalation.objects.visible_to(user).filter(claim=claim)
              .select_related("raised_by")):
        link = Link("escalations:detail", e.pk, f"escalation #{e.pk}")
        events.append(Event(e.created_at, "client", f"Escalated: {e.get_kind_display()}",
                            e.subject, who=_name(e.raised_by), link=link))
        if e.resolved_at:
            events.append(Event(e.resolved_at, "client", "Escalation resolved", e.subject,
                                link=link))
    return events


def qa_audits(user: Any, claim: Claim) -> list[Event]:
    audits = (Audit.objects.visible_to(user).filter(item__claim=claim, completed_at__isnull=False)
              .select_related("auditor").prefetch_related("points"))
    return [Event(a.completed_at, "QA", "QA audit: " + ("failed" if a.failed() else "passed"),
                  f"score {a.score:.0%}" if a.score is not None else "",
                  who=_name(a.auditor), link=Link("qa:audit", a.pk, f"audit #{a.pk}"),
                  alarm=a.failed())
            for a in audits if a.completed_at is not None]


def documents(user: Any, claim: Claim) -> list[Event]:
    """Documents attached to the claim or to its appeals, items and decisions (the row opens
    the download, which is audited on its own)."""
    return [Event(a.uploaded_at, "documents",
                  f"Document attached to the {a.get_owner_kind_display()}: {a.name}",
                  a.note, who=_name(a.uploaded_by),
                  link=Link("attachments:download", a.pk, "download"))
            for a in for_claim(user, claim)]


# One reader per kind of object. An app that adds something a claim's story should tell
# (attachments, call logs) adds its reader here.
SOURCES: list[Source] = [submissions, status_exchanges, calls, work, appeals, decisions,
                         escalations, qa_audits, documents]
