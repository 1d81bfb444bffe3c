"""Resolving posting exceptions in place, and the unapplied-cash account.

Each kind of exception has its own way out (``ACTIONS``): a payment that named no claim (or
two) is matched to a claim a person chose and posted through the normal posting path
(``services.post_again``: same posting key, so never twice), or parked as unapplied cash;
a takeback is linked to the claim it takes from and posted against it; an overpayment is
posted leaving a credit balance and a refund of that balance is asked of the client; an
unknown adjustment code is reviewed. Money moves only in balanced journals (``ledger``),
and money leaving the client's books (a refund) only once the client approves: the partner
proposes through the decisions app, and the approval calls ``pay_refund`` in its
transaction. Page, API and CLI all call these functions; every one is audited.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim, ClaimStatus
from rcmdesk.decisions import services as decisions
from rcmdesk.decisions.models import Proposal, ProposalKind, ProposalStatus
from rcmdesk.remits import ledger, services
from rcmdesk.remits.models import (
    Account,
    ExceptionStatus,
    JournalKind,
    PostingException,
    PostingKey,
    UnappliedApplication,
    UnappliedCash,
)
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.producers.remits import close_settled

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# What a person may do with each kind of exception (the page shows these, the services
# refuse the others).
MATCH, PARK, LINK, REFUND, REVIEW = "match", "park", "link", "refund", "review"
ACTIONS: dict[str, tuple[str, ...]] = {
    "unmatched payment": (MATCH, PARK),
    "takeback": (LINK,),
    "overpayment": (REFUND, PARK),
    "credit balance": (REFUND,),
    "unknown adjustment code": (REVIEW,),
}


class ResolutionProblem(errors.Invalid, ValueError):
    """The exception cannot be resolved as asked (wrong kind, no reason, too much …)."""


class AlreadyResolved(errors.Conflict):
    """Someone resolved the exception (or used up the cash) first; nothing was done."""


def kind_of(exception: PostingException) -> str:
    """The exception in a billing person's words, which decides its actions."""
    rc = exception.remit_claim
    if rc is not None and (rc.status_code == services.REVERSAL or rc.paid < 0) \
            and exception.reason in services.RETRYABLE_REASONS:
        return "takeback"
    return {"unmatched": "unmatched payment", "conflict": "unmatched payment",
            "overpaid": "overpayment", "credit_balance": "credit balance"}.get(
        exception.reason, "unknown adjustment code")


def actions_for(exception: PostingException) -> tuple[str, ...]:
    if exception.status != ExceptionStatus.OPEN:
        return ()
    if _refund_waiting(exception):
        return ()
    return ACTIONS[kind_of(exception)]


# --- matching --------------------------------------------------------------------------------

def match(exception: PostingException, claim: Claim, *, acting_user: Any) -> str:
    """Post an unmatched payment to the claim a person chose (the normal posting path).

    Returns the outcome: "posted" (or "denied", "already_posted") resolves the exception;
    "overpaid" leaves it open as an overpayment of that claim, to refund or park.
    """
    return _post_to(exception, claim, MATCH, acting_user=acting_user)


def link_takeback(exception: PostingException, claim: Claim, *, acting_user: Any) -> str:
    """A takeback names its original claim through a person: linked and posted against it."""
    return _post_to(exception, claim, LINK, acting_user=acting_user)


def _post_to(exception: PostingException, claim: Claim, action: str, *, acting_user: Any) -> str:
    with transaction.atomic():
        exception = _open(exception, action, acting_user)
        _same_client(exception, claim)
        outcome, _detail = services.post_again(exception, acting_user=acting_user, claim=claim)
        if outcome in services.RETRYABLE_REASONS:
            PostingException.objects.filter(pk=exception.pk).update(claim=claim)
            return outcome
        services.resolve(exception, f"{_VERB[action]} claim {claim.patient_control_number}: "
                         f"{outcome.replace('_', ' ')}", acting_user=acting_user, claim=claim)
        close_settled(claim.client_id, [claim.pk],
                      f"paid by remit {exception.remittance.trace_number}")
    return outcome


_VERB = {MATCH: "matched to", LINK: "takeback of"}


# --- unapplied cash ---------------------------------------------------------------------------

def park(exception: PostingException, reason: str, *, acting_user: Any) -> UnappliedCash:
    """Park the payment as unapplied cash: received, booked, owed to no claim yet.

    The remit claim's posting key is taken in the same transaction, so it can never also
    be posted to a claim; the cash reaches a claim later only by ``apply_cash``.
    """
    reason = reason.strip()
    if not reason:
        raise ResolutionProblem("Say why the payment is parked: a reason is required.")
    with transaction.atomic():
        exception = _open(exception, PARK, acting_user)
        rc = exception.remit_claim
        assert rc is not None  # parked kinds always carry their remit claim
        if rc.paid <= 0:
            raise ResolutionProblem("Only money received can be parked; this remit claim "
                                    f"pays {rc.paid}.")
        remittance = exception.remittance
        PostingKey.objects.create(
            client_id=exception.client_id, payer_key=remittance.payer_key,
            trace_number=remittance.trace_number, patient_control_number=rc.patient_control_number,
            payer_claim_control_number=rc.payer_claim_control_number, status_code=rc.status_code,
            line_index=0)
        journal = ledger.post(exception.client, JournalKind.UNAPPLIED, [
            ledger.Line(Account.PAYER_CASH, rc.paid),
            ledger.Line(Account.UNAPPLIED_CASH, -rc.paid),
        ], remittance=remittance, memo=f"unapplied cash: {reason}", acting_user=acting_user)
        assert journal is not None
        cash = UnappliedCash.objects.create(
            client_id=exception.client_id, remittance=remittance, exception=exception,
            amount=rc.paid, remaining=rc.paid, reason=reason[:300],
            parked_on=exception.client.today(), parked_by=person(acting_user), journal=journal)
        rc.outcome = "unapplied"
        rc.save(update_fields=["outcome"])
        services.resolve(exception, f"parked as unapplied cash #{cash.pk}: {reason}",
                         acting_user=acting_user)
        record("remits.unapplied_parked", client_id=exception.client_id, obj=cash,
               acting_user=acting_user, detail={"exception": exception.pk,
                                                "amount": str(rc.paid), "reason": reason,
                                                "journal_id": journal.pk})
    return cash


def apply_cash(cash: UnappliedCash, claim: Claim, amount: Decimal, *,
               acting_user: Any) -> UnappliedApplication:
    """Apply some unapplied cash to a claim's open insurance balance (never beyond it)."""
    require(acting_user, Action.WORK_ITEMS, cash.client_id, Workflow.POSTING)
    amount = _positive(amount)
    with transaction.atomic():
        cash = UnappliedCash.objects.select_for_update().get(pk=cash.pk)
        _same_client(cash, claim)
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if amount > cash.remaining:
            raise AlreadyResolved(f"Only {cash.remaining} of unapplied cash #{cash.pk} is "
                                  f"left; nothing was applied.")
        if amount > claim.insurance_balance:
            raise ResolutionProblem(f"{amount} is more than claim "
                                    f"{claim.patient_control_number}'s open insurance balance "
                                    f"({claim.insurance_balance}).")
        journal = ledger.post(claim.client, JournalKind.APPLIED, [
            ledger.Line(Account.UNAPPLIED_CASH, amount),
            ledger.Line(Account.INSURANCE_AR, -amount),
        ], claim=claim, remittance=cash.remittance,
            memo=f"applied from unapplied cash #{cash.pk}", acting_user=acting_user)
        assert journal is not None
        UnappliedCash.objects.filter(pk=cash.pk).update(remaining=cash.remaining - amount)
        _settle_status(claim)
        applied = UnappliedApplication.objects.create(
            unapplied=cash, claim=claim, amount=amount, journal=journal,
            applied_by=person(acting_user))
        record("remits.unapplied_applied", client_id=cash.client_id, obj=cash,
               acting_user=acting_user, detail={"claim": claim.pk, "amount": str(amount),
                                                "journal_id": journal.pk})
        close_settled(claim.client_id, [claim.pk], f"paid from unapplied cash #{cash.pk}")
    return applied


def _settle_status(claim: Claim) -> None:
    """The claim's status from its balances after cash reached it (as posting sets it)."""
    claim.refresh_from_db(fields=["insurance_balance", "patient_balance"])
    status = (ClaimStatus.PARTIAL if claim.insurance_balance else
              ClaimStatus.PATIENT_BALANCE if claim.patient_balance else ClaimStatus.PAID)
    Claim.objects.filter(pk=claim.pk).update(status=status)


# --- refunds: the client's decision -----------------------------------------------------------

def request_refund(exception: PostingException, reasons: str, *,
                   acting_user: Any) -> Proposal:
    """Ask the client to refund a credit balance; nothing leaves the books until it approves.

    An overpayment is first posted to its claim (the money was received), which leaves the
    credit balance; the exception then waits, open, on the client's decision.
    """
    with transaction.atomic():
        exception = _open(exception, REFUND, acting_user)
        claim = _credit_claim(exception, acting_user)
        credit = -claim.insurance_balance
        if credit <= 0:
            raise ResolutionProblem(f"Claim {claim.patient_control_number} has no credit "
                                    f"balance to refund (insurance AR {claim.insurance_balance}).")
        proposal = decisions.propose(
            exception.client, ProposalKind.REFUND, acting_user=acting_user,
            item=_free_item(exception), claim=claim, amount=credit, reasons=reasons,
            evidence=f"posting exception #{exception.pk}: {exception.detail}"[:2000])
        PostingException.objects.filter(pk=exception.pk).update(refund=proposal, claim=claim)
        record("remits.refund_requested", client_id=exception.client_id, obj=exception,
               acting_user=acting_user, detail={"proposal": proposal.pk, "amount": str(credit),
                                                "claim": claim.pk})
        if proposal.status == ProposalStatus.EXECUTED:  # within the client's own threshold
            _resolve_refunded(proposal, claim, acting_user)
    return proposal


def _credit_claim(exception: PostingException, acting_user: Any) -> Claim:
    """The claim holding the credit: an overpayment is posted to it first."""
    rc = exception.remit_claim
    if exception.reason == "overpaid":
        outcome, detail = services.post_again(exception, acting_user=acting_user,
                                              claim=exception.claim or (rc.claim if rc else None),
                                              credit=True)
        if outcome in services.RETRYABLE_REASONS or outcome == services.ALREADY_POSTED:
            raise ResolutionProblem(f"The payment could not be posted ({outcome}): {detail}")
        exception.reason = "credit_balance"
        exception.detail = f"posted with a credit balance; {exception.detail}"[:2000]
        exception.save(update_fields=["reason", "detail"])
        rc = exception.remit_claim
    claim_id = exception.claim_id or (rc.claim_id if rc else None)
    if claim_id is None:
        raise ResolutionProblem("This exception names no claim: match it to one first.")
    claim: Claim = Claim.objects.select_for_update().get(pk=claim_id)
    return claim


def _free_item(exception: PostingException) -> WorkItem | None:
    """The exception's work item, to wait on the client's decision (None if it has none)."""
    item: WorkItem | None = WorkItem.objects.active().filter(
        client_id=exception.client_id, kind=ItemKind.POSTING_EXCEPTION,
        source_key=f"exception:{exception.pk}").exclude(
            status=ItemStatus.PENDING_CLIENT_DECISION).first()
    return item


def _refund_waiting(exception: PostingException) -> bool:
    return exception.refund_id is not None and Proposal.objects.filter(
        pk=exception.refund_id, status=ProposalStatus.PROPOSED).exists()


def pay_refund(proposal: Proposal, *, acting_user: Any) -> dict[str, Any]:
    """The client approved a refund: pay it back out of the claim's credit, once.

    Called by ``decisions`` inside the approving transaction; returns the proposal's result
    (an "error" when the credit is no longer there, so nothing was paid).
    """
    assert proposal.claim_id is not None
    assert proposal.amount is not None
    claim = Claim.objects.select_for_update().get(pk=proposal.claim_id)
    if proposal.amount > -claim.insurance_balance:
        return {"error": f"Not paid: the credit balance on claim {claim.patient_control_number} "
                         f"is now {-claim.insurance_balance}, less than {proposal.amount}."}
    journal = ledger.post(claim.client, JournalKind.REFUND, [
        ledger.Line(Account.INSURANCE_AR, proposal.amount),
        ledger.Line(Account.PAYER_CASH, -proposal.amount),
    ], claim=claim, memo=f"refund: client decision #{proposal.pk}", acting_user=acting_user)
    assert journal is not None
    _settle_status(claim)
    _resolve_refunded(proposal, claim, acting_user)
    record("remits.refund_paid", client_id=claim.client_id, obj=proposal,
           acting_user=acting_user, detail={"journal_id": journal.pk, "claim": claim.pk,
                                            "amount": str(proposal.amount)})
    return {"journal_id": journal.pk, "amount": str(proposal.amount), "claim": claim.pk}


def _resolve_refunded(proposal: Proposal, claim: Claim, acting_user: Any) -> None:
    for exception in PostingException.objects.select_for_update().filter(
            refund=proposal, status=ExceptionStatus.OPEN):
        services.resolve(exception, f"refunded {proposal.amount} (client decision "
                                    f"#{proposal.pk})", acting_user=acting_user, claim=claim)


# --- review ----------------------------------------------------------------------------------

def review(exception: PostingException, note: str, *, acting_user: Any) -> None:
    """An unknown adjustment code was looked at: the note says what it means here."""
    note = note.strip()
    if not note:
        raise ResolutionProblem("Say what the code means for this claim: a note is required.")
    with transaction.atomic():
        exception = _open(exception, REVIEW, acting_user)
        services.resolve(exception, f"reviewed: {note}", acting_user=acting_user)
        record("remits.exception_reviewed", client_id=exception.client_id, obj=exception,
               acting_user=acting_user, detail={"note": note})


# --- shared ------------------------------------------------------------------------------------

def _open(exception: PostingException, action: str, acting_user: Any) -> PostingException:
    """The exception, locked, if it is open and ``action`` is one of its kind's."""
    require(acting_user, Action.WORK_ITEMS, exception.client_id, Workflow.POSTING)
    locked: PostingException = (PostingException.objects.select_for_update(of=("self",))
                                .select_related("client", "remittance", "remit_claim")
                                .get(pk=exception.pk))
    if locked.status != ExceptionStatus.OPEN:
        raise AlreadyResolved(f"This exception is already resolved ({locked.resolution}); "
                              "nothing was done.")
    if _refund_waiting(locked):
        raise AlreadyResolved("A refund of this credit already waits for the client's "
                              "decision; nothing was done.")
    kind = kind_of(locked)
    if action not in ACTIONS[kind]:
        raise ResolutionProblem(f"A {kind} cannot be resolved that way; it can be: "
                                f"{', '.join(ACTIONS[kind])}.")
    return locked


def _same_client(owner: PostingException | UnappliedCash, claim: Claim) -> None:
    if claim.client_id != owner.client_id:
        raise errors.NotFound("No such claim for this client.")


def _positive(amount: Decimal | str) -> Decimal:
    try:
        value = Decimal(str(amount)).quantize(CENT)
    except InvalidOperation as exc:
        raise ResolutionProblem(f"{amount!r} is not an amount.") from exc
    if value <= 0:
        raise ResolutionProblem("The amount must be above zero.")
    return value
