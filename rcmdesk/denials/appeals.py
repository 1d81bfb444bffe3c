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
from django.db.models import F, Max
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim
from rcmdesk.denials import defaults, merge
from rcmdesk.denials.models import (
    OPEN_APPEAL_STATUSES,
    Appeal,
    AppealStatus,
    AppealTemplate,
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


class AppealConflict(errors.Conflict):
    """The appeal changed since the caller read it, or is not in the state the step needs."""


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


def _day(value: date | None) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


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
        "total_charge": f"${claim.total_charge:,.2f}",
        "denied_amount": f"${denial.amount:,.2f}",
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
    level = (earlier.aggregate(m=Max("level"))["m"] or 0) + 1
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
            category=category.value, template=template, deadline=deadline,
            subject=merge.merge(subject, values), letter_text=merge.merge(body, values),
            merge_values=values, created_by=acting_user)
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
                 reference: str = "") -> Appeal:
    """The appeal went to the payer; the item then waits on the payer's answer."""
    item = _item(appeal)
    _require(acting_user, item)
    allowed = ((AppealStatus.APPROVED,) if needs_client_decision(appeal)
               else (AppealStatus.DRAFT, AppealStatus.APPROVED))
    if appeal.status not in allowed:
        raise work.NotAllowed("This appeal needs the client's approval before it is filed."
                              if appeal.status in (AppealStatus.DRAFT,
                                                   AppealStatus.PENDING_CLIENT_DECISION)
                              else f"A {appeal.get_status_display()} appeal cannot be filed.")
    with transaction.atomic():
        changed = _change(appeal, version, acting_user, "denials.appeal.filed", allowed=allowed,
                          status=AppealStatus.FILED, filed_on=filed_on,
                          filing_reference=reference,
                          detail={"filed_on": filed_on.isoformat(), "reference": reference})
        if not item.is_leased_to(acting_user):
            item = work.claim(item, item.version, acting_user=acting_user)
        work.act(item, item.version, work.Step(
            ActionKind.APPEALED, note=f"Filed the level-{appeal.level} appeal {reference}".strip(),
            status=ItemStatus.PENDING_PAYER, follow_up_on=filed_on + PAYER_ANSWER_WAIT),
            acting_user=acting_user)
    return changed


def record_outcome(appeal: Appeal, version: int, *, acting_user: Any, won: bool, decided_on: date,
                   note: str = "") -> Appeal:
    """The payer's answer. A win is paid (and the item closed) by the next remit; a loss
    opens the way to the next level's draft."""
    _require(acting_user, appeal.item)
    return _change(appeal, version, acting_user, "denials.appeal.outcome",
                   allowed=(AppealStatus.FILED,),
                   status=AppealStatus.WON if won else AppealStatus.LOST,
                   decided_on=decided_on, outcome_note=note,
                   detail={"won": won, "decided_on": decided_on.isoformat()})


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
