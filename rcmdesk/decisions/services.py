"""Proposals and the client's decisions on them.

Who: anyone with ``Action.PROPOSE_DECISION`` within the item's workflow proposes; only
``Action.DECIDE`` decides, and ``DECIDE`` is client-only in ``tenancy.roles`` (checked on top
of the matrix), so no partner role can approve whatever route it comes by — the pages, the
API and the CLI all call ``decide`` here, and the models are not in the Django admin.

Exactly once: a decision is a conditional UPDATE from ``proposed`` at the version the caller
saw, and the system acts (posts the write-off, closes the item) in that same transaction.
A second approval, a replayed request or a concurrent one finds no ``proposed`` row and gets
``AlreadyDecided``; on PostgreSQL the loser waits on the winner's row lock and then sees the
new status, on SQLite the write lock is taken up front (IMMEDIATE transactions).

Appeal filing is not proposed here: an ``Appeal`` already carries its own
``pending_client_decision`` state and ``denials.appeals.decide`` (``DECIDE`` too). The inbox
lists those appeals beside the proposals and decides them through denials, so an appeal
has one state, not two that could disagree.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim, ClaimStatus
from rcmdesk.decisions.models import (
    AdjustmentReason,
    DecisionRule,
    Proposal,
    ProposalEvent,
    ProposalKind,
    ProposalStatus,
    WriteOffAccount,
)
from rcmdesk.decisions.reasons import active_reasons
from rcmdesk.remits import ledger
from rcmdesk.remits.models import Account, JournalKind, RemitAdjustment
from rcmdesk.tenancy.authz import permits, require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue import services as work
from rcmdesk.workqueue.models import ActionKind, ItemStatus, WorkItem

CENT = Decimal("0.01")
WRITTEN_OFF = "written off (client decision)"


class ProposalProblem(errors.Invalid, ValueError):
    """The proposal cannot be made as given (no amount, more than the balance, …)."""


REJECT_NEEDS_COMMENT = "Say why you are rejecting this, so the partner can act on it."


class AlreadyDecided(errors.Conflict):
    """The proposal is no longer open, or changed since the caller read it."""

    def __init__(self, proposal: Proposal, status: str) -> None:
        super().__init__(f"Proposal {proposal.pk} is already {status}; nothing was done.")
        self.proposal_id = proposal.pk
        self.status = status


def _workflow(item: WorkItem | None) -> Workflow | None:
    return Workflow(item.workflow) if item is not None else None


def needs_decision(client_id: int, kind: str, amount: Decimal | None) -> bool:
    """Whether the client asked to decide this itself (see ``DecisionRule``)."""
    rule = DecisionRule.objects.filter(client_id=client_id, kind=kind).first()
    if rule is None or amount is None:
        return True
    return bool(amount > rule.threshold)


def write_off_default(item: WorkItem) -> Decimal | None:
    """What a write-off proposed from ``item`` is for unless the proposer says otherwise:
    the item's own amount (a denial's is its denied line's), never more than what is still
    open on the claim; the claim's balance for an item without an amount."""
    claim = item.claim
    if claim is None:
        return None
    balance = claim.insurance_balance
    amount = min(item.amount, balance) if item.amount > 0 else balance
    return amount if amount > 0 else None


def propose(client: Organization, kind: str, *, acting_user: Any, item: WorkItem | None = None,
            claim: Claim | None = None, amount: Decimal | None = None, reasons: str,
            evidence: str = "", account: str = WriteOffAccount.INSURANCE_AR,
            adjustment_reason: str = "") -> Proposal:
    """Ask the client. A write-off needs a claim (the item's), an amount within its open
    balance (by default the item's, ``write_off_default``) and a reason from the client's
    list (``adjustment_reason``, its code); proposing about an item sets it aside in
    ``pending_client_decision``."""
    if kind not in ProposalKind.values:
        raise ProposalProblem(f"{kind!r} is not a valid ProposalKind")
    kind = ProposalKind(kind)
    if item is not None and item.client_id != client.pk:
        raise ProposalProblem("The item belongs to another client.")
    require(acting_user, Action.PROPOSE_DECISION, client.pk, _workflow(item))
    if kind is ProposalKind.APPEAL_FILING:
        raise ProposalProblem("Appeal filing is decided on the appeal itself: draft it and "
                              "send it for the client's decision from the appeal page.")
    reasons = reasons.strip()
    if not reasons:
        raise ProposalProblem("Say why: reasons are required.")
    claim = claim or (item.claim if item is not None else None)
    if claim is not None and claim.client_id != client.pk:
        raise ProposalProblem("The claim belongs to another client.")
    reason: AdjustmentReason | None = None
    if kind is ProposalKind.WRITE_OFF:
        if amount is None and item is not None and claim == item.claim:
            amount = write_off_default(item)
        reason = _reason(client, adjustment_reason)
    amount = amount.quantize(CENT) if amount is not None else None
    if kind is ProposalKind.WRITE_OFF:
        _check_write_off(claim, amount, account)
    if item is not None:
        _check_item(acting_user, item)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            client=client, kind=kind, item=item, claim=claim, amount=amount,
            claim_line=item.claim_line if item is not None and claim == item.claim else None,
            adjustment_reason=reason,
            account=account if kind is ProposalKind.WRITE_OFF else "",
            workflow=item.workflow if item is not None else "", reasons=reasons,
            evidence=evidence.strip(), proposed_by=person(acting_user))
        _event(proposal, acting_user, ProposalStatus.PROPOSED, reasons,
               {"amount": _money(amount), "kind": kind.value})
        record("decisions.propose", client_id=client.pk, obj=proposal, acting_user=acting_user,
               detail={"kind": kind.value, "amount": _money(amount),
                       "item": getattr(item, "pk", None)})
        if item is not None:
            work.record_event(item, ActionKind.ESCALATED, acting_user=person(acting_user),
                              note=f"Proposed a {kind.label} (#{proposal.pk}) for the "
                                   f"client's decision: {reasons}",
                              status=ItemStatus.PENDING_CLIENT_DECISION, lease_expires_at=None)
        if not needs_decision(client.pk, kind, amount):
            proposal = _approve_by_rule(proposal)
    return proposal


def _reason(client: Organization, code: str) -> AdjustmentReason:
    """The client's active reason with this code, or a refusal naming the choices."""
    reasons = {r.code: r for r in active_reasons(client.pk)}
    found = reasons.get(code.strip().upper())
    if found is None:
        choices = ", ".join(f"{r.code} ({r.label})" for r in reasons.values())
        raise ProposalProblem("Choose the write-off's adjustment reason from the client's "
                              f"list: {choices or 'the client admin has not kept one'}.")
    return found


def _check_write_off(claim: Claim | None, amount: Decimal | None, account: str) -> None:
    if claim is None:
        raise ProposalProblem("A write-off needs a claim.")
    if amount is None or amount <= 0:
        raise ProposalProblem("A write-off needs an amount above zero.")
    if account not in WriteOffAccount.values:
        raise ProposalProblem(f"Write off from insurance or patient AR, not {account!r}.")
    balance = _balance(claim, account)
    if amount > balance:
        raise ProposalProblem(f"{amount} is more than the claim's open balance ({balance}).")


def _balance(claim: Claim, account: str) -> Decimal:
    field_name = ledger.BALANCE_FIELDS[account]
    value: Decimal = getattr(claim, field_name)
    return value


def _check_item(user: Any, item: WorkItem) -> None:
    if item.status == ItemStatus.DONE:
        raise ProposalProblem("This item is done.")
    if item.status == ItemStatus.PENDING_CLIENT_DECISION:
        raise ProposalProblem("This item already waits for a client decision.")
    held_by_other = (item.status == ItemStatus.IN_PROGRESS and item.assignee_id not in
                     (None, user.pk) and item.lease_expires_at is not None
                     and item.lease_expires_at > timezone.now())
    if held_by_other:
        raise work.NotAllowed("Someone else is working this item.")


def may_decide(user: Any, proposal: Proposal) -> bool:
    """Whether to offer ``decide``'s buttons: the same question its ``require`` asks."""
    return proposal.is_open and permits(user, Action.DECIDE, proposal.client_id,
                                        _workflow(proposal.item))


def decide(proposal: Proposal, approve: bool, comment: str = "", *,
           acting_user: Any, version: int | None = None) -> Proposal:
    """The client's answer, and on approval the act itself, exactly once.

    ``version``: the version the decider saw (the pages and the API send it); by default the
    one ``proposal`` was read at. A rejection needs a comment — the proposer learns why.
    """
    require(acting_user, Action.DECIDE, proposal.client_id, _workflow(proposal.item))
    comment = comment.strip()
    if not approve and not comment:
        raise ProposalProblem(REJECT_NEEDS_COMMENT)
    seen = proposal.version if version is None else version
    now = timezone.now()
    with transaction.atomic():
        status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
        _transition(proposal, seen, status, decided_by=acting_user, decided_at=now,
                    decision_comment=comment)
        _event(proposal, acting_user, status, comment)
        record(f"decisions.{'approve' if approve else 'reject'}", client_id=proposal.client_id,
               obj=proposal, acting_user=acting_user, detail={"comment": comment,
                                                 "amount": _money(proposal.amount)})
        fresh = _fresh(proposal)
        if approve:
            return _carry_out(fresh, acting_user)
        _return_item(fresh, acting_user, f"The client rejected the {fresh.get_kind_display()} "
                                  f"(#{fresh.pk}): {comment}")
    return fresh


def withdraw(proposal: Proposal, comment: str = "", *, acting_user: Any) -> Proposal:
    """The proposer (or anyone who may propose for it) takes the question back."""
    require(acting_user, Action.PROPOSE_DECISION, proposal.client_id, _workflow(proposal.item))
    with transaction.atomic():
        _transition(proposal, proposal.version, ProposalStatus.WITHDRAWN)
        _event(proposal, acting_user, ProposalStatus.WITHDRAWN, comment.strip())
        record("decisions.withdraw", client_id=proposal.client_id, obj=proposal,
               acting_user=acting_user)
        fresh = _fresh(proposal)
        _return_item(fresh, acting_user, f"Withdrew the {fresh.get_kind_display()} proposal "
                                  f"(#{fresh.pk}). {comment}".strip())
    return fresh


def _transition(proposal: Proposal, version: int, status: str, **fields: Any) -> None:
    """The one write path out of ``proposed``: conditional on status and version."""
    updated = Proposal.objects.filter(pk=proposal.pk, status=ProposalStatus.PROPOSED,
                                      version=version).update(
        status=status, version=F("version") + 1, **fields)
    if not updated:
        current = Proposal.objects.get(pk=proposal.pk)
        raise AlreadyDecided(proposal, current.status if current.status !=
                             ProposalStatus.PROPOSED else "changed by someone else")


def _approve_by_rule(proposal: Proposal) -> Proposal:
    """At or below the client's threshold the rule is the approval: recorded as such."""
    rule = DecisionRule.objects.get(client_id=proposal.client_id, kind=proposal.kind)
    comment = f"At or below the client's threshold of {rule.threshold}: approved by rule."
    _transition(proposal, proposal.version, ProposalStatus.APPROVED, decided_at=timezone.now(),
                decision_comment=comment)
    _event(proposal, None, ProposalStatus.APPROVED, comment, {"rule": rule.pk})
    fresh = _fresh(proposal)
    return _carry_out(fresh, proposal.proposed_by)


def _carry_out(proposal: Proposal, user: Any) -> Proposal:
    """What an approval sets off; the caller holds the transaction."""
    if proposal.kind == ProposalKind.WRITE_OFF:
        return _write_off(proposal, user)
    if proposal.kind == ProposalKind.REFUND:
        return _refund(proposal, user)
    result: dict[str, Any] = {}
    if proposal.kind == ProposalKind.PAYER_ESCALATION:
        result = _open_escalation(proposal, user)
    if result:
        Proposal.objects.filter(pk=proposal.pk).update(result=result)
    _return_item(proposal, user, f"The client approved the {proposal.get_kind_display()} "
                                 f"(#{proposal.pk}). {proposal.decision_comment}".strip())
    return _fresh(proposal)


def _write_off(proposal: Proposal, user: Any) -> Proposal:
    assert proposal.claim_id is not None
    assert proposal.amount is not None
    claim = Claim.objects.select_for_update().get(pk=proposal.claim_id)
    balance = _balance(claim, proposal.account)
    now = timezone.now()
    if proposal.amount > balance:
        problem = (f"Not posted: {proposal.amount} is more than the claim's open balance "
                   f"now ({balance}).")
        _finish(proposal, user, ProposalStatus.FAILED, now, {"error": problem})
        _return_item(proposal, user, problem)
        return _fresh(proposal)
    reason = proposal.adjustment_reason
    why = f"{reason.code}: {reason.label}" if reason is not None else ""
    code = reason.code[:8] if reason is not None else ""
    journal = ledger.post(claim.client, JournalKind.WRITE_OFF, [
        ledger.Line(Account.WRITE_OFF, proposal.amount, claim_line=proposal.claim_line,
                    reason=code),
        ledger.Line(proposal.account, -proposal.amount, claim_line=proposal.claim_line,
                    reason=code),
    ], claim=claim, memo=f"write-off: client decision #{proposal.pk} ({why})"[:200],
        acting_user=user)
    journal_id = journal.pk if journal is not None else None
    settled = _settle_denials(proposal)
    status = _adjusted_status(claim, proposal.account)
    _finish(proposal, user, ProposalStatus.EXECUTED, now,
            {"journal_id": journal_id, "amount": _money(proposal.amount),
             "account": proposal.account, "settled": settled, "claim_status": status})
    record("decisions.write_off", client_id=proposal.client_id, obj=proposal, acting_user=user,
           detail={"journal_id": journal_id, "claim": claim.pk,
                   "amount": _money(proposal.amount), "reason": why,
                   "settled_adjustments": settled, "claim_status": status})
    if proposal.item is not None and proposal.item.status != ItemStatus.DONE:
        work.record_event(proposal.item, ActionKind.WRITTEN_OFF, acting_user=person(user),
                          note=f"Wrote off {proposal.amount} (client decision #{proposal.pk})",
                          touch=True, status=ItemStatus.DONE, closed_at=now,
                          close_reason=WRITTEN_OFF, lease_expires_at=None)
    return _fresh(proposal)


def _settle_denials(proposal: Proposal) -> list[int]:
    """The payer's open denial adjustments (CAS not posted) this write-off covers: the
    item's line's (or, for a claim-level write-off, the claim's), oldest first, each one
    whole while the amount lasts. Only an insurance write-off settles what a payer denied."""
    if (proposal.account != WriteOffAccount.INSURANCE_AR or proposal.amount is None
            or proposal.claim_id is None):
        return []
    rows = (RemitAdjustment.objects.filter(remit_claim__claim_id=proposal.claim_id,
                                           posted=False)
            .exclude(written_off_by__status=ProposalStatus.EXECUTED).order_by("pk"))
    if proposal.claim_line_id is not None:
        rows = rows.filter(remit_line__claim_line_id=proposal.claim_line_id)
    left, settled = proposal.amount, []
    for adjustment in rows:
        if 0 < adjustment.amount <= left:
            settled.append(adjustment.pk)
            left -= adjustment.amount
    proposal.settles.add(*settled)
    return settled


def _adjusted_status(claim: Claim, account: str) -> str:
    """The claim's status once the write-off is on its balances: nothing left for the payer
    reads "adjusted" (or "patient balance" while the patient owes); a denied claim with
    insurance dollars still open after an insurance write-off is no longer wholly denied."""
    claim.refresh_from_db(fields=["insurance_balance", "patient_balance", "status"])
    status = claim.status
    if claim.insurance_balance <= 0:
        status = (ClaimStatus.PATIENT_BALANCE if claim.patient_balance > 0
                  else ClaimStatus.ADJUSTED)
    elif claim.status == ClaimStatus.DENIED and account == WriteOffAccount.INSURANCE_AR:
        status = ClaimStatus.PARTIAL
    if status != claim.status:
        Claim.objects.filter(pk=claim.pk).update(status=status, updated_at=timezone.now(),
                                                 version=F("version") + 1)
    return str(status)
def _refund(proposal: Proposal, user: Any) -> Proposal:
    """Pay a credit balance back (remits owns the money and the exception it resolves;
    imported here because it imports this module to propose)."""
    from rcmdesk.remits.resolution import pay_refund

    result = pay_refund(proposal, acting_user=user)
    failed = "error" in result
    _finish(proposal, user, ProposalStatus.FAILED if failed else ProposalStatus.EXECUTED,
            timezone.now(), result)
    if failed:
        _return_item(proposal, user, result["error"])
    return _fresh(proposal)


def _finish(proposal: Proposal, user: Any, status: str, at: datetime,
            result: dict[str, Any]) -> None:
    """Approved -> executed / failed; only an approved proposal can be carried out."""
    updated = Proposal.objects.filter(pk=proposal.pk, status=ProposalStatus.APPROVED).update(
        status=status, executed_at=at, result=result, version=F("version") + 1)
    if not updated:
        raise AlreadyDecided(proposal, "carried out")
    _event(proposal, user, status, result.get("error", ""), result)


def _open_escalation(proposal: Proposal, user: Any) -> dict[str, Any]:
    """Open a "payer stuck" escalation for the approved proposal, owned as escalations
    decide (the engagement's partner lead by default). The import is guarded so this app
    does not depend on that one; an escalation that cannot be opened (nobody to own it) is
    noted on the proposal, and the client's decision stands."""
    try:
        from rcmdesk.escalations import services as escalations
    except ImportError:  # pragma: no cover - the app is always installed today
        return {}
    try:
        with transaction.atomic():
            escalation = escalations.create_escalation(
                proposal.client, "payer_stuck",
                f"Payer escalation approved by the client (decision #{proposal.pk})",
                f"{proposal.reasons}\n\n{proposal.evidence}".strip(), acting_user=user,
                item=proposal.item, claim=proposal.claim)
    except (ValueError, PermissionDenied) as exc:
        return {"escalation_error": str(exc)}
    return {"escalation_id": escalation.pk}


def _return_item(proposal: Proposal, user: Any, note: str) -> None:
    """A decided (not written-off) proposal hands its item back: open, to whoever had it."""
    item = proposal.item
    if item is None:
        return
    item = WorkItem.objects.get(pk=item.pk)
    if item.status != ItemStatus.PENDING_CLIENT_DECISION:
        return
    work.record_event(item, ActionKind.NOTE, acting_user=person(user), note=note,
                      status=ItemStatus.OPEN,
                      lease_expires_at=None)


def _event(proposal: Proposal, user: Any, kind: str, comment: str = "",
           detail: dict[str, Any] | None = None) -> ProposalEvent:
    return ProposalEvent.objects.create(proposal=proposal, actor=person(user), kind=kind,
                                        comment=comment, detail=detail or {})


def _fresh(proposal: Proposal) -> Proposal:
    fresh: Proposal = Proposal.objects.select_related("item", "claim").get(pk=proposal.pk)
    return fresh



def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


def set_rule(client: Organization, kind: str, threshold: Decimal | None,
             note: str = "", *, acting_user: Any) -> DecisionRule | None:
    """The client admin's threshold for one kind (None: remove it, every amount is asked)."""
    require(acting_user, Action.EDIT_PLAYBOOKS, client.pk)
    kind = ProposalKind(kind)
    if kind is ProposalKind.APPEAL_FILING:
        raise ProposalProblem("Appeal filing follows the appeal policy (denials), not a "
                              "threshold.")
    if threshold is not None and threshold < 0:
        raise ProposalProblem("A threshold cannot be negative.")
    with transaction.atomic():
        old = DecisionRule.objects.filter(client=client, kind=kind).first()
        before = _money(old.threshold) if old is not None else None
        rule: DecisionRule | None = None
        if threshold is None:
            DecisionRule.objects.filter(client=client, kind=kind).delete()
        else:
            rule, _ = DecisionRule.objects.update_or_create(
                client=client, kind=kind, defaults={
                    "threshold": threshold.quantize(CENT), "note": note[:300],
                    "updated_by": person(acting_user), "updated_at": timezone.now()})
        record("decisions.rule", client_id=client.pk, obj=rule, acting_user=acting_user,
               object_type="decisions.decisionrule", object_id=kind.value,
               detail={"kind": kind.value, "before": before, "after": _money(threshold)})
    return rule


@dataclass
class KindTotal:
    kind: str
    label: str
    count: int = 0
    amount: Decimal = Decimal("0.00")


@dataclass
class OpenCounts:
    """What waits for the client: how many, how old, how much, per kind."""

    count: int = 0
    oldest: timedelta | None = None
    median_age: timedelta | None = None
    amount: Decimal = Decimal("0.00")
    by_kind: dict[str, KindTotal] = field(default_factory=dict)


def open_counts(client_ids: Iterable[int], *, now: datetime | None = None,
                proposals: Any = None, appeals: Any = None) -> OpenCounts:
    """Counts, age (oldest, median) and dollar totals of the open questions of ``client_ids``
    — proposals and appeals waiting on the client's filing decision. ``proposals`` and
    ``appeals``: querysets already narrowed to what a viewer sees (default: all)."""
    from rcmdesk.denials.models import Appeal, AppealStatus

    now = now or timezone.now()
    ids = list(client_ids)
    rows = (proposals if proposals is not None else Proposal.objects.all()).filter(
        client_id__in=ids, status=ProposalStatus.PROPOSED)
    waiting: list[tuple[str, datetime, Decimal]] = [
        (kind, at, amount or Decimal("0.00"))
        for kind, at, amount in rows.values_list("kind", "proposed_at", "amount")]
    appeals = (appeals if appeals is not None else Appeal.objects.all()).filter(
        client_id__in=ids, status=AppealStatus.PENDING_CLIENT_DECISION)
    waiting += [(ProposalKind.APPEAL_FILING, at, amount or Decimal("0.00"))
                for at, amount in appeals.values_list("updated_at", "item__amount")]
    counts = OpenCounts(by_kind={k.value: KindTotal(k.value, str(k.label))
                                 for k in ProposalKind})
    ages = sorted(now - at for _, at, _ in waiting)
    for kind, _at, amount in waiting:
        total = counts.by_kind[kind]
        total.count += 1
        total.amount += amount
        counts.amount += amount
    counts.count = len(waiting)
    if ages:
        counts.oldest = ages[-1]
        counts.median_age = timedelta(seconds=statistics.median(a.total_seconds()
                                                                for a in ages))
    return counts

