"""Receiving files: store the bytes, refuse repeats, quarantine what cannot be trusted, apply.

Order matters and each step says why it runs where it does:
1. the same bytes again are "already ingested" (unique sha256 per client: also the guard
   when two processes race on one file, the loser's insert fails);
2. a reused ISA sender + ISA13 with different bytes is quarantined for a person, never
   applied (a payer re-sending a corrected file must say so with a new control number);
3. anything the X12 engine cannot read, or flags as an error, is quarantined with located
   findings; an 835 that only fails to balance is left to the poster, which holds it;
4. each transaction set is applied in its own database transaction, so a crash midway
   through a set leaves nothing of that set; the file's TA1s (interchange
   acknowledgments, outside every set) go first, together, to the registered handlers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from rcmdesk.audit.services import record
from rcmdesk.claims.services import apply_837
from rcmdesk.intake.models import FileStatus, InterchangeKey, ReceivedFile
from rcmdesk.intake.signals import applier_for, file_applied, interchange_ack_handlers
from rcmdesk.remits.services import post_835
from rcmdesk.tenancy.models import Organization
from rcmdesk.x12 import X12Error, t837, t999
from rcmdesk.x12.findings import Finding, Severity
from rcmdesk.x12.parser import Transaction
from rcmdesk.x12.validate import TOO_MANY, validate

HELD_NOT_QUARANTINED = frozenset({"snip3.835-balance"})  # the poster holds these
RETRYABLE = frozenset({FileStatus.RECEIVED, FileStatus.QUARANTINED, FileStatus.FAILED,
                       FileStatus.HELD_FOR_REVIEW})
ALREADY = "already ingested"
TA1_KEY = "TA1"  # the summary entry of the file's interchange acknowledgments


@dataclass(frozen=True)
class IngestResult:
    file: ReceivedFile
    outcome: str  # a FileStatus value, or ALREADY
    message: str = ""

    @property
    def ok(self) -> bool:
        """Whether a command should exit 0 for this file."""
        return self.outcome in (FileStatus.APPLIED, ALREADY)

    def line(self) -> str:
        text = self.outcome.replace("_", " ")
        return f"{self.file.original_name}: {text}" + (f": {self.message}" if self.message else "")


def ingest(client: Organization, data: bytes, name: str, *, actor: Any = None,
           channel: str = "cli") -> IngestResult:
    """Receive one file and, when it can be trusted, apply it."""
    received, new = receive(client, data, name, actor=actor, channel=channel)
    if not new:
        return IngestResult(received, ALREADY, f"{received.status} on "
                                               f"{received.received_at:%Y-%m-%d %H:%M}")
    return process(received, actor=actor)


def receive(client: Organization, data: bytes, name: str, *, actor: Any = None,
            channel: str = "cli") -> tuple[ReceivedFile, bool]:
    """Store the bytes once per client; returns the file and whether it is new.

    The first half of ``ingest``, on its own for the web upload, which answers the person
    at once and leaves ``process`` to a background task.
    """
    digest = hashlib.sha256(data).hexdigest()
    earlier = ReceivedFile.objects.filter(client=client, sha256=digest).first()
    if earlier is None:
        try:
            with transaction.atomic():
                received = ReceivedFile.objects.create(
                    client=client, original_name=name[:255], sha256=digest, size=len(data),
                    content=data, channel=channel,
                    received_by=actor if getattr(actor, "is_authenticated", False) else None)
                record("intake.received", client_id=client.pk, obj=received, actor=actor,
                       detail={"name": name, "sha256": digest, "size": len(data),
                               "channel": channel})
                return received, True
        except IntegrityError:  # another process stored the same bytes first
            earlier = ReceivedFile.objects.get(client=client, sha256=digest)
    record("intake.duplicate", client_id=client.pk, obj=earlier, actor=actor,
           detail={"status": earlier.status})
    return earlier, False


def retry(received: ReceivedFile, actor: Any = None) -> IngestResult:
    """Run a quarantined, held or failed file again (after a fix); applied sets are skipped."""
    if received.status not in RETRYABLE:
        return IngestResult(received, received.status, "nothing to retry")
    record("intake.retry", client_id=received.client_id, obj=received, actor=actor,
           detail={"previous_status": received.status, "reason": received.reason})
    return process(received, actor=actor)


def finding_dict(f: Finding) -> dict[str, Any]:
    return {"position": f.position, "segment": f.segment_id, "element": f.element,
            "rule": f.rule, "severity": f.severity.value, "message": f.message}


def error_dict(exc: X12Error) -> dict[str, Any]:
    return {"position": exc.position, "segment": exc.segment_id, "element": exc.element,
            "rule": type(exc).__name__, "severity": Severity.ERROR.value,
            "message": exc.message}


def too_many_reason(findings: list[Finding]) -> str:
    """The reason of a file whose checking stopped at the findings cap, first error named."""
    first = next(f for f in findings if f.severity is Severity.ERROR)
    return (f"more than {len(findings) - 1:,} X12 problems: checking stopped and only the "
            f"first {len(findings) - 1:,} are listed; first: {first}")


def process(received: ReceivedFile, *, actor: Any = None) -> IngestResult:
    """Check and apply a stored file; the status and an audit event record the outcome."""
    data, name = bytes(received.content), received.original_name
    try:
        findings = list(validate(data, name=name, limit=settings.RCMDESK_MAX_FINDINGS))
        if findings and findings[-1].rule == TOO_MANY:  # never parse a flood in full
            return _finish(received, FileStatus.QUARANTINED, too_many_reason(findings),
                           actor, findings=[finding_dict(f) for f in findings])
        sets, acks = t999.sets_and_interchange_acks(data, name=name)
    except X12Error as exc:
        return _finish(received, FileStatus.QUARANTINED, f"not readable X12: {exc}",
                       actor, findings=[error_dict(exc)])
    conflict = _interchange_conflict(received, sets)
    if conflict:
        return _finish(received, FileStatus.QUARANTINED, conflict, actor)
    errors = [f for f in findings
              if f.severity is Severity.ERROR and f.rule not in HELD_NOT_QUARANTINED]
    if errors:
        return _finish(received, FileStatus.QUARANTINED,
                       f"{len(errors)} X12 error(s); first: {errors[0]}", actor,
                       findings=[finding_dict(f) for f in findings])
    claimed = _claim_interchanges(received, sets)
    if claimed:
        return _finish(received, FileStatus.QUARANTINED, claimed, actor)
    return _apply_sets(received, sets, actor, [finding_dict(f) for f in findings], acks)


def _interchange_conflict(received: ReceivedFile, sets: list[Transaction]) -> str:
    for sender, control in {(tx.interchange.sender, tx.interchange.control) for tx in sets}:
        key = InterchangeKey.objects.filter(client_id=received.client_id, isa_sender=sender,
                                            isa13=control).select_related("file").first()
        if key is not None and key.sha256 != received.sha256:
            return (f"interchange {control} from sender {sender} was already received in "
                    f"{key.file.original_name} (sha256 {key.sha256[:12]}) with different "
                    f"content; a person must decide which one is right")
    return ""


def _claim_interchanges(received: ReceivedFile, sets: list[Transaction]) -> str:
    """Insert the interchange keys; losing a race to a different file is a conflict."""
    try:
        with transaction.atomic():
            for sender, control in {(tx.interchange.sender, tx.interchange.control)
                                    for tx in sets}:
                InterchangeKey.objects.get_or_create(
                    client_id=received.client_id, isa_sender=sender, isa13=control,
                    defaults={"sha256": received.sha256, "file": received})
    except IntegrityError:
        return _interchange_conflict(received, sets) or "interchange claimed concurrently"
    return _interchange_conflict(received, sets)


def _set_key(tx: Transaction) -> str:
    return f"{tx.interchange.control}/{tx.group.control}/{tx.control}"


def _apply_sets(received: ReceivedFile, sets: list[Transaction], actor: Any,
                findings: list[dict[str, Any]],
                acks: list[t999.InterchangeAck] | None = None) -> IngestResult:
    done: dict[str, Any] = dict(received.summary.get("sets", {}))
    status, reasons = FileStatus.APPLIED, []
    if acks and done.get(TA1_KEY, {}).get("outcome") != "applied":
        outcome = _apply_interchange_acks(received, acks, actor)
        done[TA1_KEY] = outcome
        if outcome["outcome"] != "applied":
            reasons.append(f"TA1: {outcome.get('reason', '')}")
            status = _worse(status, FileStatus(outcome["outcome"]))
    for tx in sets:
        key = _set_key(tx)
        if done.get(key, {}).get("outcome") == "applied":
            continue
        outcome = _apply_one(received, tx, actor)
        done[key] = outcome
        if outcome["outcome"] != "applied":
            reasons.append(f"{tx.set_id} {tx.control}: {outcome.get('reason', '')}")
            status = _worse(status, FileStatus(outcome["outcome"]))
    received.summary = {"sets": done}
    result = _finish(received, status, "; ".join(reasons), actor, findings=findings)
    if any(o.get("outcome") == "applied" for o in done.values()):
        file_applied.send(sender=ReceivedFile, received=received, status=status.value)
    return result


def _worse(a: FileStatus, b: FileStatus) -> FileStatus:
    order = [FileStatus.APPLIED, FileStatus.HELD_FOR_REVIEW, FileStatus.DUPLICATE,
             FileStatus.FAILED]
    return max(a, b, key=lambda s: order.index(s) if s in order else len(order))


def _apply_one(received: ReceivedFile, tx: Transaction, actor: Any) -> dict[str, Any]:
    """One set, one transaction: all of it or none of it."""
    try:
        with transaction.atomic():
            return {"set": tx.set_id, **_dispatch(received, tx, actor)}
    except IntegrityError as exc:  # a concurrent run posted it first: the keys held
        return {"set": tx.set_id, "outcome": FileStatus.DUPLICATE.value,
                "reason": f"already posted by a concurrent run ({exc.__class__.__name__})"}
    except Exception as exc:  # any failure: the set rolled back, report it
        return {"set": tx.set_id, "outcome": FileStatus.FAILED.value,
                "reason": f"{exc.__class__.__name__}: {exc}"[:500]}


def _apply_interchange_acks(received: ReceivedFile, acks: list[t999.InterchangeAck],
                            actor: Any) -> dict[str, Any]:
    """Every handler in one transaction, as a set's applier: all of it or none of it.

    Stored only when nobody registered; handlers must tolerate the same acknowledgment
    arriving again in another file (the same bytes never come back: ``receive``).
    """
    head = {"set": "TA1", "acks": len(acks)}
    handlers = interchange_ack_handlers()
    if not handlers:
        return {**head, "outcome": "applied", "stored_only": True}
    try:
        with transaction.atomic():
            summary: dict[str, Any] = {}
            for handler in handlers:
                summary.update(handler(received, acks, actor))
            return {**head, "outcome": "applied", **summary}
    except Exception as exc:  # the acknowledgments rolled back: report it, as for a set
        return {**head, "outcome": FileStatus.FAILED.value,
                "reason": f"{exc.__class__.__name__}: {exc}"[:500]}


def _dispatch(received: ReceivedFile, tx: Transaction, actor: Any) -> dict[str, Any]:
    client = received.client
    if tx.set_id == "837":
        result = apply_837(client, t837.submission(tx), file=received, actor=actor)
        return {"outcome": "applied", **result.as_summary()}
    if tx.set_id == "835":
        posted = post_835(client, tx, file=received, actor=actor)
        outcome = FileStatus.HELD_FOR_REVIEW.value if posted.held else "applied"
        return {"outcome": outcome, **posted.as_summary()}
    applier = applier_for(tx.set_id, tx.version)
    if applier is not None:
        return {"outcome": "applied", **applier(received, tx, actor)}
    return {"outcome": "applied", "stored_only": True, "control": tx.control}


def _finish(received: ReceivedFile, status: FileStatus, reason: str, actor: Any,
            findings: list[dict[str, Any]] | None = None) -> IngestResult:
    with transaction.atomic():
        received.status, received.reason = status, reason
        if findings is not None:
            received.findings = findings
        received.save(update_fields=["status", "reason", "findings", "summary"])
        record(f"intake.{status.value}", client_id=received.client_id, obj=received,
               actor=actor, detail={"reason": reason[:500], "findings": len(received.findings)})
    return IngestResult(received, status.value, reason)
