"""835 auto-posting: match each remit claim to our mirror and post it to the ledger once.

What we will not post on our own (no matching claim, more paid than is open, identifiers
that disagree) becomes a PostingException for a person; nothing is silently dropped.
Denials are recorded and left open as insurance AR: writing one off is the client's call.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim, ClaimStatus, MatchOrder, Payer
from rcmdesk.claims.services import parse_date
from rcmdesk.db import bulk
from rcmdesk.remits import balance, ledger, rows
from rcmdesk.remits.carc_categories import UNKNOWN, category, is_denial
from rcmdesk.remits.models import (
    Account,
    ExceptionStatus,
    JournalKind,
    PostingException,
    PostingKey,
    ProviderAdjustment,
    Remittance,
)
from rcmdesk.remits.prefetch import ClaimIndex, IndexedLine
from rcmdesk.remits.rows import AdjustmentRow, ClaimRow, LineRow, cents
from rcmdesk.tenancy.models import Organization
from rcmdesk.x12 import t835
from rcmdesk.x12.parser import Transaction

REVERSAL = "22"
CROSSOVER_STATUSES = frozenset({"19", "20", "21"})
SECONDARY_STATUSES = frozenset({"2", "3", "20", "21"})
ADJUSTMENT_ACCOUNTS = {"CO": Account.CONTRACTUAL, "OA": Account.OTHER_ADJUSTMENT,
                       "PI": Account.OTHER_ADJUSTMENT, "CR": Account.OTHER_ADJUSTMENT}
PLB_CLAIM_AR_REASONS = frozenset({"WO", "72"})  # recoupment of, or refund for, one claim
PLB_INTEREST_REASONS = frozenset({"L6"})
ALREADY_POSTED = "already_posted"
CLAIM_FIELDS = ["status", "secondary_flag", "payer_claim_control_number",
                *ledger.BALANCE_FIELDS.values()]
KEY_FIELDS = ["client", "payer_key", "trace_number", "patient_control_number",
              "payer_claim_control_number", "status_code", "line_index", "created_at"]
RETRYABLE_REASONS = frozenset({"unmatched", "conflict", "overpaid"})  # nothing of them posted
UNKNOWN_REASON = "unknown_carc"  # PostingException.reason: "unknown adjustment reason code"


@dataclass
class PostResult:
    held: bool = False
    reason: str = ""
    remittance_id: int | None = None
    posted: int = 0
    denied: int = 0
    exceptions: int = 0
    already_posted: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_summary(self) -> dict[str, Any]:
        return {"held": self.held, "reason": self.reason, "remittance": self.remittance_id,
                "posted": self.posted, "denied": self.denied, "exceptions": self.exceptions,
                "already_posted": self.already_posted, "warnings": self.warnings}


_Stored = ClaimRow  # a remit claim with its lines and adjustments, held until flush


@dataclass
class _Run:
    """What every claim of one remittance shares while it posts.

    Claims and posting keys are read in bulk by ``prepare``; what posting writes is kept
    here and written in bulk by ``flush``, all inside the caller's transaction.
    """

    client: Organization
    remittance: Remittance
    payer: Payer | None
    actor: Any
    result: PostResult
    index: ClaimIndex | None = None
    posted_keys: set[tuple[str, str, str, int]] = field(default_factory=set)
    stored: list[_Stored] = field(default_factory=list)
    new_keys: list[tuple[Any, ...]] = field(default_factory=list)
    exceptions: list[tuple[PostingException, ClaimRow]] = field(default_factory=list)
    touched: dict[int, Claim] = field(default_factory=dict)
    book: ledger.Batch = field(default_factory=ledger.Batch)
    now: Any = None  # posting keys' created_at, in database terms
    actor_id: int | None = None

    def __post_init__(self) -> None:
        self.now = bulk.db_datetime(timezone.now())
        self.actor_id = ledger.actor_id(self.actor)

    def prepare(self, pcns: list[str], ccns: list[str]) -> None:
        """Lock the claims these CLPs may name, then read the keys already taken."""
        self.index = ClaimIndex(self.client)
        self.index.load(pcns, ccns)
        taken = PostingKey.objects.filter(
            client=self.client, payer_key=self.remittance.payer_key,
            trace_number=self.remittance.trace_number, line_index=0)
        self.posted_keys = set(taken.values_list(
            "patient_control_number", "payer_claim_control_number", "status_code",
            "line_index"))

    def flush(self) -> None:
        old = [s for s in self.stored if s.pk is not None]  # loaded again to repost
        rows.insert(self.remittance.pk, [s for s in self.stored if s.pk is None])
        rows.update(old)
        bulk.insert(PostingKey, KEY_FIELDS, self.new_keys)
        claims = {**self.book.moved, **self.touched}  # the same objects: the run's index
        self.book.flush(balances=False)
        bulk.update(Claim, CLAIM_FIELDS, [  # balances and status in one row version each
            (*(getattr(c, name) for name in CLAIM_FIELDS), c.pk)
            for c in claims.values()])
        for exception, remit_claim in self.exceptions:
            exception.remit_claim_id = remit_claim.pk
        PostingException.objects.bulk_create([e for e, _ in self.exceptions],
                                             batch_size=ledger.BATCH)
        self.stored, self.new_keys, self.exceptions, self.touched = [], [], [], {}

    def key(self, pcn: str, ccn: str, status: str, line_index: int) -> dict[str, Any]:
        return {"client": self.client, "payer_key": self.remittance.payer_key,
                "trace_number": self.remittance.trace_number, "patient_control_number": pcn,
                "payer_claim_control_number": ccn, "status_code": status,
                "line_index": line_index}

    def key_row(self, pcn: str, ccn: str, status: str, line_index: int) -> tuple[Any, ...]:
        """A posting key in KEY_FIELDS order."""
        return (self.client.pk, self.remittance.payer_key, self.remittance.trace_number, pcn,
                ccn, status, line_index, self.now)


def post_835(client: Organization, tx: t835.Remittance | Transaction, *, file: Any = None,
             acting_user: Any = None) -> PostResult:
    """Post one 835 set in one transaction, or hold it if it does not balance."""
    remit = tx if isinstance(tx, t835.Remittance) else t835.remittance(tx)
    problem = balance.first_problem(remit)
    if problem:
        return PostResult(held=True, reason=f"835 {remit.control} does not balance: {problem}")
    result = PostResult()
    try:
        with transaction.atomic():
            payer = _payer(client, remit)
            remittance = _store_remittance(client, remit, payer, file)
            run = _Run(client, remittance, payer, acting_user, result)
            run.prepare([c.patient_control_number for c in remit.claims],
                        [c.payer_claim_control_number for c in remit.claims])
            for index, claim in enumerate(remit.claims, start=1):
                post_claim(run, index, claim)
            with foreign_keys_checked_as_written():
                run.flush()
                _post_plbs(run, remit.provider_adjustments)
            items = len(remit.claims) + len(remit.provider_adjustments)
            if items and result.already_posted == items:
                raise _NothingNew
            remittance.warnings = result.warnings
            remittance.save(update_fields=["warnings"])
            result.remittance_id = remittance.pk
            record("remits.835_posted", client_id=client.pk, obj=remittance,
                   acting_user=acting_user,
                   detail=result.as_summary())
    except _NothingNew:
        return _already_posted(client, remit, result, acting_user)
    return result


@contextmanager
def foreign_keys_checked_as_written() -> Iterator[None]:
    """The foreign keys of posting's bulk writes checked by each write, not at the commit.

    PostgreSQL defers Django's foreign-key checks to the commit; for a large 835 that is
    hundreds of thousands of checks run after the set's last statement, with everything
    its transaction holds by then (the audit event's chain head included) held through
    them. Checked as each COPY runs, the same checks are done before anything shared is
    taken (measured on a 10,000-claim 835: the same time in all, give or take the noise).
    Only for these writes: rows that refer to each other are written parents first here;
    DEFERRED afterwards is where Django's foreign keys start (all INITIALLY DEFERRED). After
    an error the savepoint's rollback ends the setting too.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class _NothingNew(Exception):  # control flow, never seen outside post_835
    """Every claim and PLB of the 835 was posted before: keep nothing of this copy."""


def _already_posted(client: Organization, remit: t835.Remittance, result: PostResult,
                    actor: Any) -> PostResult:
    """A copy of an 835 already posted (new interchange, same content): no second Remittance,
    which would otherwise wait forever among the unmatched payments of reconciliation."""
    earlier = Remittance.objects.filter(client=client, payer_key=_payer_key(remit),
                                        trace_number=remit.trace).order_by("pk").first()
    result.remittance_id = None
    result.reason = "already posted" + (f" (remittance #{earlier.pk})" if earlier else "")
    record("remits.835_already_posted", client_id=client.pk, acting_user=actor,
           object_type="remits.remittance", object_id=earlier.pk if earlier else "",
           detail={**result.as_summary(), "st_control": remit.control,
                   "trace_number": remit.trace})
    return result


def _payer_key(remit: t835.Remittance) -> str:
    return (remit.payer.id if remit.payer and remit.payer.id else "") or remit.trace_originator


def _payer(client: Organization, remit: t835.Remittance) -> Payer | None:
    keys = {k for k in (_payer_key(remit), remit.trace_originator) if k}
    return Payer.objects.filter(client=client, payer_id__in=keys).first()


def _store_remittance(client: Organization, remit: t835.Remittance, payer: Payer | None,
                      file: Any) -> Remittance:
    return Remittance.objects.create(
        client=client, file=file, st_control=remit.control, payer=payer,
        payer_key=_payer_key(remit), payer_name=remit.payer.name if remit.payer else "",
        trace_number=remit.trace, amount=remit.payment.amount,
        credit_debit=remit.payment.credit_debit, method=remit.payment.method,
        payment_date=parse_date(remit.payment.date))


def post_claim(run: _Run, index: int, clp: t835.Claim) -> None:
    """Record one CLP and post it unless it was posted before or needs a person."""
    stored = _store_claim(run, index, clp)
    outcome, detail = _try_post(run, stored)
    if outcome == ALREADY_POSTED:
        stored.outcome = ALREADY_POSTED
        run.result.already_posted += 1
    elif outcome in RETRYABLE_REASONS:
        _exception(run, stored, outcome, detail)


def _try_post(run: _Run, stored: _Stored, *, claim: Claim | None = None,
              credit: bool = False) -> tuple[str, str]:
    """Match and post a stored remit claim; returns (outcome, detail).

    The outcome is "posted", "denied", ALREADY_POSTED, or an exception reason with its
    detail (then nothing was posted and no posting key was taken, so it can be retried).
    ``claim``: the claim a person chose (matching is theirs); ``credit``: a person agreed
    to post more than is open, leaving a credit balance to refund.
    """
    rc = stored
    key = (rc.patient_control_number, rc.payer_claim_control_number, rc.status_code, 0)
    if key in run.posted_keys:
        return ALREADY_POSTED, ""
    problem = ""
    if claim is None:
        claim, problem = match_claim(run, rc)
    if claim is None or problem:
        return ("unmatched" if claim is None else "conflict"), problem
    rc.claim = claim
    _match_lines(run, claim, stored)
    paid = rc.paid - _included_interest(stored)
    if (rc.status_code != REVERSAL and not credit
            and paid > claim.insurance_balance + claim.patient_balance):
        return "overpaid", (f"paid {paid} but only "
                            f"{claim.insurance_balance + claim.patient_balance} is open on "
                            f"claim {claim.patient_control_number}")
    _post_to_ledger(run, claim, stored, key)
    return rc.outcome, ""


def repost_exception(exception: PostingException, *, acting_user: Any = None) -> str:
    """Match and post an exception's stored remit claim again (say, once the 837 arrived).

    One transaction. Posted (or found posted already, by another remittance): the exception
    is resolved with who, when and the outcome. Still not postable: it stays open with the
    current reason. Resolved ones are left alone, so running it twice changes nothing; the
    posting key still guards exactly-once. Returns the outcome.
    """
    with transaction.atomic():
        exception = PostingException.objects.select_for_update().get(pk=exception.pk)
        if exception.status != ExceptionStatus.OPEN:
            return exception.resolution or exception.status
        if exception.reason not in RETRYABLE_REASONS or exception.remit_claim is None:
            return f"not retried ({exception.reason})"
        outcome, _detail = post_again(exception, acting_user=acting_user)
        if outcome not in RETRYABLE_REASONS:
            resolve(exception, outcome, acting_user=acting_user)
    return outcome


def post_again(exception: PostingException, *, acting_user: Any, claim: Claim | None = None,
               credit: bool = False) -> tuple[str, str]:
    """Post a locked open exception's remit claim through the normal path, audited.

    The caller holds the transaction and the exception's row lock. ``claim`` and
    ``credit`` as ``_try_post``. Not postable: the exception keeps the new reason and detail.
    Returns (outcome, detail); the caller decides whether that resolves the exception.
    """
    remit_claim = exception.remit_claim
    assert remit_claim is not None
    remittance = exception.remittance
    run = _Run(exception.client, remittance, remittance.payer, acting_user, PostResult())
    previous = exception.reason
    run.prepare([remit_claim.patient_control_number, claim.patient_control_number if claim
                 else ""], [remit_claim.payer_claim_control_number])
    run.stored.append(_Stored.load(remit_claim))
    chosen = run.index.claims.get(claim.pk) if claim is not None and run.index else None
    outcome, detail = _try_post(run, run.stored[0], claim=chosen, credit=credit)
    run.flush()
    remit_claim.refresh_from_db(fields=["claim", "outcome"])
    if outcome in RETRYABLE_REASONS:
        exception.reason, exception.detail = outcome, detail
        exception.save(update_fields=["reason", "detail"])
    elif outcome == ALREADY_POSTED:
        remit_claim.outcome = ALREADY_POSTED
        remit_claim.save(update_fields=["outcome"])
    facts = {"previous_reason": previous, "outcome": outcome, "detail": detail[:500],
             "claim": remit_claim.claim_id, "remittance": remittance.pk}
    if claim is not None:
        facts |= {"chosen_claim": claim.pk, "credit": credit}
    record("remits.exception_reposted", client_id=exception.client_id, obj=exception,
           acting_user=acting_user, detail=facts)
    return outcome, detail


def resolve(exception: PostingException, resolution: str, *, acting_user: Any,
            claim: Claim | None = None) -> None:
    """Resolved: who, when and the outcome (saving it closes its work item: workqueue)."""
    exception.status, exception.resolution = ExceptionStatus.RESOLVED, resolution[:300]
    exception.resolved_at = timezone.now()
    exception.resolved_by = person(acting_user)
    fields = ["status", "resolution", "resolved_at", "resolved_by"]
    if claim is not None:
        exception.claim = claim
        fields.append("claim")
    exception.save(update_fields=fields)


def _store_claim(run: _Run, index: int, clp: t835.Claim) -> _Stored:
    crossover = clp.crossover
    interest = balance.interest(clp)
    stored = ClaimRow(
        index, clp.patient_control_number, clp.status, clp.charge.quantize(rows.CENT),
        clp.paid.quantize(rows.CENT), clp.payer_claim_control_number,
        (crossover.last or crossover.id or "(unnamed)") if crossover else "",
        cents(interest) if interest else None, clp=clp)
    run.stored.append(stored)
    if clp.adjustments:
        _store_adjustments(run, stored, None, clp.adjustments)
    lines = stored.lines
    for line_index, line in enumerate(clp.lines, start=1):
        proc = line.procedure
        remit_line = LineRow(line_index, proc[1] if len(proc) > 1 else "", line.control_number,
                             line.paid.quantize(rows.CENT), svc=line)
        lines.append(remit_line)
        if line.adjustments:
            _store_adjustments(run, stored, remit_line, line.adjustments)
    return stored


def _store_adjustments(run: _Run, stored: _Stored, remit_line: LineRow | None,
                       adjustments: tuple[t835.Adjustment, ...]) -> None:
    for adj in adjustments:
        if adj.group == "CR":
            run.result.warnings.append(
                f"claim {stored.patient_control_number}: group CR is not used in 5010; "
                f"posted as OA")
        carc_category, posted = _classified(adj.group, adj.reason)
        stored.adjustments.append(AdjustmentRow(
            adj.group, adj.reason, adj.amount.quantize(rows.CENT), carc_category, posted,
            remit_line, adj))


@functools.lru_cache(maxsize=4096)
def _classified(group: str, reason: str) -> tuple[str, bool]:
    """A CAS's category and whether it posts (not a denial): the same few codes recur."""
    return category(reason), not is_denial(group, reason)


def match_claim(run: _Run, clp: ClaimRow) -> tuple[Claim | None, str]:
    """CLP01 then CLP07 (or the payer's configured order); disagreeing hits are a conflict."""
    assert run.index is not None, "run.prepare() loads the claims first"
    by_pcn = run.index.by_pcn(clp.patient_control_number)
    ccn = clp.payer_claim_control_number
    by_ccn = run.index.by_ccn(ccn) if ccn else None
    if by_pcn and by_ccn and by_pcn.pk != by_ccn.pk:
        return by_pcn, (f"CLP01 {clp.patient_control_number} names claim {by_pcn} but CLP07 "
                        f"{ccn} names claim {by_ccn}")
    order = run.payer.match_order if run.payer else MatchOrder.PCN_FIRST
    found = (by_ccn or by_pcn) if order == MatchOrder.PAYER_CCN_FIRST else (by_pcn or by_ccn)
    if found is None:
        return None, (f"no claim with patient control number {clp.patient_control_number!r}"
                      f" or payer claim number {ccn!r}")
    return found, ""


def _match_lines(run: _Run, claim: Claim, stored: _Stored) -> None:
    """REF*6R first, then the same position with the same procedure, then the procedure."""
    assert run.index is not None
    lines = run.index.lines[claim.pk]
    by_control = {ln.control_number: ln for ln in lines if ln.control_number}
    used: set[int] = set()
    for remit_line in stored.lines:
        found = by_control.get(remit_line.control_number) if remit_line.control_number else None
        found = found or _by_procedure(lines, remit_line, used)
        if found is not None:
            used.add(found.pk)
            remit_line.claim_line = found


def _by_procedure(lines: list[IndexedLine], remit_line: LineRow,
                  used: set[int]) -> IndexedLine | None:
    position = remit_line.index - 1
    if (position < len(lines) and lines[position].procedure == remit_line.procedure
            and lines[position].pk not in used):
        return lines[position]
    return next((ln for ln in lines
                 if ln.pk not in used and ln.procedure == remit_line.procedure), None)


def _exception(run: _Run, remit_claim: ClaimRow, reason: str, detail: str) -> None:
    remit_claim.outcome = "exception"
    run.exceptions.append((PostingException(client=run.client, remittance=run.remittance,
                                            reason=reason, detail=detail), remit_claim))
    run.result.exceptions += 1


def _post_to_ledger(run: _Run, claim: Claim, stored: _Stored,
                    key: tuple[str, str, str, int]) -> None:
    """The posting key and the entries it guards, in the caller's transaction."""
    run.new_keys.append(run.key_row(*key))
    run.posted_keys.add(key)
    clp = remit_claim = stored
    reversal = clp.status_code == REVERSAL
    if clp.status_code in SECONDARY_STATUSES:
        _return_patient_share(run, claim, clp.paid)
    interest = _included_interest(stored)
    payment, adjustments, responsibility = _entries(stored, interest)
    post = _poster(run, claim)
    cash, interest_income = Account.PAYER_CASH, Account.INTEREST_INCOME
    if reversal:
        post(JournalKind.REVERSAL, payment + adjustments + responsibility,
             f"reversal of {clp.payer_claim_control_number or clp.patient_control_number}")
    else:
        post(JournalKind.PAYMENT, payment, f"payment, CLP02 {clp.status_code}")
        post(JournalKind.ADJUSTMENT, adjustments, "adjustments")
        post(JournalKind.PATIENT_RESP, responsibility, "patient responsibility")
    if interest:
        post(JournalKind.INTEREST, [(cash, interest, None, ""),
                                    (interest_income, -interest, None, "")],
             "claim interest (AMT*I)")
    denied = any(not a.posted for a in stored.adjustments)
    _update_claim(run, claim, clp, reversal=reversal, denied=denied)
    remit_claim.outcome = "denied" if denied and not clp.paid else "posted"
    run.result.denied += int(denied and not clp.paid)
    run.result.posted += 1
    _flag_unknown_reasons(run, stored)


def _flag_unknown_reasons(run: _Run, stored: _Stored) -> None:
    """CARCs our table does not list were left open; a person decides what they mean."""
    remit_claim = stored
    unknown = [f"{a.group}-{a.reason} {a.amount}" for a in stored.adjustments
               if not a.posted and a.category == UNKNOWN]
    if unknown:
        run.exceptions.append((PostingException(
            client=run.client, remittance=run.remittance,
            reason=UNKNOWN_REASON, detail=(f"unknown adjustment reason code: {', '.join(unknown)}"
                                           f" left open on claim {remit_claim.claim}")),
            remit_claim))
        run.result.exceptions += 1


def _included_interest(stored: _Stored) -> Decimal:
    """AMT*I when CLP04 carries it; interest reported outside CLP04 never reached us."""
    clp = stored
    interest = clp.interest or Decimal(0)
    return interest if interest and clp.paid == clp.charge - _adjusted(stored) + interest \
        else Decimal(0)


def _adjusted(stored: _Stored) -> Decimal:
    """Every CAS amount of the claim, claim level and line level (all stored per claim)."""
    return sum((a.amount for a in stored.adjustments), Decimal(0))


def _poster(run: _Run, claim: Claim) -> Any:
    def post(kind: str, entries: list[ledger.Entry], memo: str) -> None:
        run.book.add(run.client.pk, kind, entries, claim=claim, remittance=run.remittance,
                     memo=memo, actor=run.actor_id)
    return post


Entries = tuple[list[ledger.Entry], list[ledger.Entry], list[ledger.Entry]]
AR = Account.INSURANCE_AR


def _entries(stored: _Stored, interest: Decimal) -> Entries:
    """Payment, adjustment and patient-responsibility lines, per service line where known."""
    payment: list[ledger.Entry] = []
    adjustments: list[ledger.Entry] = []
    responsibility: list[ledger.Entry] = []
    line_paid = Decimal(0)
    for remit_line in stored.lines:
        found = remit_line.claim_line
        payment.append((AR, -remit_line.paid, found.pk if found else None, ""))
        line_paid += remit_line.paid
    claim_paid = stored.paid - interest
    payment.append((AR, -(claim_paid - line_paid), None, ""))
    payment.append((Account.PAYER_CASH, claim_paid, None, ""))
    for adj in stored.adjustments:
        if not adj.posted:
            continue
        found = adj.line.claim_line if adj.line else None
        line_id = found.pk if found else None
        reason = f"{adj.group}-{adj.reason}"
        out = (AR, -adj.amount, line_id, reason)
        if adj.group == "PR":
            responsibility += [out, (Account.PATIENT_AR, adj.amount, line_id, reason)]
        else:
            account = ADJUSTMENT_ACCOUNTS.get(adj.group, Account.OTHER_ADJUSTMENT)
            adjustments += [out, (account, adj.amount, line_id, reason)]
    return payment, adjustments, responsibility


def _return_patient_share(run: _Run, claim: Claim, paid: Decimal) -> None:
    """A secondary payer paying what the primary left to the patient: move it back first."""
    shortfall = paid - claim.insurance_balance
    moved = min(shortfall, claim.patient_balance)
    if moved > 0:
        run.book.post(run.client, JournalKind.TRANSFER, [
            ledger.Line(Account.INSURANCE_AR, moved), ledger.Line(Account.PATIENT_AR, -moved),
        ], claim=claim, remittance=run.remittance, memo="patient share billed to next payer",
            acting_user=run.actor)


def _update_claim(run: _Run, claim: Claim, clp: ClaimRow, *, reversal: bool,
                  denied: bool) -> None:
    """Status from the balances the run's book keeps current; written by ``_Run.flush``."""
    assert run.index is not None
    run.touched[claim.pk] = claim
    if reversal:
        claim.status = ClaimStatus.REVERSED
    elif denied and not clp.paid:
        claim.status = ClaimStatus.DENIED
    elif claim.insurance_balance:
        claim.status = ClaimStatus.PARTIAL
    else:
        claim.status = (ClaimStatus.PATIENT_BALANCE if claim.patient_balance
                        else ClaimStatus.PAID)
    if clp.status_code in CROSSOVER_STATUSES or clp.crossover_payer:
        claim.secondary_flag = True
    if clp.payer_claim_control_number and not reversal:
        run.index.set_ccn(claim, clp.payer_claim_control_number)


PLB_FIELDS = ["remittance", "index", "provider_id", "fiscal_date", "reason", "reference",
              "amount", "claim"]


def _post_plbs(run: _Run, adjustments: tuple[t835.ProviderAdjustment, ...]) -> None:
    """PLB: provider-level money; tied to a claim's AR when it recoups or refunds that claim.

    Each pair is stored, then posted once (its posting key) as a ``plb`` journal. Written
    together after the claims: the balances they move are added in the database (as
    ``ledger.post``'s F() updates), not written from memory.
    """
    if not adjustments:
        return
    claims = _plb_claims(run.client, {adj.reference for adj in adjustments if adj.reference})
    taken = set(PostingKey.objects.filter(
        client=run.client, payer_key=run.remittance.payer_key,
        trace_number=run.remittance.trace_number, line_index__lt=0,
    ).values_list("patient_control_number", "payer_claim_control_number", "status_code",
                  "line_index"))
    book = ledger.Batch(relative=True)
    stored: list[tuple[Any, ...]] = []
    keys: list[tuple[Any, ...]] = []
    for index, adj in enumerate(adjustments, start=1):
        claim = claims.get(adj.reference) if adj.reference else None
        amount = adj.amount.quantize(rows.CENT)
        stored.append((run.remittance.pk, index, adj.provider_id, adj.fiscal_date, adj.reason,
                       adj.reference, amount, claim.pk if claim else None))
        key = (adj.reference, "", f"P{adj.reason}", -index)  # the whole reason: L6 is not L3
        if key in taken:
            run.result.already_posted += 1
            continue
        keys.append(run.key_row(*key))
        reason = f"PLB-{adj.reason}"
        book.add(run.client.pk, JournalKind.PLB, [
            (Account.PAYER_CASH, -amount, None, reason),
            (_plb_account(adj, claim), amount, None, reason),
        ], claim=claim, remittance=run.remittance,
            memo=f"PLB {adj.reason} {adj.reference}".strip(), actor=run.actor_id)
    bulk.insert(ProviderAdjustment, PLB_FIELDS, stored)
    bulk.insert(PostingKey, KEY_FIELDS, keys)
    book.flush()


def _plb_account(adj: t835.ProviderAdjustment, claim: Claim | None) -> str:
    if adj.reason in PLB_INTEREST_REASONS:
        return Account.INTEREST_INCOME
    if adj.reason in PLB_CLAIM_AR_REASONS and claim is not None:
        return Account.INSURANCE_AR
    return Account.PAYER_OFFSET


def _plb_claims(client: Organization, references: set[str]) -> dict[str, Claim]:
    """Each reference's claim by PCN or payer claim number, the lowest pk when several."""
    found: dict[str, Claim] = {}
    if not references:
        return found
    refs = sorted(references)
    for start in range(0, len(refs), ledger.BATCH):
        chunk = refs[start:start + ledger.BATCH]
        query = Claim.objects.filter(client=client).filter(
            Q(patient_control_number__in=chunk) | Q(payer_claim_control_number__in=chunk))
        for claim in query.order_by("pk"):
            for ref in (claim.patient_control_number, claim.payer_claim_control_number):
                if ref in references and (ref not in found or claim.pk < found[ref].pk):
                    found[ref] = claim
    return found
