"""The access registry's changes: register a system, request, approve, deny, confirm the
grant, attest (keep) or revoke, review in bulk, open and confirm revocations, note use.

A partner lead only asks (``REQUEST_SYSTEM_ACCESS``); every decision about a login belongs to
the client (``MANAGE_SYSTEM_ACCESS``, a client-only action), so no partner role can approve,
grant, attest or close a revocation however the matrix is edited. Each change appends an
``AccessChange`` and an audit event in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.errors import Conflict, Forbidden, Invalid, NotFound
from rcmdesk.systemaccess.models import (
    DEFAULT_REVIEW_DAYS,
    LIVE_STATUSES,
    AccessChange,
    AccessStatus,
    ClientSystem,
    RevocationTask,
    RevocationTrigger,
    SystemAccess,
    SystemKind,
)
from rcmdesk.tenancy.authz import permits, require
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import Action, Role, Workflow


class AccessRefused(Conflict):
    """The access is not in a state that allows this step."""


class NotAPartnerOnIt(Invalid):
    """Logins are registered only for the engagement's own partner users assigned to it."""


def _change(access: SystemAccess, before: str, note: str, acting_user: Any,
            action: str, now: datetime) -> None:
    AccessChange.objects.create(access=access, at=now, by=person(acting_user),
                                from_status=before, to_status=access.status, note=note[:300])
    record(f"systemaccess.{action}", client_id=access.engagement.client_id, obj=access,
           acting_user=acting_user,
           detail={"user": access.user.username, "system": access.system.name,
                   "account": access.account_name, "from": before, "to": access.status,
                   **({"note": note} if note else {})})


def _client_decides(access: SystemAccess, acting_user: Any) -> None:
    require(acting_user, Action.MANAGE_SYSTEM_ACCESS, access.engagement.client_id)


def _in_status(access: SystemAccess, allowed: Iterable[str], step: str) -> None:
    if access.status not in set(allowed):
        raise AccessRefused(f"This login is {AccessStatus(access.status).label.lower()}: "
                            f"it cannot be {step}.")


@transaction.atomic
def register_system(client: Organization, *, kind: str, name: str, workflows: list[str],
                    payer: Any = None, acting_user: Any) -> ClientSystem:
    """The client lists one of its systems (its EHR, a payer's portal...)."""
    require(acting_user, Action.MANAGE_SYSTEM_ACCESS, client.pk)
    if kind not in SystemKind.values:
        raise Invalid("Choose the kind of system.")
    unknown = set(workflows) - {w.value for w in Workflow}
    if unknown or not name.strip():
        raise Invalid("Name the system and the workflows it is needed for.")
    if payer is not None and payer.client_id != client.pk:
        raise NotFound("Not found.")
    if ClientSystem.objects.filter(client=client, name=name.strip()).exists():
        raise Conflict(f"{name.strip()} is already registered.")
    system = ClientSystem.objects.create(
        client=client, kind=kind, name=name.strip(), payer=payer,
        workflows=[w.value for w in Workflow if w.value in set(workflows)])
    record("systemaccess.system_registered", client_id=client.pk, obj=system,
           acting_user=acting_user,
           detail={"name": system.name, "kind": kind, "workflow": system.workflows})
    return system


@transaction.atomic
def request_access(engagement: Engagement, member: Any, system: ClientSystem, *,
                   account_name: str, scope: str = "", mfa_enabled: bool = False,
                   vault_reference: str = "",
                   review_period_days: int = DEFAULT_REVIEW_DAYS,
                   acting_user: Any) -> SystemAccess:
    """A partner lead (or the client's admin) asks for a login; it is unusable until the
    client approves it and confirms it was given."""
    if not Engagement.objects.visible_to(acting_user).filter(pk=engagement.pk).exists():
        raise NotFound("Not found.")
    require(acting_user, Action.REQUEST_SYSTEM_ACCESS, engagement.client_id)
    if Role(acting_user.role).is_partner and acting_user.organization_id != engagement.partner_id:
        raise Forbidden("Leads ask only for their own partner's engagements.")
    if system.client_id != engagement.client_id or not system.active:
        raise NotFound("Not found.")
    on_it = engagement.assignments.filter(user_id=member.pk).exists()
    if (not on_it or member.organization_id != engagement.partner_id
            or not Role(member.role).is_partner or not member.is_active):
        raise NotAPartnerOnIt("Logins are asked for the partner's people on this engagement.")
    if not account_name.strip():
        raise Invalid("Give the account name (never a password).")
    if not 1 <= review_period_days <= 366:
        raise Invalid("The review period is 1 to 366 days.")
    if SystemAccess.objects.filter(engagement=engagement, user_id=member.pk, system=system,
                                   status__in=LIVE_STATUSES).exists():
        raise Conflict(f"{_name(member)} already has a login to {system.name} on record.")
    now = timezone.now()
    access = SystemAccess.objects.create(
        engagement=engagement, user=member, system=system, account_name=account_name.strip(),
        scope=scope.strip(), mfa_enabled=mfa_enabled, vault_reference=vault_reference.strip(),
        review_period_days=review_period_days, requested_by=person(acting_user),
        requested_at=now)
    _change(access, "", "requested", acting_user, "requested", now)
    return access


@transaction.atomic
def approve(access: SystemAccess, *, note: str = "", acting_user: Any) -> SystemAccess:
    _client_decides(access, acting_user)
    _in_status(access, [AccessStatus.REQUESTED], "approved")
    now = timezone.now()
    before, access.status = access.status, AccessStatus.APPROVED
    access.approved_by, access.approved_at = person(acting_user), now
    access.save(update_fields=["status", "approved_by", "approved_at"])
    _change(access, before, note, acting_user, "approved", now)
    return access


@transaction.atomic
def deny(access: SystemAccess, *, note: str = "", acting_user: Any) -> SystemAccess:
    _client_decides(access, acting_user)
    _in_status(access, [AccessStatus.REQUESTED, AccessStatus.APPROVED], "denied")
    now = timezone.now()
    before, access.status = access.status, AccessStatus.DENIED
    access.save(update_fields=["status"])
    _change(access, before, note, acting_user, "denied", now)
    return access


@transaction.atomic
def confirm_granted(access: SystemAccess, *, mfa_enabled: bool | None = None,
                    note: str = "", acting_user: Any) -> SystemAccess:
    """The client says the login exists now: only from here on is it usable."""
    _client_decides(access, acting_user)
    _in_status(access, [AccessStatus.APPROVED], "confirmed as given")
    now = timezone.now()
    before, access.status = access.status, AccessStatus.GRANTED
    access.granted_by, access.granted_at = person(acting_user), now
    if mfa_enabled is not None:
        access.mfa_enabled = mfa_enabled
    access.save(update_fields=["status", "granted_by", "granted_at", "mfa_enabled"])
    _change(access, before, note or "login given", acting_user, "granted", now)
    return access


@transaction.atomic
def attest(access: SystemAccess, *, note: str = "", acting_user: Any,
           now: datetime | None = None) -> SystemAccess:
    """The client re-certifies a login (keep): its review clock starts again."""
    _client_decides(access, acting_user)
    _in_status(access, [AccessStatus.GRANTED], "kept")
    if access.revocations.open().exists():
        raise AccessRefused("This login is being revoked: confirm the revocation instead.")
    now = now or timezone.now()
    access.last_attested_by, access.last_attested_at = person(acting_user), now
    access.save(update_fields=["last_attested_by", "last_attested_at"])
    _change(access, access.status, note or "kept on review", acting_user, "attested", now)
    return access


@transaction.atomic
def revoke(access: SystemAccess, *, reason: str, acting_user: Any) -> SystemAccess:
    """The client takes a login back itself: done and confirmed in one step (its
    revocation task is closed at once by the same person)."""
    _client_decides(access, acting_user)
    _in_status(access, LIVE_STATUSES, "revoked")
    task = access.revocations.open().first() or open_revocation(
        access, RevocationTrigger.CLIENT_REVOKED, acting_user=acting_user)
    return confirm_revocation(task, note=reason, acting_user=acting_user).access


@transaction.atomic
def bulk_review(accesses: Iterable[SystemAccess], decision: str, *, reason: str = "",
                acting_user: Any) -> int:
    """Keep (attest) or revoke many logins at once: the review list's one button."""
    if decision not in ("keep", "revoke"):
        raise Invalid("Choose keep or revoke.")
    done = 0
    for access in accesses:
        if decision == "keep":
            attest(access, acting_user=acting_user)
        else:
            revoke(access, reason=reason or "revoked on review", acting_user=acting_user)
        done += 1
    return done


@transaction.atomic
def open_revocation(access: SystemAccess, trigger: str, *, acting_user: Any) -> RevocationTask:
    """One open task per access (a second trigger finds the first). No permission is
    asked: offboarding opens these for whoever disabled or unassigned someone."""
    existing: RevocationTask | None = access.revocations.open().first()
    if existing is not None:
        return existing
    task = RevocationTask.objects.create(access=access, trigger=trigger,
                                         opened_by=person(acting_user))
    record("systemaccess.revocation_opened", client_id=access.engagement.client_id, obj=task,
           acting_user=acting_user,
           detail={"user": access.user.username, "system": access.system.name,
                   "account": access.account_name, "trigger": trigger})
    return task


@transaction.atomic
def confirm_revocation(task: RevocationTask, *, note: str = "",
                       acting_user: Any) -> RevocationTask:
    """Only the client's admin closes a revocation: it says the login is gone, and the
    access is revoked with it."""
    access = task.access
    _client_decides(access, acting_user)
    if not task.is_open:
        raise AccessRefused("This revocation is already confirmed.")
    now = timezone.now()
    task.confirmed_by, task.confirmed_at = person(acting_user), now
    task.save(update_fields=["confirmed_by", "confirmed_at"])
    before = access.status
    access.status = AccessStatus.REVOKED
    access.revoked_by, access.revoked_at = person(acting_user), now
    access.revoked_reason = (note or RevocationTrigger(task.trigger).label)[:300]
    access.save(update_fields=["status", "revoked_by", "revoked_at", "revoked_reason"])
    record("systemaccess.revocation_confirmed", client_id=access.engagement.client_id,
           obj=task, acting_user=acting_user, detail={"trigger": task.trigger})
    _change(access, before, access.revoked_reason, acting_user, "revoked", now)
    return task


@transaction.atomic
def mark_in_use(access: SystemAccess, *, acting_user: Any,
                now: datetime | None = None) -> SystemAccess:
    """The holder (or the client's admin) notes the login was used: "last confirmed in use"."""
    client_id = access.engagement.client_id
    holder = getattr(acting_user, "pk", None) == access.user_id
    if holder:
        require(acting_user, Action.VIEW_TENANT_DATA, client_id)
    elif not permits(acting_user, Action.MANAGE_SYSTEM_ACCESS, client_id):
        require(acting_user, Action.MANAGE_SYSTEM_ACCESS, client_id)
    _in_status(access, [AccessStatus.GRANTED], "marked in use")
    now = now or timezone.now()
    access.last_confirmed_in_use_at = now
    access.save(update_fields=["last_confirmed_in_use_at"])
    _change(access, access.status, "confirmed in use", acting_user, "in_use", now)
    return access


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.username)
