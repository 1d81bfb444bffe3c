"""Moving work items: claim-next, leases, actions, assignment and bulk changes.

Every change is a conditional UPDATE on the item's ``version`` (its ETag): a writer holding a
stale version gets ``Conflict`` instead of silently overwriting someone else's work. Claiming
uses ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent "Get next" calls
never wait on each other and never hand one item to two people; on SQLite every write
transaction takes the database lock up front (``transaction_mode=IMMEDIATE`` in settings),
which serialises the same code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.calendar import local_date
from rcmdesk.claims.models import Claim
from rcmdesk.playbooks.services import call_reference_required
from rcmdesk.playbooks.sops import sop_for_item
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue.actionsets import CALL_LOG_ACTIONS, refusal
from rcmdesk.workqueue.models import (
    CLAIMABLE_STATUSES,
    TOUCH_ACTIONS,
    ActionKind,
    CallChannel,
    CallLog,
    ItemStatus,
    WorkAction,
    WorkItem,
)

LEASE = timedelta(minutes=30)
# A person may set these by hand; DONE by hand needs an outcome, and items also close by events.
MANUAL_STATUSES = frozenset({ItemStatus.OPEN, ItemStatus.PENDING_PAYER,
                             ItemStatus.PENDING_CLIENT_DECISION, ItemStatus.DONE})
# Decisions that belong to the client: recorded only by the decision services, never here.
CLIENT_DECISION_ACTIONS = frozenset({ActionKind.WRITTEN_OFF})


class Conflict(errors.PreconditionFailed):
    """The item changed since the caller read it (stale version / ETag)."""

    def __init__(self, item_id: int, expected: int) -> None:
        super().__init__(f"Work item {item_id} was changed by someone else "
                         f"(you had version {expected}); reload it and try again.")
        self.item_id = item_id


class NotAllowed(errors.Forbidden, PermissionDenied):
    """The action is not this person's to take (not leased to them, client-only, ...)."""


class CallLogProblem(errors.Invalid, ValueError):
    """A payer call or portal check recorded without what the client's playbook asks for."""


def _now() -> datetime:
    return timezone.now()


@dataclass(frozen=True)
class Lane:
    """One client's queue in one workflow: what "Get next" walks, in priority order, on the
    claim-next index (``workitem_client_next``), with that client's day for follow-ups."""

    client_id: int
    workflow: Workflow
    day: date


def lanes(user: Any, workflow: Workflow | None = None,
          now: datetime | None = None) -> list[Lane]:
    """The queues ``user`` may take work from: visible and writable (client, workflow)
    pairs. Each carries its client's day, so no claim query joins the organizations."""
    visibility = visibility_for(user)
    workflows = [workflow] if workflow is not None else list(Workflow)
    pairs = [(client, wf) for wf in workflows
             for client in sorted(visibility.clients_for(wf) - visibility.read_only_clients)]
    if not pairs:
        return []
    zones = dict(Organization.objects.filter(pk__in={c for c, _ in pairs})
                 .values_list("pk", "time_zone"))
    now = now or _now()
    return [Lane(client, wf, local_date(now, zones[client]))
            for client, wf in pairs if client in zones]


def _eligible(user: Any, now: datetime, due: Q) -> Q:
    """Free or lapsed, and not waiting: ``due`` says a row's follow-up day has come."""
    free = Q(assignee__isnull=True) | Q(assignee=user)
    not_snoozed = Q(follow_up_on__isnull=True) | due
    return ((Q(status=ItemStatus.OPEN) & not_snoozed & free)
            | (Q(status=ItemStatus.PENDING_PAYER) & due & free)
            | Q(status=ItemStatus.IN_PROGRESS, lease_expires_at__lt=now))


def _due_in(found: list[Lane]) -> Q:
    """Follow-ups due on each row's client's day, for a query over several lanes."""
    clients_by_day: dict[date, set[int]] = {}
    for lane in found:
        clients_by_day.setdefault(lane.day, set()).add(lane.client_id)
    due = Q(pk__in=[])
    for day, clients in clients_by_day.items():
        due |= Q(client_id__in=sorted(clients), follow_up_on__lte=day)
    return due


def lane_items(user: Any, lane: Lane, now: datetime, kind: str | None = None) -> Any:
    """One lane's claimable items in the queue's order. Equality on client and workflow and
    the index's own status condition make this a walk of ``workitem_client_next`` that stops
    at the first row the filters keep: other clients' rows are never read."""
    items = WorkItem.objects.filter(client_id=lane.client_id, workflow=lane.workflow,
                                    status__in=CLAIMABLE_STATUSES)
    if kind:
        items = items.filter(kind=kind)
    return items.filter(_eligible(user, now, Q(follow_up_on__lte=lane.day))).order_by(
        "-priority", "id")


def claimable(user: Any, *, workflow: Workflow | None = None, kind: str | None = None,
              now: datetime | None = None) -> Any:
    """Items ``user`` may be handed by "Get next", across all their lanes (for questions
    about the pool; ``claim_next`` itself walks one lane at a time)."""
    now = now or _now()
    found = lanes(user, workflow, now)
    in_lanes = Q(pk__in=[])
    for lane in found:
        in_lanes |= Q(client_id=lane.client_id, workflow=lane.workflow)
    items = WorkItem.objects.filter(in_lanes, status__in=CLAIMABLE_STATUSES)
    if kind:
        items = items.filter(kind=kind)
    return items.filter(_eligible(user, now, _due_in(found)))


def claim_next(*, acting_user: Any, workflow: Workflow | None = None, kind: str | None = None,
               now: datetime | None = None) -> WorkItem | None:
    """Hand ``acting_user`` the highest-priority item they may work, leased to them."""
    require(acting_user, Action.WORK_ITEMS, None)
    now = now or _now()
    found = lanes(acting_user, workflow, now)
    for _ in range(5):  # a lost race on SQLite's snapshot: try the next one
        with transaction.atomic():
            item = _lock_next(acting_user, found, now, kind)
            if item is None:
                return None
            try:
                return _take(acting_user, item, now, ActionKind.CLAIMED)
            except Conflict:
                continue
    return None


def next_query(user: Any, found: list[Lane], now: datetime, kind: str | None = None) -> Any:
    """The statement that picks and locks the next item among ``found``'s lanes.

    One lane: that lane's walk. Several: the best of each lane's first ``LANE_TOP``
    candidates (a short walk per lane; on PostgreSQL a UNION ALL inside the one statement,
    elsewhere read first), locked by id and re-checked. That is the exact queue order unless
    a lane's first candidates are all being claimed at that moment (then ``_lock_next``
    walks the lanes one by one)."""
    if len(found) == 1:
        return _locking(lane_items(user, found[0], now, kind))
    tops = [lane_items(user, lane, now, kind).values("pk")[:LANE_TOP] for lane in found]
    ids: Any = (tops[0].union(*tops[1:], all=True)
                if connection.features.supports_slicing_ordering_in_compound
                else [row["pk"] for top in tops for row in top])
    return _locking(WorkItem.objects.filter(pk__in=ids, status__in=CLAIMABLE_STATUSES)
                    .filter(_eligible(user, now, _due_in(found))).order_by("-priority", "id"))


# How many candidates per lane the several-lane pick considers: more than the people who
# could be claiming in one lane at the same instant, so the pick rarely falls back.
LANE_TOP = 16


def _lock_next(user: Any, found: list[Lane], now: datetime, kind: str | None) -> WorkItem | None:
    """Lock the next item (SKIP LOCKED: rows another "Get next" is taking are passed over,
    never waited on). A row changed since the statement's snapshot is re-checked against
    the WHERE clause after its lock, and ``_change``'s version check backs that up."""
    if not found:
        return None
    item: WorkItem | None = next_query(user, found, now, kind).first()
    if item is not None or len(found) == 1:
        return item
    for lane in found:  # every lane's first candidates were taken meanwhile: walk them all
        item = _locking(lane_items(user, lane, now, kind)).first()
        if item is not None:
            return item
    return None


def _locking(items: Any) -> Any:
    if connection.features.has_select_for_update_skip_locked:
        return items.select_for_update(skip_locked=True, of=("self",))
    return items


def claim(item: WorkItem, version: int, *, acting_user: Any,
          now: datetime | None = None) -> WorkItem:
    """Take one particular item from a list (it must be free, or already yours)."""
    _require_work(acting_user, item)
    now = now or _now()
    if item.status == ItemStatus.DONE:
        raise NotAllowed("This item is done.")
    held = (item.status == ItemStatus.IN_PROGRESS and item.lease_expires_at is not None
            and item.lease_expires_at > now and item.assignee_id != acting_user.pk)
    if held:
        raise NotAllowed("Someone else is working this item.")
    with transaction.atomic():
        item.version = version
        return _take(acting_user, item, now, ActionKind.CLAIMED)


def _take(user: Any, item: WorkItem, now: datetime, kind: ActionKind) -> WorkItem:
    changed = _change(item, item.version, assignee=user, status=ItemStatus.IN_PROGRESS,
                      lease_expires_at=now + LEASE, first_touched_at=item.first_touched_at or now)
    _history(changed, user, kind, from_status=item.status, to_status=changed.status)
    record("workitem.claim", client_id=item.client_id, obj=item,
           detail={"version": changed.version}, acting_user=user)
    return changed


def release(item: WorkItem, version: int, *, acting_user: Any) -> WorkItem:
    """Give an item back to the pool before the lease runs out."""
    _require_work(acting_user, item)
    _require_holder(acting_user, item)
    with transaction.atomic():
        changed = _change(item, version, assignee=None, status=ItemStatus.OPEN,
                          lease_expires_at=None)
        _history(changed, acting_user, ActionKind.RELEASED, from_status=item.status,
                 to_status=changed.status)
        record("workitem.release", client_id=item.client_id, obj=item, acting_user=acting_user)
    return changed


@dataclass(frozen=True)
class Call:
    """The structured part of a payer call or portal check (stored as a ``CallLog``)."""

    channel: str = ""  # a CallChannel value; blank: phone for a call, portal for a portal
    contact: str = ""  # the representative's name, or the portal's
    reference: str = ""  # the payer's call reference number
    said: str = ""  # what they said

    def is_empty(self) -> bool:
        return not any(v.strip() for v in (self.channel, self.contact, self.reference,
                                           self.said))


@dataclass(frozen=True)
class Step:
    """What a specialist did to an item, and where it goes next."""

    kind: ActionKind
    note: str = ""
    outcome: str = ""
    status: ItemStatus | None = None  # None: stays in progress
    follow_up_on: date | None = None
    call: Call | None = None  # a payer call / portal check's log


def act(item: WorkItem, version: int, step: Step,
        now: datetime | None = None, *, acting_user: Any) -> WorkItem:
    """Record one action on an item the user holds, and move its status."""
    _require_work(acting_user, item)
    _require_holder(acting_user, item, now)
    if step.kind in CLIENT_DECISION_ACTIONS:
        raise NotAllowed("A write-off is the client's decision: propose it instead.")
    refused = refusal(item.kind, step.kind)
    if refused:
        raise NotAllowed(refused)
    call = checked_call(item, step)
    if step.status is not None and step.status not in MANUAL_STATUSES:
        raise NotAllowed(f"An item cannot be set to {step.status} by hand.")
    if step.status is ItemStatus.DONE and not step.outcome:
        raise NotAllowed("Say what the outcome was before closing the item.")
    if step.status is ItemStatus.PENDING_PAYER and step.follow_up_on is None:
        raise NotAllowed("Pending payer needs a follow-up date.")
    now = now or _now()
    fields = _step_fields(acting_user, item, step, now)
    with transaction.atomic():
        changed = _change(item, version, **fields)
        action = _history(changed, acting_user, step.kind, note=step.note,
                          outcome=step.outcome, from_status=item.status,
                          to_status=changed.status, at=now,
                          sop_version=sop_for_item(item, now))
        detail: dict[str, Any] = {"status": changed.status, "outcome": step.outcome}
        if call is not None:
            log = _log_call(action, call)
            detail["call"] = {"id": log.pk, "channel": log.channel, "reference": log.reference}
        record(f"workitem.{step.kind}", client_id=item.client_id, obj=item, acting_user=acting_user,
               detail=detail)
    return changed


def checked_call(item: WorkItem, step: Step) -> Call | None:
    """The step's call log, complete, or why not: a log goes only with a payer call or portal
    check, and where the client's playbook asks for the payer's reference number, such a
    contact is not recorded without it."""
    call = step.call if step.call is not None and not step.call.is_empty() else None
    if step.kind not in CALL_LOG_ACTIONS:
        if call is not None:
            raise CallLogProblem("A call log goes with “called payer” or “checked portal”; "
                                 "choose one of those, or leave the call fields empty.")
        return None
    channel = (call.channel if call is not None and call.channel else
               CallChannel.PHONE if step.kind == ActionKind.CALLED_PAYER else CallChannel.PORTAL)
    if channel not in CallChannel.values:
        raise CallLogProblem(f"Say how the payer was reached: one of "
                             f"{', '.join(CallChannel.values)}.")
    reference = call.reference.strip() if call is not None else ""
    if not reference and call_reference_required(item.client_id, _payer_id(item)):
        raise CallLogProblem("This client's playbook asks for the payer's call reference "
                             "number on every payer call and portal check: ask for it and "
                             "enter it.")
    if call is None:
        return None
    return Call(channel, call.contact.strip()[:120], reference[:60], call.said.strip())


def _payer_id(item: WorkItem) -> int | None:
    if item.claim_id is None:
        return None
    payer_id: int | None = Claim.objects.filter(pk=item.claim_id).values_list(
        "payer_id", flat=True).first()
    return payer_id


def _log_call(action: WorkAction, call: Call) -> CallLog:
    item = action.item
    return CallLog.objects.create(action=action, item=item, claim_id=item.claim_id,
                                  channel=call.channel, contact=call.contact,
                                  reference=call.reference, said=call.said, at=action.at)


def _step_fields(user: Any, item: WorkItem, step: Step, now: datetime) -> dict[str, Any]:
    fields: dict[str, Any] = {"lease_expires_at": now + LEASE}
    if step.kind in TOUCH_ACTIONS:
        fields["touches"] = F("touches") + 1
    if step.follow_up_on is not None:
        fields["follow_up_on"] = step.follow_up_on
    if step.status is not None and step.status != ItemStatus.IN_PROGRESS:
        fields.update(status=step.status, lease_expires_at=None)
        if step.status == ItemStatus.DONE:
            fields.update(closed_at=now, close_reason=step.outcome[:80])
        elif step.status == ItemStatus.OPEN:
            fields["assignee"] = None
    return fields


def assign(items: Iterable[WorkItem], assignee: Any | None, *, acting_user: Any) -> BulkResult:
    """Assign (or with None, unassign) items; the assignee must be able to work each one."""
    result = BulkResult()
    for item in items:
        try:
            require(acting_user, Action.ASSIGN_WORK, item.client_id, _wf(item))
            if assignee is not None:
                _require_can_work(assignee, item)
            with transaction.atomic():
                changed = _change(item, item.version, assignee=assignee,
                                  status=_status_after_assign(item), lease_expires_at=None)
                _history(changed, acting_user, ActionKind.ASSIGNED,
                         note=getattr(assignee, "username", "") or "unassigned",
                         from_status=item.status, to_status=changed.status)
                record("workitem.assign", client_id=item.client_id, obj=item,
                       acting_user=acting_user,
                       detail={"assignee": getattr(assignee, "pk", None)})
            result.done.append(item.pk)
        except (Conflict, PermissionDenied, Http404) as exc:
            result.skipped[item.pk] = str(exc) or "not allowed"
    return result


def _status_after_assign(item: WorkItem) -> str:
    return ItemStatus.OPEN if item.status == ItemStatus.IN_PROGRESS else item.status


def snooze(items: Iterable[WorkItem], until: date, note: str = "", *,
           acting_user: Any) -> BulkResult:
    return _bulk(acting_user, items, lambda item: Step(ActionKind.SNOOZED, note=note,
                                                status=_snoozed_status(item),
                                                follow_up_on=until))


def _snoozed_status(item: WorkItem) -> ItemStatus:
    return ItemStatus(item.status) if item.status == ItemStatus.PENDING_PAYER else ItemStatus.OPEN


def close(items: Iterable[WorkItem], outcome: str, note: str = "", *,
          acting_user: Any) -> BulkResult:
    return _bulk(acting_user, items, lambda item: Step(ActionKind.CLOSED, note=note,
                                                       outcome=outcome,
                                                status=ItemStatus.DONE))


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def _bulk(user: Any, items: Iterable[WorkItem], make_step: Any) -> BulkResult:
    """Apply one step to many items; each item on its own, so one conflict skips only it."""
    result = BulkResult()
    now = _now()
    for item in items:
        try:
            _require_work(user, item)
            if not (item.assignee_id in (None, user.pk) or _supervises(user, item)):
                raise NotAllowed("Assigned to someone else.")
            with transaction.atomic():
                held = _take(user, item, now, ActionKind.CLAIMED) if not item.is_leased_to(
                    user, now) else item
                act(held, held.version, make_step(item), now, acting_user=user)
            result.done.append(item.pk)
        except (Conflict, PermissionDenied, Http404) as exc:
            result.skipped[item.pk] = str(exc) or "not allowed"
    return result


def mark_next_step(items: Iterable[WorkItem], step: str,
                   note: str = "", *, acting_user: Any) -> BulkResult:
    """Note the next step on items (``detail["next_step"]``) without taking them.

    Open to whoever may work an item that is free or theirs, and to supervisors.
    """
    result = BulkResult()
    for item in items:
        try:
            _require_work(acting_user, item)
            if item.assignee_id not in (None, acting_user.pk) and not _supervises(acting_user,
                                                                                  item):
                raise NotAllowed("Assigned to someone else.")
            with transaction.atomic():
                changed = _change(item, item.version, detail={**item.detail, "next_step": step})
                _history(changed, acting_user, ActionKind.NOTE,
                         note=(f"Next step: {step} (marked in bulk). " + note).strip(),
                         from_status=item.status, to_status=changed.status)
                record(f"workitem.mark_{step}", client_id=item.client_id, obj=item,
                       acting_user=acting_user)
            result.done.append(item.pk)
        except (Conflict, PermissionDenied, Http404) as exc:
            result.skipped[item.pk] = str(exc) or "not allowed"
    return result


def record_event(item: WorkItem, kind: ActionKind, *, acting_user: Any, note: str = "",
                 at: datetime | None = None, touch: bool = False,
                 **fields: Any) -> WorkItem:
    """History for a change nobody holds the item for (an event, or a 276 asked from a list).

    ``act`` needs the lease; this writes the same two things it does — the history row and
    a version bump, so a holder's stale copy gets a conflict — without it.
    """
    at = at or _now()
    changes: dict[str, Any] = {"version": F("version") + 1, "updated_at": at, **fields}
    if touch:
        changes["touches"] = F("touches") + 1
    WorkItem.objects.filter(pk=item.pk).update(**changes)
    changed = WorkItem.objects.get(pk=item.pk)
    _history(changed, acting_user, kind, note=note, from_status=item.status,
             to_status=changed.status, at=at, sop_version=sop_for_item(item, at))
    return changed


def touch_for_request(item: WorkItem, kind: ActionKind, note: str,
                      now: datetime | None = None, *, acting_user: Any) -> WorkItem:
    """A request sent to a payer about the item (a 270, 276 or 278) is work on it.

    Whoever holds the item acts on it (their lease renews, the status moves as ``act``
    moves it); a request sent from a list, with nobody holding the item, is recorded as an
    event on its history. Either way it counts as a touch.
    """
    now = now or _now()
    if item.is_leased_to(acting_user, now):
        return act(item, item.version, Step(kind, note=note), now, acting_user=acting_user)
    return record_event(item, kind, acting_user=person(acting_user), note=note, at=now, touch=True)


def _supervises(user: Any, item: WorkItem) -> bool:
    try:
        require(user, Action.ASSIGN_WORK, item.client_id, _wf(item))
    except (PermissionDenied, Http404):
        return False
    return True


def _wf(item: WorkItem) -> Workflow:
    return Workflow(item.workflow)


def _require_work(user: Any, item: WorkItem) -> None:
    require(user, Action.WORK_ITEMS, item.client_id, _wf(item))


def _require_can_work(user: Any, item: WorkItem) -> None:
    try:
        _require_work(user, item)
    except (PermissionDenied, Http404) as exc:
        raise NotAllowed(f"{user} cannot work {item.get_kind_display()} items for "
                         "this client.") from exc


def _require_holder(user: Any, item: WorkItem, now: datetime | None = None) -> None:
    if not item.is_leased_to(user, now):
        raise NotAllowed("Take the item first (Get next, or Work this item).")


def _change(item: WorkItem, expected_version: int, **fields: Any) -> WorkItem:
    """The one write path: conditional on the version the caller saw."""
    fields.update(version=F("version") + 1, updated_at=_now())
    if not WorkItem.objects.filter(pk=item.pk, version=expected_version).update(**fields):
        raise Conflict(item.pk, expected_version)
    return WorkItem.objects.get(pk=item.pk)


def _history(item: WorkItem, actor: Any, kind: ActionKind, *, note: str = "",
             outcome: str = "", from_status: str = "", to_status: str = "",
             at: datetime | None = None, sop_version: Any = None) -> WorkAction:
    return WorkAction.objects.create(item=item, actor=actor, kind=kind, note=note,
                                     outcome=outcome[:120], from_status=from_status,
                                     to_status=to_status, at=at or _now(),
                                     sop_version=sop_version)
