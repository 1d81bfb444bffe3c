"""Receiving files: store the bytes, refuse repeats, quarantine what cannot be trusted, apply.

Order matters and each step says why it runs where it does:
1. the same bytes again are "already ingested" once the first copy was applied (unique
   sha256 per client: also the guard when two processes race on one file, the loser's
   insert fails); a first copy whose processing never finished is resumed instead, and one
   another process is working on is reported as such: an unapplied file is never "done";
2. every run holds the file's processing lease (``rcmdesk.intake.lease``) from its claim to
   its outcome, so a run that dies is noticed and the file recovered
   (``rcmdesk.intake.recovery``) instead of staying "received" with nobody told;
3. a reused ISA sender + ISA13 with different bytes is quarantined for a person, never
   applied (a payer re-sending a corrected file must say so with a new control number);
4. anything the X12 engine cannot read, or flags as an error, is quarantined with located
   findings; an 835 that only fails to balance is left to the poster, which holds it;
5. each transaction set is applied in its own database transaction together with its
   ``AppliedSet`` row, so a crash midway through a set leaves nothing of that set and a
   re-run skips every set that committed; the file's TA1s (interchange acknowledgments,
   outside every set) go first, together, to the registered handlers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from rcmdesk.accounts.people import person
from rcmdesk.audit.sealer import sealing_deferred
from rcmdesk.audit.services import record
from rcmdesk.claims.services import apply_837
from rcmdesk.intake import lease, sniff
from rcmdesk.intake.models import AppliedSet, FileStatus, InterchangeKey, ReceivedFile
from rcmdesk.intake.signals import applier_for, file_applied, interchange_ack_handlers
from rcmdesk.remits.services import post_835
from rcmdesk.tenancy.models import Organization
from rcmdesk.x12 import X12Error, t837, t999
from rcmdesk.x12.findings import Finding, Severity
from rcmdesk.x12.parser import Transaction
from rcmdesk.x12.validate import TOO_MANY, validate_and_parse

HELD_NOT_QUARANTINED = frozenset({"snip3.835-balance"})  # the poster holds these
RETRYABLE = frozenset({FileStatus.RECEIVED, FileStatus.QUARANTINED, FileStatus.FAILED,
                       FileStatus.HELD_FOR_REVIEW})
DONE = frozenset({FileStatus.APPLIED, FileStatus.DUPLICATE})  # every set is in the books
ALREADY = "already ingested"  # the same bytes again, and the first copy was applied
BUSY = "being processed"  # another process holds the file: nothing is decided yet
CLAIMS_NAMED = 50  # the claims an 837 set's summary names, for its page's links
Interchange = tuple[str, str]  # ISA06 (sender), ISA13 (control)
TA1_KEY = "TA1"  # the summary entry of the file's interchange acknowledgments


@dataclass(frozen=True)
class IngestResult:
    file: ReceivedFile
    outcome: str  # a FileStatus value, ALREADY or BUSY
    message: str = ""
    resumed: bool = False  # an earlier run stopped before the outcome; this one finished it

    @property
    def ok(self) -> bool:
        """Whether a command should exit 0 for this file."""
        return self.outcome in (FileStatus.APPLIED, ALREADY)

    @property
    def settled(self) -> bool:
        """False while another process is working on the file: look again later."""
        return self.outcome != BUSY

    def line(self) -> str:
        text = ("resumed: " if self.resumed else "") + self.outcome.replace("_", " ")
        joint = " " if self.outcome == BUSY else ": "
        return f"{self.file.original_name}: {text}" + (f"{joint}{self.message}"
                                                      if self.message else "")


def ingest(client: Organization, data: bytes, name: str, *, acting_user: Any = None,
           channel: str = "cli") -> IngestResult:
    """Receive one file and, when it can be trusted, apply it.

    The same bytes again finish a first copy whose processing stopped ("resumed"), report
    one that another process is working on, and call only an applied one "already ingested".

    The file's audit events (received, each set, the outcome, what the receivers of
    ``file_applied`` did) are each committed with their change as always; their chain is
    linked once when the file is done instead of after each of its transactions, which
    costs a year of a practice's files (thousands of them) a chain lock apiece.
    """
    with sealing_deferred():
        received, new = receive(client, data, name, acting_user=acting_user,
                                channel=channel, claim=True)
        if new:
            return _run(received, acting_user)
        if lease.live(received):
            return busy(received)
        if received.status == FileStatus.RECEIVED or lease.held(received):
            return process(received, acting_user=acting_user, statuses=RETRYABLE,
                           resumed=True)
        return _seen_before(received)


def _seen_before(received: ReceivedFile) -> IngestResult:
    """A settled first copy: applied is "already ingested"; anything else says what it is."""
    when = f"{received.received_at:%Y-%m-%d %H:%M}"
    if received.status in DONE:
        return IngestResult(received, ALREADY, f"{received.status} on {when}")
    reason = f"; {received.reason}" if received.reason else ""
    return IngestResult(received, received.status, f"already received on {when} UTC{reason}")


def busy(received: ReceivedFile) -> IngestResult:
    """Another process holds the file: who, and since when (run it again for the outcome)."""
    since = f"{received.lease_since:%Y-%m-%d %H:%M:%S} UTC" if received.lease_since else "now"
    return IngestResult(received, BUSY, f"by {received.lease_holder or 'another run'} since "
                                        f"{since}; run it again later for the outcome")


def receive(client: Organization, data: bytes, name: str, *, acting_user: Any = None,
            channel: str = "cli", claim: bool = False) -> tuple[ReceivedFile, bool]:
    """Store the bytes once per client; returns the file and whether it is new.

    The first half of ``ingest``, on its own for the web upload, which answers the person
    at once and leaves ``process`` to a background task. With ``claim`` a new file is
    stored with this process's lease already on it, so no other run can start it between
    the two steps.
    """
    digest = hashlib.sha256(data).hexdigest()
    earlier = ReceivedFile.objects.filter(client=client, sha256=digest).first()
    if earlier is None:
        try:
            with transaction.atomic():
                received = ReceivedFile(
                    client=client, original_name=name[:255], sha256=digest, size=len(data),
                    content=data, channel=channel, kind=sniff.what_is(data).value,
                    **(lease.fresh() if claim else {}),
                    received_by=person(acting_user))
                if claim:
                    received.history = lease.note(received, "claimed", received.lease_holder)
                received.save(force_insert=True)
                record("intake.received", client_id=client.pk, obj=received,
                       acting_user=acting_user,
                       detail={"name": name, "sha256": digest, "size": len(data),
                               "channel": channel})
                return received, True
        except IntegrityError:  # another process stored the same bytes first
            earlier = ReceivedFile.objects.get(client=client, sha256=digest)
    record("intake.duplicate", client_id=client.pk, obj=earlier, acting_user=acting_user,
           detail={"status": earlier.status})
    return earlier, False


def retry(received: ReceivedFile, *, acting_user: Any = None) -> IngestResult:
    """Run a quarantined, held or failed file again (after a fix); applied sets are skipped."""
    if received.status not in RETRYABLE:
        return IngestResult(received, received.status, "nothing to retry")
    if not sniff.retry_can_help(received.kind):
        return IngestResult(received, received.status, "a retry cannot help: " + (
            received.reason or sniff.problem(sniff.FileKind(received.kind))))
    record("intake.retry", client_id=received.client_id, obj=received, acting_user=acting_user,
           detail={"previous_status": received.status, "reason": received.reason})
    return process(received, acting_user=acting_user, statuses=RETRYABLE)


def recover(received: ReceivedFile, *, refusal: str = "") -> IngestResult | None:
    """Take over a file whose processing stopped (a stale claim, or never started) and finish
    it as the system; None when it turns out not to be stale (another run got there first).

    A file that keeps stopping (it may be what kills its worker) is failed for a person
    after ``RCMDESK_INGEST_MAX_RECOVERIES`` takeovers in a row; ``refusal`` fails it at once
    (the person who sent it may no longer send files for the client).
    """
    if not lease.claim(received, statuses=RETRYABLE, recovery=True):
        return None
    stops = lease.takeovers(received)
    try:
        if refusal:
            return _finish(received, FileStatus.FAILED, refusal, None)
        if stops > settings.RCMDESK_INGEST_MAX_RECOVERIES:
            return _finish(received, FileStatus.FAILED, (
                f"its processing stopped {stops} times without finishing, so it is not "
                f"tried again automatically; look at the file, then retry it"), None)
    except lease.LeaseLost:
        return _taken_over(received)
    return replace(_run(received, None), resumed=True)


def fail(received: ReceivedFile, reason: str, *, acting_user: Any = None) -> bool:
    """Mark a file failed for a person, unless it is settled or another process holds it."""
    if not lease.claim(received, statuses=RETRYABLE):
        return False
    try:
        _finish(received, FileStatus.FAILED, reason, acting_user)
    except lease.LeaseLost:
        return False
    return True


def process(received: ReceivedFile, *, acting_user: Any = None,
            statuses: frozenset[str] = frozenset({FileStatus.RECEIVED}),
            resumed: bool = False) -> IngestResult:
    """Claim a stored file, then check and apply it; a file another process holds is left
    to it, and one already settled is reported as it is."""
    if not lease.claim(received, statuses=statuses):
        return busy(received) if lease.live(received) else _seen_before(received)
    result = _run(received, acting_user)
    return replace(result, resumed=resumed) if resumed and result.settled else result


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



def _run(received: ReceivedFile, actor: Any) -> IngestResult:
    """Check and apply a file whose lease this process holds; the outcome ends the lease.

    Whatever goes wrong, the file does not stay "received" with nobody on it: an error
    fails it with the reason (a person can retry), and a run whose lease was taken over
    stops and leaves the outcome to the run that took it.
    """
    try:
        return _check_and_apply(received, actor)
    except lease.LeaseLost:
        return _taken_over(received)
    except Exception as exc:
        try:
            return _finish(received, FileStatus.FAILED,
                           f"processing stopped: {exc.__class__.__name__}: {exc}"[:500], actor)
        except lease.LeaseLost:
            return _taken_over(received)


def _taken_over(received: ReceivedFile) -> IngestResult:
    """This run's claim was taken over: the run that took it is on it, or has finished."""
    if lease.held(received):
        return busy(received)
    return IngestResult(received, received.status, "finished by the run that took it over")


def _check_and_apply(received: ReceivedFile, actor: Any) -> IngestResult:
    data, name = bytes(received.content), received.original_name
    wrong = sniff.problem(sniff.what_is(data))
    if wrong:  # a picture or a file cut short: say what it is, not what the parser met
        return _finish(received, FileStatus.QUARANTINED, wrong, actor, findings=[{
            "position": 0, "segment": "", "element": None, "rule": "file-kind",
            "severity": Severity.ERROR.value, "message": wrong}])
    try:  # one pass: the trees validation built are the ones applied (never parsed twice)
        checked = validate_and_parse(data, name=name, limit=settings.RCMDESK_MAX_FINDINGS)
        findings = checked.findings
        if findings and findings[-1].rule == TOO_MANY:  # checking stopped: sets are partial
            return _finish(received, FileStatus.QUARANTINED, too_many_reason(findings),
                           actor, findings=[finding_dict(f) for f in findings])
        sets, acks = checked.sets, [t999.interchange_ack(ta1) for ta1 in checked.ta1]
    except X12Error as exc:
        return _finish(received, FileStatus.QUARANTINED, f"not readable X12: {exc}",
                       actor, findings=[error_dict(exc)])
    lease.beat(received)
    interchanges = {(tx.interchange.sender, tx.interchange.control) for tx in sets}
    known = _known_interchanges(received, interchanges)
    conflict = _interchange_conflict(received, known)
    if conflict:
        return _finish(received, FileStatus.QUARANTINED, conflict, actor)
    errors = [f for f in findings
              if f.severity is Severity.ERROR and f.rule not in HELD_NOT_QUARANTINED]
    if errors:
        return _finish(received, FileStatus.QUARANTINED,
                       f"{len(errors)} X12 error(s); first: {errors[0]}", actor,
                       findings=[finding_dict(f) for f in findings])
    claimed = _claim_interchanges(received, interchanges - known.keys())
    if claimed:
        return _finish(received, FileStatus.QUARANTINED, claimed, actor)
    return _apply_sets(received, sets, actor, [finding_dict(f) for f in findings], acks)


def _known_interchanges(received: ReceivedFile, interchanges: set[Interchange]
                        ) -> dict[Interchange, InterchangeKey]:
    """The keys already stored for the file's interchanges, in one query. Read once per
    file: the conflict check and the claim both work from it (the file's own keys, left by
    a run that stopped, are known and not inserted again)."""
    if not interchanges:
        return {}
    match = Q(pk__in=[])
    for sender, control in interchanges:
        match |= Q(isa_sender=sender, isa13=control)
    keys = (InterchangeKey.objects.filter(match, client_id=received.client_id)
            .select_related("file").only("isa_sender", "isa13", "sha256",
                                         "file__original_name"))
    return {(key.isa_sender, key.isa13): key for key in keys}


def _interchange_conflict(received: ReceivedFile, known: dict[Interchange, InterchangeKey]
                          ) -> str:
    """Words for the first interchange another file (other bytes) already brought."""
    for (sender, control), key in sorted(known.items()):
        if key.sha256 != received.sha256:
            return (f"interchange {control} from sender {sender} was already received in "
                    f"{key.file.original_name} (sha256 {key.sha256[:12]}) with different "
                    f"content; a person must decide which one is right")
    return ""


def _claim_interchanges(received: ReceivedFile, new: set[Interchange]) -> str:
    """Insert the keys not stored yet; losing a race to a different file is a conflict."""
    try:
        with transaction.atomic():
            for sender, control in sorted(new):
                InterchangeKey.objects.create(
                    client_id=received.client_id, isa_sender=sender, isa13=control,
                    sha256=received.sha256, file=received)
    except IntegrityError:
        return (_interchange_conflict(received, _known_interchanges(received, new))
                or "interchange claimed concurrently")
    return ""


def _set_key(tx: Transaction) -> str:
    return f"{tx.interchange.control}/{tx.group.control}/{tx.control}"


def _apply_sets(received: ReceivedFile, sets: list[Transaction], actor: Any,
                findings: list[dict[str, Any]],
                acks: list[t999.InterchangeAck] | None = None) -> IngestResult:
    done = _applied_before(received)
    status, reasons = FileStatus.APPLIED, []
    steps: list[tuple[str, str, dict[str, Any], Callable[[], dict[str, Any]]]] = []
    if acks:
        steps.append((TA1_KEY, "TA1", {"set": "TA1", "acks": len(acks)},
                      partial(_interchange_acks, received, acks, actor)))
    steps += [(_set_key(tx), f"{tx.set_id} {tx.control}", {"set": tx.set_id},
               partial(_dispatch, received, tx, actor)) for tx in sets]
    for key, label, head, apply in steps:
        if _applied(done.get(key)):
            continue
        lease.beat(received)
        outcome = _apply_once(received, key, head, apply)
        done[key] = outcome
        if outcome["outcome"] != "applied":
            reasons.append(f"{label}: {outcome.get('reason', '')}")
            status = _worse(status, FileStatus(outcome["outcome"]))
    received.summary = {"sets": done}
    result = _finish(received, status, "; ".join(reasons), actor, findings=findings)
    if any(_applied(o) for o in done.values()):
        file_applied.send(sender=ReceivedFile, received=received, status=status.value)
    return result


def _applied(outcome: dict[str, Any] | None) -> bool:
    return bool(outcome) and outcome.get("outcome") == "applied"  # type: ignore[union-attr]


def _applied_before(received: ReceivedFile) -> dict[str, Any]:
    """The sets an earlier run applied: its summary, and the rows of a run that stopped."""
    done: dict[str, Any] = dict(received.summary.get("sets", {}))
    for key, outcome in AppliedSet.objects.filter(file_id=received.pk).values_list(
            "key", "outcome"):
        done[key] = outcome
    return done


def _worse(a: FileStatus, b: FileStatus) -> FileStatus:
    order = [FileStatus.APPLIED, FileStatus.HELD_FOR_REVIEW, FileStatus.DUPLICATE,
             FileStatus.FAILED]
    return max(a, b, key=lambda s: order.index(s) if s in order else len(order))


def _apply_once(received: ReceivedFile, key: str, head: dict[str, Any],
                apply: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One set, one transaction: all of it with its ``AppliedSet`` row, or none of it.

    The row goes in first: a second run of the same set (a recovery racing a holder that
    was only slow) waits on it, then finds it and applies nothing. A set that is not
    applied (held: nothing of it is stored) leaves no row, so a retry runs it again.
    """
    try:
        with transaction.atomic():
            marker = _mark(received, key)
            if marker is None:
                return {**head, **_recorded(received, key)}
            outcome = {**head, **apply()}
            if outcome["outcome"] == "applied":
                AppliedSet.objects.filter(pk=marker.pk).update(outcome=outcome)
            else:
                AppliedSet.objects.filter(pk=marker.pk).delete()
            return outcome
    except IntegrityError as exc:  # a concurrent run posted it first: the keys held
        return {**head, "outcome": FileStatus.DUPLICATE.value,
                "reason": f"already posted by a concurrent run ({exc.__class__.__name__})"}
    except Exception as exc:
        return {**head, "outcome": FileStatus.FAILED.value,
                "reason": f"{exc.__class__.__name__}: {exc}"[:500]}


def _mark(received: ReceivedFile, key: str) -> AppliedSet | None:
    """This run's row for the set, or None when another run of the file applied it."""
    try:
        with transaction.atomic():
            return AppliedSet.objects.create(file_id=received.pk, key=key)
    except IntegrityError:
        return None


def _recorded(received: ReceivedFile, key: str) -> dict[str, Any]:
    outcome = AppliedSet.objects.get(file_id=received.pk, key=key).outcome
    return dict(outcome) if outcome else {"outcome": "applied"}


def _interchange_acks(received: ReceivedFile, acks: list[t999.InterchangeAck],
                      actor: Any) -> dict[str, Any]:
    """Every handler inside the set's transaction, as a set's applier: all or nothing.

    Stored only when nobody registered; handlers must tolerate the same acknowledgment
    arriving again in another file (the same bytes never come back: ``receive``).
    """
    handlers = interchange_ack_handlers()
    if not handlers:
        return {"outcome": "applied", "stored_only": True}
    summary: dict[str, Any] = {}
    for handler in handlers:
        summary.update(handler(received, acks, acting_user=actor))
    return {"outcome": "applied", **summary}


def _dispatch(received: ReceivedFile, tx: Transaction, actor: Any) -> dict[str, Any]:
    client = received.client
    if tx.set_id == "837":
        result = apply_837(client, t837.submission(tx), file=received, acting_user=actor)
        return {"outcome": "applied", **result.as_summary(),  # the file page links them
                "claims": (result.created + result.updated)[:CLAIMS_NAMED]}
    if tx.set_id == "835":
        posted = post_835(client, tx, file=received, acting_user=actor)
        outcome = FileStatus.HELD_FOR_REVIEW.value if posted.held else "applied"
        return {"outcome": outcome, **posted.as_summary()}
    applier = applier_for(tx.set_id, tx.version)
    if applier is not None:
        return {"outcome": "applied", **applier(received, tx, acting_user=actor)}
    return {"outcome": "applied", "stored_only": True, "control": tx.control}


def _finish(received: ReceivedFile, status: FileStatus, reason: str, actor: Any,
            findings: list[dict[str, Any]] | None = None) -> IngestResult:
    """The outcome, the end of the lease and the audit event, in one transaction."""
    fields: dict[str, Any] = {"status": status, "reason": reason, "summary": received.summary}
    if findings is not None:
        fields["findings"] = findings
    with transaction.atomic():
        lease.finish(received, fields, lease.note(received, status.value,
                                                  received.lease_holder, reason))
        record(f"intake.{status.value}", client_id=received.client_id, obj=received,
               acting_user=actor, detail={"reason": reason[:500],
                                          "findings": len(received.findings)})
    return IngestResult(received, status.value, reason)
