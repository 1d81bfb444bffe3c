"""Appeals of denial items: draft from a template, wait for the client where its policy
says so, file, and record the payer's answer.

A specialist drafts on an item leased to them (``workqueue.services``' rule for any work);
the item's history and the audit log record each step. Filing needs the client's decision
when ``AppealPolicy.needs_approval`` (our default when the client has said nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.calendar import office_day
from rcmdesk.claims.models import Claim
from rcmdesk.denials import defaults, merge
from rcmdesk.denials.models import (
    OPEN_APPEAL_STATUSES,
    OVERTURNED_STATUSES,
    Appeal,
    AppealOutcome,
    AppealStatus,
    AppealTemplate,
    FilingChannel,
)
from rcmdesk.denials.playbook import policy_for
from rcmdesk.playbooks.services import DeadlineBook
from rcmdesk.remits.carc_categories import is_denial
from rcmdesk.remits.models import RemitAdjustment, RemitClaim, RemitLine
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue import services as work
from rcmdesk.workqueue.categories import RootCause, denial_category
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkItem

# After filing, the item waits on the payer; look again after this long.
PAYER_ANSWER_WAIT = timedelta(days=30)
# After an overturn, the payment should follow within this long.
PAYMENT_WAIT = timedelta(days=30)
CENT = Decimal("0.01")


class AppealConflict(errors.Conflict):
    """The appeal changed since the caller read it, or is not in the state the step needs."""


class AppealProblem(errors.Invalid):
    """What the caller gave cannot be recorded (no channel, a date after today, ...)."""


@dataclass(frozen=True)
class Denial:
    """What the payer said, as code values only (never X12's description texts)."""

    remit_date: date | None
    payer_claim_number: str
    carcs: tuple[str, ...]  # "CO-50"
    rarcs: tuple[str, ...]
    amount: Decimal


def denial_facts(item: WorkItem) -> Denial:
    """The latest remit that denied the item's claim (or line)."""
    claim = item.claim
    remit = (RemitClaim.objects.filter(claim=claim).select_related("remittance")
             .order_by(F("remittance__payment_date").desc(nulls_last=True), "-id").first())
    if remit is None:
        return Denial(None, claim.payer_claim_control_number if claim else "", (), (),
                      item.amount)
    adjustments = RemitAdjustment.objects.filter(remit_claim=remit)
    lines = RemitLine.objects.filter(remit_claim=remit)
    if item.claim_line_id is not None:
        adjustments = adjustments.filter(remit_line__claim_line_id=item.claim_line_id)
        lines = lines.filter(claim_line_id=item.claim_line_id)
    denied = [a for a in adjustments.order_by("id") if is_denial(a.group, a.reason)]
    rarcs = sorted({code for line in lines for _, code in line.remarks})
    amount = item.amount or sum((a.amount for a in denied), Decimal("0.00"))
    return Denial(remit.remittance.payment_date,
                  remit.payer_claim_control_number or (claim.payer_claim_control_number
                                                        if claim else ""),
                  tuple(dict.fromkeys(f"{a.group}-{a.reason}" for a in denied)),
                  tuple(rarcs), amount)


def money(value: Decimal | None) -> str:
    """Dollars as letters and messages print them ("$1,234.56")."""
    return f"${value:,.2f}" if value is not None else "no amount"


def _day(value: date | None) -> str:
    return office_day(value) if value else ""


def merge_values(item: WorkItem, claim: Claim, denial: Denial, level: int,
                 deadline: date | None, category: RootCause, today: date) -> dict[str, str]:
    patient, payer, provider = claim.patient, claim.payer, claim.billing_provider
    coverage = claim.coverage
    return {
        "client_name": item.client.name,
        "patient_name": " ".join(p for p in (patient.first_name, patient.last_name) if p),
        "patient_birth_date": _day(patient.birth_date),
        "member_id": coverage.member_id if coverage else "",
        "claim_number": claim.patient_control_number,
        "payer_claim_number": denial.payer_claim_number,
        "payer_name": payer.name,
        "payer_id": payer.payer_id,
        "provider_name": provider.name if provider else "",
        "provider_npi": provider.npi if provider else "",
        "service_from": _day(claim.service_from),
        "service_to": _day(claim.service_to or claim.service_from),
        "total_charge": money(claim.total_charge),
        "denied_amount": money(denial.amount),
        "carc_codes": ", ".join(denial.carcs),
        "rarc_codes": ", ".join(denial.rarcs) or "none",
        "remit_date": _day(denial.remit_date),
        "appeal_level": str(level),
        "appeal_deadline": _day(deadline),
        "category": category.label,
        "today": _day(today),
    }


def template_for(client_id: int, category: RootCause, payer_id: int,
                 level: int) -> AppealTemplate | None:
    """The client's most specific template: this payer over every payer, then this level
    over a lower one (a level-2 appeal may reuse the level-1 wording)."""
    rows = AppealTemplate.objects.filter(client_id=client_id, category=category.value,
                                         level__lte=level)
    best = None
    for template in rows:
        if template.payer_id not in (None, payer_id):
            continue
        key = (template.payer_id is not None, template.level)
        if best is None or key > best[0]:
            best = (key, template)
    return best[1] if best else None


def _category(item: WorkItem, denial: Denial) -> RootCause:
    if item.category in RootCause._value2member_map_:
        return RootCause(item.category)
    if denial.carcs:
        group, carc = denial.carcs[0].split("-", 1)
        return denial_category(item.client_id, group, carc, denial.rarcs)
    return RootCause.OTHER


def _require(user: Any, item: WorkItem) -> None:
    require(user, Action.WORK_ITEMS, item.client_id, Workflow.DENIALS)
    if item.kind != ItemKind.DENIAL:
        raise work.NotAllowed("Appeals are drafted on denial items.")


def draft_appeal(item: WorkItem, *, acting_user: Any, today: date | None = None) -> Appeal:
    """Draft the next level's appeal on a denial item the user holds."""
    _require(acting_user, item)
    if not item.is_leased_to(acting_user):
        raise work.NotAllowed("Take the item first (Get next, or Work this item).")
    claim = item.claim
    if claim is None:
        raise work.NotAllowed("This denial has no claim to appeal.")
    today = today or item.client.today()
    earlier = Appeal.objects.filter(item=item)
    if earlier.filter(status__in=OPEN_APPEAL_STATUSES).exists():
        raise AppealConflict("This item already has an appeal in progress.")
    previous = earlier.order_by("-level").first()
    if previous is not None and previous.outcome == AppealOutcome.OVERTURNED:
        raise AppealConflict(f"The payer overturned the level-{previous.level} appeal: "
                             "nothing is left to appeal.")
    level = (previous.level if previous else 0) + 1
    denial = denial_facts(item)
    category = _category(item, denial)
    deadline = appeal_deadline(item, claim, denial, level)
    values = merge_values(item, claim, denial, level, deadline, category, today)
    template = template_for(item.client_id, category, claim.payer_id, level)
    subject = template.subject if template else defaults.SUBJECT
    body = template.body if template else defaults.default_body(category)
    with transaction.atomic():
        appeal = Appeal.objects.create(
            client_id=item.client_id, item=item, claim=claim, level=level,
            category=category.value, template=template, deadline=deadline, previous=previous,
            subject=merge.merge(subject, values), letter_text=merge.merge(body, values),
            merge_values=values, created_by=person(acting_user))
        work.act(item, item.version,
                 work.Step(ActionKind.NOTE,
                           note=f"Drafted a level-{level} appeal."), acting_user=acting_user)
        record("denials.appeal.draft", client_id=item.client_id, obj=appeal,
               acting_user=acting_user,
               detail={"item": item.pk, "level": level, "category": category.value,
                       "template": getattr(template, "pk", None)})
    fresh: Appeal = Appeal.objects.select_related("item", "claim").get(pk=appeal.pk)
    return fresh


def appeal_deadline(item: WorkItem, claim: Claim, denial: Denial, level: int) -> date | None:
    """Remit date + the payer's appeal days; a later level counts from the last answer."""
    days = DeadlineBook(item.client_id).for_payer(claim.payer).appeal_days
    start = denial.remit_date
    if level > 1:
        last = (Appeal.objects.filter(item=item, level=level - 1).values_list("decided_on",
                                                                              flat=True).first())
        start = last or start
    return start + timedelta(days=days) if start else None


def edit_letter(appeal: Appeal, version: int, *, acting_user: Any, subject: str,
                letter_text: str) -> Appeal:
    """The specialist's own edits to a draft (already merged: plain text, no fields)."""
    _require(acting_user, appeal.item)
    return _change(appeal, version, acting_user, "denials.appeal.edit",
                   allowed=(AppealStatus.DRAFT,),
                   subject=subject, letter_text=letter_text)


def needs_client_decision(appeal: Appeal) -> bool:
    return policy_for(appeal.client_id, appeal.claim.payer).needs_approval


def _item(appeal: Appeal) -> WorkItem:
    """The appeal's item as it is now (the appeal's own version guards the step)."""
    return WorkItem.objects.get(pk=appeal.item_id)


def mark_pending_decision(appeal: Appeal, version: int, note: str = "", *,
                          acting_user: Any) -> Appeal:
    """Hand the filing decision to the client: the item waits in pending_client_decision.

    Open to every draft, not only where the policy requires it: a specialist may want the
    client's word on an appeal the policy would let them file.
    """
    item = _item(appeal)
    _require(acting_user, item)
    with transaction.atomic():
        changed = _change(appeal, version, acting_user, "denials.appeal.pending_decision",
                          allowed=(AppealStatus.DRAFT,),
                          status=AppealStatus.PENDING_CLIENT_DECISION)
        work.act(item, item.version, work.Step(
            ActionKind.ESCALATED, status=ItemStatus.PENDING_CLIENT_DECISION,
            note=note or f"Filing the level-{appeal.level} appeal needs the client's decision."),
            acting_user=acting_user)
    return changed


def decide(appeal: Appeal, version: int, *, acting_user: Any, approve: bool,
           note: str = "") -> Appeal:
    """The client's answer (client managers: ``Action.DECIDE`` is client-only)."""
    require(acting_user, Action.DECIDE, appeal.client_id, Workflow.DENIALS)
    with transaction.atomic():
        changed = _change(appeal, version, acting_user, "denials.appeal.decide",
                          allowed=(AppealStatus.PENDING_CLIENT_DECISION,),
                          status=AppealStatus.APPROVED if approve else AppealStatus.DECLINED,
                          outcome_note=note, detail={"approve": approve, "note": note})
        _back_to_work(changed, acting_user, approve, note)
    return changed


def _back_to_work(appeal: Appeal, user: Any, approve: bool, note: str) -> None:
    """The decision hands the item back: to file the appeal, or to work the denial another
    way. Left pending, it would sit out of every queue until someone noticed."""
    item = _item(appeal)
    if item.status != ItemStatus.PENDING_CLIENT_DECISION:
        return
    said = "approved filing" if approve else "declined the appeal"
    work.record_event(item, ActionKind.STATUS_CHANGED, acting_user=user, status=ItemStatus.OPEN,
                      note=f"The client {said}" + (f": {note}" if note else "."))


def record_filed(appeal: Appeal, version: int, *, acting_user: Any, filed_on: date,
                 channel: str, reference: str = "", today: date | None = None) -> Appeal:
    """The appeal went to the payer (when, how, the payer's reference); the item then waits
    on the payer's answer. The partner files what the client approved, never before."""
    item = _item(appeal)
    _require(acting_user, item)
    allowed = ((AppealStatus.APPROVED,) if needs_client_decision(appeal)
               else (AppealStatus.DRAFT, AppealStatus.APPROVED))
    if appeal.status not in allowed:
        raise work.NotAllowed("This appeal needs the client's approval before it is filed."
                              if appeal.status in (AppealStatus.DRAFT,
                                                   AppealStatus.PENDING_CLIENT_DECISION)
                              else f"An appeal that is {appeal.state_label.lower()} cannot be "
                                   "filed.")
    if channel not in FilingChannel.values:
        raise AppealProblem("Say how the appeal was filed: payer portal, fax, mail or "
                            "electronic.")
    _not_after_today(filed_on, today or appeal.client.today(), "filing")
    reference = reference.strip()[:80]
    with transaction.atomic():
        changed = _change(appeal, version, acting_user, "denials.appeal.filed", allowed=allowed,
                          status=AppealStatus.FILED, filed_on=filed_on, filing_channel=channel,
                          filing_reference=reference,
                          detail={"filed_on": filed_on.isoformat(), "channel": channel,
                                  "reference": reference})
        if not item.is_leased_to(acting_user):
            item = work.claim(item, item.version, acting_user=acting_user)
        how = FilingChannel(channel).label.lower()
        work.act(item, item.version, work.Step(
            ActionKind.APPEALED,
            note=f"Filed the level-{appeal.level} appeal by {how} {reference}".strip(),
            status=ItemStatus.PENDING_PAYER, follow_up_on=filed_on + PAYER_ANSWER_WAIT),
            acting_user=acting_user)
    return changed


def record_outcome(appeal: Appeal, version: int, *, acting_user: Any, outcome: str,
                   decided_on: date, expected_amount: Decimal | None = None, note: str = "",
                   today: date | None = None) -> Appeal:
    """The payer's answer. An overturn (whole or partial) waits for the remit that pays it
    (``denials.paid`` closes it then, or at once if it was already posted); an upheld or
    partly upheld appeal hands the item back, for the next level or a write-off proposal."""
    item = _item(appeal)
    _require(acting_user, item)
    if appeal.status != AppealStatus.FILED:
        raise AppealConflict(f"Only a filed appeal gets the payer's answer; this one is "
                             f"{appeal.state_label.lower()}.")
    if outcome not in AppealOutcome.values:
        raise AppealProblem("Say what the payer answered: overturned, partially overturned or "
                            "upheld.")
    answer = AppealOutcome(outcome)
    _not_after_today(decided_on, today or appeal.client.today(), "answer")
    if appeal.filed_on and decided_on < appeal.filed_on:
        raise AppealProblem(f"The payer cannot have answered before the appeal was filed "
                            f"({appeal.filed_on:%Y-%m-%d}).")
    expected = _expected(answer, expected_amount, item.amount)
    fields: dict[str, Any] = {
        "status": AppealStatus.LOST if answer is AppealOutcome.UPHELD else AppealStatus.WON,
        "outcome": answer, "decided_on": decided_on, "expected_amount": expected,
        "outcome_note": note}
    with transaction.atomic():
        changed = _change(appeal, version, acting_user, "denials.appeal.outcome",
                          allowed=(AppealStatus.FILED,),
                          detail={"outcome": answer.value, "decided_on": decided_on.isoformat(),
                                  "expected_amount": str(expected) if expected else None},
                          **fields)
        _after_answer(changed, item, acting_user)
    from rcmdesk.denials.paid import close_if_paid  # paid imports this module

    return close_if_paid(changed) or changed


def _expected(answer: AppealOutcome, amount: Decimal | None,
              denied: Decimal | None) -> Decimal | None:
    """What the overturn should pay: the denied amount unless the payer said less."""
    if answer is AppealOutcome.UPHELD:
        if amount:
            raise AppealProblem("An upheld appeal brings no payment: leave the expected amount "
                                "empty.")
        return None
    if amount is None and answer is AppealOutcome.OVERTURNED:
        amount = denied
    if amount is None or amount <= 0:
        raise AppealProblem("Say how much the payer will pay after overturning it.")
    if answer is AppealOutcome.PARTIALLY_OVERTURNED and denied and amount >= denied:
        raise AppealProblem(f"A partial overturn pays less than the {money(denied)} denied; "
                            "for the whole amount record it as overturned.")
    return amount.quantize(CENT)


def _after_answer(appeal: Appeal, item: WorkItem, user: Any) -> None:
    """A full overturn leaves the item waiting for the payment; anything upheld puts it back
    in the queue, unassigned, for the next level or a write-off proposal."""
    if item.status == ItemStatus.DONE:
        return
    said = f"The payer answered the level-{appeal.level} appeal: {appeal.get_outcome_display()}"
    if appeal.outcome == AppealOutcome.OVERTURNED:
        work.record_event(item, ActionKind.STATUS_CHANGED, acting_user=person(user),
                          note=f"{said}; expecting {money(appeal.expected_amount)}.",
                          status=ItemStatus.PENDING_PAYER, assignee=None,
                          lease_expires_at=None, follow_up_on=(
                              (appeal.decided_on or date.min) + PAYMENT_WAIT))
        return
    work.record_event(item, ActionKind.STATUS_CHANGED, acting_user=person(user),
                      note=f"{said}. Next: appeal at level {appeal.level + 1} or propose a "
                           "write-off.",
                      status=ItemStatus.OPEN, assignee=None, lease_expires_at=None)


def _not_after_today(day: date, today: date, what: str) -> None:
    if day > today:
        raise AppealProblem(f"The {what} date {day:%Y-%m-%d} is after today "
                            f"({today:%Y-%m-%d}).")


def may_go_further(appeal: Appeal) -> bool:
    """Whether the payer kept some of the denial: the next level or a write-off is open."""
    return (appeal.status == AppealStatus.LOST
            or (appeal.status in OVERTURNED_STATUSES
                and appeal.outcome == AppealOutcome.PARTIALLY_OVERTURNED))


def draft_next_level(appeal: Appeal, *, acting_user: Any, today: date | None = None) -> Appeal:
    """Take an upheld (or partly upheld) appeal to the next level: a new appeal on the same
    item, linked to this one, with its own deadline counted from the payer's answer."""
    item = _item(appeal)
    _require(acting_user, item)
    if not may_go_further(appeal):
        raise AppealConflict(f"Only an upheld or partially overturned appeal goes to the next "
                             f"level; this one is {appeal.state_label.lower()}.")
    if Appeal.objects.filter(previous=appeal).exists():
        raise AppealConflict(f"The level-{appeal.level + 1} appeal is already drafted.")
    with transaction.atomic():
        if not item.is_leased_to(acting_user):
            item = work.claim(item, item.version, acting_user=acting_user)
        return draft_appeal(item, acting_user=acting_user, today=today)


# The default write-off reason after an upheld appeal (one of ``decisions.reasons``' seeds).
APPEALS_EXHAUSTED = "APPEAL"


def propose_write_off(appeal: Appeal, *, acting_user: Any, amount: Decimal | None = None,
                      reasons: str = "", adjustment_reason: str = "") -> Any:
    """Ask the client to write off what the payer kept (the existing client-decision flow):
    the denied amount, less what a partial overturn pays, unless the specialist says less.
    The adjustment reason is the client's "appeals exhausted" code unless one is named."""
    from rcmdesk.decisions import services as decisions  # decisions reads appeals lazily too

    item = _item(appeal)
    _require(acting_user, item)
    if not may_go_further(appeal):
        raise AppealConflict("A write-off is proposed once the payer has upheld the appeal "
                             f"(in whole or in part); this one is "
                             f"{appeal.state_label.lower()}.")
    left = (item.amount or Decimal("0.00")) - (appeal.expected_amount or Decimal("0.00"))
    answered = f"{appeal.decided_on:%Y-%m-%d}" if appeal.decided_on else "on an unknown date"
    return decisions.propose(
        item.client, "write_off", acting_user=acting_user, item=item,
        amount=amount if amount is not None else left,
        reasons=reasons.strip() or (f"The payer {appeal.get_outcome_display().lower()} the "
                                    f"level-{appeal.level} appeal (answered {answered})."),
        evidence=f"Appeal #{appeal.pk}, reference {appeal.filing_reference or 'none'}",
        adjustment_reason=adjustment_reason or APPEALS_EXHAUSTED)


def _change(appeal: Appeal, version: int, user: Any, action: str, *,
            allowed: tuple[AppealStatus, ...], detail: dict[str, Any] | None = None,
            **fields: Any) -> Appeal:
    """The one write path: conditional on the version and status the caller saw."""
    with transaction.atomic():
        updated = Appeal.objects.filter(pk=appeal.pk, version=version,
                                        status__in=allowed).update(
            version=F("version") + 1, updated_at=timezone.now(), **fields)
        if not updated:
            current = Appeal.objects.get(pk=appeal.pk)
            if current.version != version:
                raise AppealConflict(f"Appeal {appeal.pk} was changed by someone else (you had "
                                     f"version {version}); reload it and try again.")
            raise AppealConflict(f"A {current.get_status_display()} appeal cannot do that.")
        record(action, client_id=appeal.client_id, obj=appeal, acting_user=user,
               detail={"status": fields.get("status", appeal.status), **(detail or {})})
    fresh: Appeal = Appeal.objects.select_related("item", "claim").get(pk=appeal.pk)
    return fresh
