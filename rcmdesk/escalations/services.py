"""Raising, answering and closing escalations, each change audited with its history row.

Who may do what:
- anyone on either side who sees the client and may write there raises and posts to the
  thread (VIEW_TENANT_DATA is enough: a QA reviewer who finds an SOP gap escalates it too);
- the owner, and any client manager or partner lead who sees the client (OWN_ESCALATIONS),
  acknowledge, respond, reassign and resolve; whoever raised it may also close it.

The response clock runs in business hours of the owner's time zone (``clock.py``); the first
acknowledgement or response stops it. Reassigning re-reads the new owner's zone and counts
the same promise from the moment the escalation was raised, so handing it on never buys time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.models import User
from rcmdesk.accounts.services import NoSuchUser, user_named
from rcmdesk.audit.services import record
from rcmdesk.escalations.clock import BusinessHours
from rcmdesk.escalations.models import (
    Escalation,
    EscalationEvent,
    EscalationKind,
    EscalationMessage,
    EscalationStatus,
    ResponseSla,
)
from rcmdesk.tenancy.authz import allows, require
from rcmdesk.tenancy.models import Assignment, Engagement, Organization
from rcmdesk.tenancy.roles import Action, OrgKind, Role, Workflow
from rcmdesk.tenancy.visibility import visibility_for

S = EscalationStatus

# Business hours to a first response when the client has set none. System access blocks a
# specialist outright (half a day); a payer stuck on an issue or anything else gets a
# working day; an SOP gap needs the client to decide and write, so two working days.
DEFAULT_SLA_HOURS: dict[str, Decimal] = {
    EscalationKind.PAYER_STUCK: Decimal(8),
    EscalationKind.SYSTEM_ACCESS: Decimal(4),
    EscalationKind.SOP_GAP: Decimal(16),
    EscalationKind.OTHER: Decimal(8),
}
FALLBACK_TIME_ZONE = "America/New_York"
SUBJECT_MAX = 200
BODY_MAX = 10_000

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "acknowledge": (frozenset({S.OPEN}), S.ACKNOWLEDGED),
    "respond": (frozenset({S.OPEN, S.ACKNOWLEDGED, S.RESPONDED}), S.RESPONDED),
    "reassign": (frozenset({S.OPEN, S.ACKNOWLEDGED, S.RESPONDED}), None),
    "resolve": (frozenset({S.OPEN, S.ACKNOWLEDGED, S.RESPONDED}), S.RESOLVED),
    "reopen": (frozenset({S.RESOLVED}), S.RESPONDED),
    "close": (frozenset({S.OPEN, S.ACKNOWLEDGED, S.RESPONDED, S.RESOLVED}), S.CLOSED),
}
ACTIVE_STATUSES = (S.OPEN, S.ACKNOWLEDGED, S.RESPONDED)
PAST = {"acknowledge": "acknowledged", "respond": "answered", "reassign": "reassigned",
        "resolve": "resolved", "reopen": "reopened", "close": "closed"}


class EscalationProblem(errors.Invalid, ValueError):
    """The request cannot be carried out as given (bad kind, empty subject, wrong owner)."""


class Conflict(errors.Conflict):
    """The escalation changed since the caller read it (stale version)."""


class NotAllowed(errors.Forbidden, PermissionDenied):
    """This person may not take this action on this escalation."""


# --- time zones and clocks -------------------------------------------------------------------


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def owner_time_zone(user: Any) -> str:
    """The user's own zone; else their organization's; else the house default."""
    for name in (getattr(user, "time_zone", ""),
                 getattr(getattr(user, "organization", None), "time_zone", "")):
        if name and valid_zone(name):
            return str(name)
    return FALLBACK_TIME_ZONE


def business_hours(time_zone: str) -> BusinessHours:
    return BusinessHours(time_zone)


def sla_hours(client: Organization, kind: str) -> Decimal:
    row = ResponseSla.objects.filter(client=client, kind=kind).first()
    return row.hours if row is not None else DEFAULT_SLA_HOURS[kind]


def due_at(created_at: datetime, time_zone: str, hours: Decimal) -> datetime:
    return business_hours(time_zone).add(created_at, hours)


def local(instant: datetime | None, time_zone: str) -> datetime | None:
    """An instant on someone's wall clock (for pages that show both sides' times)."""
    if instant is None:
        return None
    return instant.astimezone(ZoneInfo(time_zone if valid_zone(time_zone)
                                       else FALLBACK_TIME_ZONE))


def local_text(instant: datetime | None, time_zone: str) -> str:
    """"Thu 2026-06-11 17:00 Asia/Kolkata": preformatted, because templates would convert
    an aware datetime back to the server's zone."""
    moment = local(instant, time_zone)
    return "—" if moment is None else f"{moment:%a %Y-%m-%d %H:%M} {moment.tzinfo}"


# --- who ----------------------------------------------------------------------------------


def may_raise(user: Any, client_id: int) -> bool:
    if not allows(user, Action.VIEW_TENANT_DATA):
        return False
    return visibility_for(user).can_write(client_id)


def may_manage(user: Any, esc: Escalation) -> bool:
    if not visibility_for(user).can_write(esc.client_id):
        return False
    return user.pk == esc.owner_id or allows(user, Action.OWN_ESCALATIONS)


def may_take(user: Any, esc: Escalation, action: str) -> bool:
    if action == "close" and user.pk == esc.raised_by_id:
        return visibility_for(user).can_write(esc.client_id)
    return may_manage(user, esc)


def can_own(user: Any, client_id: int, workflow: Workflow | None = None) -> bool:
    """A partner lead or any client user who sees (and may write for) the client, and the
    work item's workflow when the escalation is about one."""
    if user is None or not user.is_active:
        return False
    role = Role(user.role)
    if role is not Role.PARTNER_LEAD and role.org_kind is not OrgKind.CLIENT:
        return False
    return visibility_for(user).can_write(client_id, workflow)


def cannot_own(owner: Any) -> EscalationProblem:
    """One answer for a user who may not own and a name nobody has (see ``find_user``)."""
    return EscalationProblem(f"{owner.username} cannot own escalations for this client.")


def item_workflow(item: Any) -> Workflow | None:
    return Workflow(item.workflow) if item is not None else None


def owner_candidates(client: Organization, workflow: Workflow | None = None) -> list[User]:
    """Everyone who could own an escalation for this client: its partner leads first."""
    partner_ids = Assignment.objects.filter(
        engagement__client=client, user__role=Role.PARTNER_LEAD).values("user_id")
    rows = User.objects.filter(is_active=True).filter(
        Q(pk__in=partner_ids) | Q(organization=client)).select_related("organization")
    ordered = sorted(rows, key=lambda u: (u.role != Role.PARTNER_LEAD,
                                          u.role != Role.CLIENT_MANAGER, u.username))
    return [u for u in ordered if can_own(u, client.pk, workflow)]


def default_owner(client: Organization, engagement: Engagement | None,
                  workflow: Workflow | None = None) -> User | None:
    """The engagement's partner lead (first assigned); without one, a client manager."""
    leads = Assignment.objects.filter(user__role=Role.PARTNER_LEAD, user__is_active=True,
                                      engagement__client=client)
    if engagement is not None:
        leads = leads.filter(engagement=engagement)
    for assignment in leads.select_related("user").order_by("pk"):
        lead: User = assignment.user
        if can_own(lead, client.pk, workflow):
            return lead
    manager: User | None = User.objects.filter(organization=client, role=Role.CLIENT_MANAGER,
                                               is_active=True).order_by("pk").first()
    return manager


def engagement_for(client: Organization, item: Any = None) -> Engagement | None:
    """The active engagement the escalation is about: the one covering the item's workflow."""
    rows = Engagement.objects.filter(client=client).order_by("pk")
    engagements: list[Engagement] = [e for e in rows if e.is_active()]
    if item is not None:
        for e in engagements:
            if item.workflow in e.workflows():
                return e
    return engagements[0] if engagements else None


# --- changes --------------------------------------------------------------------------------


def create_escalation(client: Organization, kind: str, subject: str, body: str, *,
                      acting_user: Any, item: Any = None, claim: Any = None, payer: Any = None,
                      owner: Any = None) -> Escalation:
    """Raise an escalation (other apps call this too: e.g. an approved payer escalation)."""
    require(acting_user, Action.VIEW_TENANT_DATA, client.pk)
    if not may_raise(acting_user, client.pk):
        raise NotAllowed("You may not raise escalations for this client.")
    subject, body = subject.strip(), body.strip()
    if kind not in EscalationKind.values:
        raise EscalationProblem(f"Unknown kind {kind!r}.")
    if not subject or len(subject) > SUBJECT_MAX:
        raise EscalationProblem(f"A subject of 1 to {SUBJECT_MAX} characters is needed.")
    if not body or len(body) > BODY_MAX:
        raise EscalationProblem(f"Say what is wrong (up to {BODY_MAX} characters).")
    for linked in (item, claim, payer):
        if linked is not None and linked.client_id != client.pk:
            raise EscalationProblem("Linked records must belong to the same client.")
    if claim is None and item is not None:
        claim = item.claim
    if payer is None and claim is not None:
        payer = claim.payer
    engagement = engagement_for(client, item)
    workflow = item_workflow(item)
    owner = owner if owner is not None else default_owner(client, engagement, workflow)
    if owner is None:
        raise EscalationProblem("Nobody can own this escalation: the client has no partner "
                                "lead or client manager.")
    if not can_own(owner, client.pk, workflow):
        raise cannot_own(owner)
    now = timezone.now()
    zone = owner_time_zone(owner)
    hours = sla_hours(client, kind)
    with transaction.atomic():
        esc = Escalation.objects.create(
            client=client, engagement=engagement, kind=kind, subject=subject, body=body,
            item=item, claim=claim, payer=payer, raised_by=acting_user, owner=owner,
            owner_time_zone=zone, sla_hours=hours, status=S.OPEN,
            response_due_at=due_at(now, zone, hours), created_at=now, updated_at=now)
        _event(esc, "raised", acting_user, "", S.OPEN, "",
               {"owner": owner.username, "owner_time_zone": zone, "sla_hours": str(hours),
                "response_due_at": esc.response_due_at.isoformat()})
    return esc


def post_message(esc: Escalation, body: str, *, acting_user: Any) -> EscalationMessage:
    """Add to the thread. A message is not a response by itself: respond says so."""
    if not may_raise(acting_user, esc.client_id):
        raise NotAllowed("You may not write to this escalation.")
    body = body.strip()
    if not body or len(body) > BODY_MAX:
        raise EscalationProblem(f"A message of 1 to {BODY_MAX} characters is needed.")
    if esc.status == S.CLOSED:
        raise EscalationProblem("The escalation is closed.")
    with transaction.atomic():
        message = EscalationMessage.objects.create(escalation=esc, author=acting_user, body=body)
        record("escalation.message", client_id=esc.client_id, obj=esc, acting_user=acting_user,
               detail={"message_id": message.pk})
    return message


def transition(esc: Escalation, action: str, version: int, *, acting_user: Any, note: str = "",
               owner: Any = None) -> Escalation:
    """Move the escalation (acknowledge, respond, reassign, resolve, reopen, close)."""
    if action not in TRANSITIONS:
        raise EscalationProblem(f"Unknown action {action!r}.")
    if not may_take(acting_user, esc, action):
        raise NotAllowed("Only the owner, a client manager or a partner lead may do this.")
    note = note.strip()
    if action == "respond" and not note:
        raise EscalationProblem("A response needs words.")
    if len(note) > BODY_MAX:
        raise EscalationProblem(f"Notes are at most {BODY_MAX} characters.")
    with transaction.atomic():
        current: Escalation = Escalation.objects.select_for_update().get(pk=esc.pk)
        if current.version != version:
            raise Conflict(f"Escalation #{esc.pk} changed since you read it; reload.")
        sources, target = TRANSITIONS[action]
        if current.status not in sources:
            raise EscalationProblem(f"A {current.get_status_display().lower()} escalation "
                                    f"cannot be {PAST[action]}.")
        before = current.status
        now = timezone.now()
        detail: dict[str, Any] = {}
        if action == "reassign":
            detail = _reassign(current, owner)
        else:
            assert target is not None
            current.status = target
        if action in ("acknowledge", "respond", "resolve") and current.first_response_at is None:
            current.first_response_at = now
        if action == "resolve":
            current.resolved_at = now
        if action == "reopen":
            current.resolved_at = None
        if action == "respond":
            EscalationMessage.objects.create(escalation=current, author=acting_user, body=note)
        current.version += 1
        current.updated_at = now
        current.save()
        _event(current, action, acting_user, before, current.status, note, detail)
    return current


def _reassign(esc: Escalation, owner: Any) -> dict[str, Any]:
    if owner is None:
        raise EscalationProblem("Name the new owner.")
    if owner.pk == esc.owner_id:
        raise EscalationProblem(f"{owner.username} already owns it.")
    if not can_own(owner, esc.client_id, item_workflow(esc.item)):
        raise cannot_own(owner)
    before = {"from_owner": esc.owner.username, "from_time_zone": esc.owner_time_zone}
    esc.owner = owner
    esc.owner_time_zone = owner_time_zone(owner)
    esc.response_due_at = due_at(esc.created_at, esc.owner_time_zone, esc.sla_hours)
    return {**before, "owner": owner.username, "owner_time_zone": esc.owner_time_zone,
            "response_due_at": esc.response_due_at.isoformat()}


def set_response_sla(client: Organization, kind: str, hours: Decimal, *,
                     acting_user: Any) -> ResponseSla:
    """A client admin's own promise for one kind (applies to escalations raised after it)."""
    require(acting_user, Action.EDIT_PLAYBOOKS, client.pk)
    if kind not in EscalationKind.values:
        raise EscalationProblem(f"Unknown kind {kind!r}.")
    if not (Decimal("0.25") <= hours <= Decimal(400)) or hours != hours.quantize(Decimal("0.01")):
        raise EscalationProblem("Hours must be between 0.25 and 400, to the hundredth.")
    with transaction.atomic():
        row, _ = ResponseSla.objects.update_or_create(
            client=client, kind=kind,
            defaults={"hours": hours, "updated_by": acting_user, "updated_at": timezone.now()})
        record("escalation.sla_set", client_id=client.pk, obj=row, acting_user=acting_user,
               detail={"kind": kind, "hours": str(hours)})
    return row


def _event(esc: Escalation, kind: str, actor: Any, before: str, after: str, note: str,
           detail: dict[str, Any]) -> None:
    EscalationEvent.objects.create(escalation=esc, kind=kind, actor=actor, from_status=before,
                                   to_status=after, note=note, detail=detail)
    record(f"escalation.{kind}", client_id=esc.client_id, obj=esc, acting_user=actor,
           detail={"from": before, "to": after, **detail})


# --- reading --------------------------------------------------------------------------------


def visible(user: Any) -> QuerySet[Escalation]:
    return Escalation.objects.visible_to(user).select_related(
        "client", "owner", "raised_by", "item", "claim", "payer")


def overdue(rows: QuerySet[Escalation], now: datetime | None = None) -> QuerySet[Escalation]:
    """Computed on read (there is no scheduler): past due with no first response."""
    return rows.filter(status=S.OPEN, first_response_at__isnull=True,
                       response_due_at__lt=now or timezone.now())


def get_visible(user: Any, escalation_id: int) -> Escalation:
    rows: Any = visible(user)  # a TenantQuerySet
    esc: Escalation = rows.get_visible_or_404(user, pk=escalation_id)
    return esc


def find_user(username: str) -> User | NoSuchUser:
    """The named owner; a name nobody has is refused later by ``can_own``, in the same
    words and at the same step as a user of another tenant."""
    return user_named(username)


@dataclass(frozen=True)
class BoardFilter:
    client: str = ""
    kind: str = ""
    mine: bool = False
    overdue_only: bool = False
    include_closed: bool = False


def search(user: Any, f: BoardFilter, now: datetime | None = None) -> QuerySet[Escalation]:
    rows = visible(user)
    if f.client:
        rows = rows.filter(client__slug=f.client)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.mine:
        rows = rows.filter(Q(owner=user) | Q(raised_by=user))
    if f.overdue_only:
        rows = overdue(rows, now)
    if not f.include_closed:
        rows = rows.exclude(status=S.CLOSED)
    return rows.order_by("response_due_at", "pk")


def client_for(user: Any, slug: str) -> Organization | None:
    """A client the user may raise escalations for, by slug (None if not)."""
    client: Organization | None = (
        Organization.objects.visible_to(user).filter(slug=slug).first() if slug else None)
    if client is None or not may_raise(user, client.pk):
        return None
    return client


def raisable_clients(user: Any) -> list[Organization]:
    return [c for c in Organization.objects.visible_to(user).clients().order_by("name")
            if may_raise(user, c.pk)]


def require_visible_client(user: Any, slug: str) -> Organization:
    client: Organization | None = Organization.objects.visible_to(user).filter(
        slug=slug).first()
    if client is None:
        raise Http404("Not found.")
    return client
