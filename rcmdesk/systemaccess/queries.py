"""Reads of the access registry for a viewer, and the two questions other apps ask.

``usable_accesses(user, client)`` is the one definition of a login a partner may use:
granted by the client (a request, or an approval not yet confirmed as given, never counts),
not revoked and with no revocation open, on an engagement active on the client's day that
the user is still assigned to. ``missing_access(engagement, workflow)`` lists, in billing
words, who on the engagement lacks such a login to a system the workflow needs (the
onboarding checklist asks it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from rcmdesk.accounts.models import User
from rcmdesk.calendar import local_date
from rcmdesk.systemaccess.models import (
    AccessStatus,
    ClientSystem,
    RevocationTask,
    SystemAccess,
)
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Assignment, Engagement, Organization
from rcmdesk.tenancy.roles import Action, Role, Workflow
from rcmdesk.tenancy.visibility import visibility_for

WORKING_ROLES = (Role.PARTNER_SPECIALIST,)


def _revocation_open() -> Exists:
    """The login's revocation is open (asked for, not yet confirmed): it is on its way out."""
    return Exists(RevocationTask.objects.open().filter(access=OuterRef("pk")))


def _usable(rows: QuerySet[SystemAccess], client: Organization,
            now: datetime | None = None) -> QuerySet[SystemAccess]:
    active = Engagement.objects.active_on(client.today(now)).filter(client=client)
    assigned = Assignment.objects.filter(engagement=OuterRef("engagement"),
                                         user=OuterRef("user"))
    return (rows.filter(status=AccessStatus.GRANTED, revoked_at__isnull=True,
                        engagement__in=active, user__is_active=True)
            .filter(Exists(assigned)).exclude(_revocation_open()))


def usable_accesses(user: Any, client: Organization,
                    now: datetime | None = None) -> QuerySet[SystemAccess]:
    """The logins ``user`` may use at ``client`` now (see the module's docstring)."""
    return _usable(SystemAccess.objects.filter(user_id=user.pk), client, now)


@dataclass(frozen=True)
class MissingAccess:
    user: User
    system: ClientSystem

    @property
    def sentence(self) -> str:
        name = self.user.get_full_name() or self.user.username
        return f"{name} has no granted login to {self.system.name}"


def missing_access(engagement: Engagement, workflow: Workflow | str) -> list[MissingAccess]:
    """For each partner specialist on the engagement, each active system of the client that
    ``workflow`` needs, with no usable login for that person on it.

    Specialists only, as the issue puts it ("the specialists' accesses granted"): they work
    the client's systems; a lead supervising them may hold logins, but production does not
    wait on them."""
    people = list(User.objects.filter(
        assignments__engagement=engagement, organization_id=engagement.partner_id,
        role__in=[r.value for r in WORKING_ROLES]).order_by("first_name", "last_name",
                                                             "username"))
    systems = [s for s in ClientSystem.objects.filter(client_id=engagement.client_id,
                                                      active=True).order_by("name")
               if s.serves(workflow)]
    if not people or not systems:
        return []
    usable = set(_usable(SystemAccess.objects.filter(engagement=engagement),
                         engagement.client).values_list("user_id", "system_id"))
    return [MissingAccess(p, s) for p in people for s in systems if (p.pk, s.pk) not in usable]


def review_due_on(access: SystemAccess, zone: str) -> date | None:
    """The client's day the login is due for re-attestation: its review period after the
    day (on the client's calendar) it was last attested or granted."""
    basis = access.review_basis
    if access.status != AccessStatus.GRANTED or basis is None:
        return None
    return local_date(basis, zone) + timedelta(days=access.review_period_days)


def is_review_due(access: SystemAccess, now: datetime | None = None) -> bool:
    client = access.engagement.client
    due = review_due_on(access, client.time_zone)
    return due is not None and client.today(now) >= due


def reviews_due(rows: QuerySet[SystemAccess], client: Organization,
                now: datetime | None = None) -> list[SystemAccess]:
    """The client's granted logins due for review at ``now`` (client's calendar), oldest
    first; those being revoked are left to their revocation."""
    today = client.today(now)
    granted = (rows.filter(engagement__client=client, status=AccessStatus.GRANTED)
               .exclude(_revocation_open())
               .select_related("engagement__client", "user", "system"))
    due = [(review_due_on(a, client.time_zone), a) for a in granted]
    return [a for d, a in sorted(due, key=lambda p: (p[0] or today, p[1].pk))
            if d is not None and today >= d]


# --- pages -------------------------------------------------------------------------------

def may_open(user: Any) -> bool:
    """Who has a page here: the client's admins and managers (the registry), partner leads,
    specialists and QA auditors (their engagements' or their own logins)."""
    if not allows(user, Action.VIEW_TENANT_DATA):
        return False
    role = Role(user.role)
    if role in (Role.CLIENT_STAFF, Role.PLATFORM_ADMIN):
        return False
    return bool(visibility_for(user).client_ids)


def require_open(user: Any) -> None:
    if not may_open(user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("The access registry is the client's admins' and managers'.")


def accesses(user: Any) -> QuerySet[SystemAccess]:
    return (SystemAccess.objects.visible_to(user)
            .select_related("engagement__client", "engagement__partner", "user", "system")
            .order_by("engagement__client__name", "engagement__name", "user__username",
                      "system__name"))


def access(user: Any, access_id: int) -> SystemAccess:
    found = accesses(user).filter(pk=access_id).first()
    if found is None:
        raise Http404("Not found.")
    return found


def systems(user: Any) -> QuerySet[ClientSystem]:
    return ClientSystem.objects.visible_to(user).select_related("client", "payer").order_by(
        "client__name", "name")


def open_revocations(user: Any) -> QuerySet[RevocationTask]:
    return (RevocationTask.objects.visible_to(user).open()
            .select_related("access__engagement__client", "access__user", "access__system")
            .order_by("opened_at", "pk"))


def revocation(user: Any, task_id: int) -> RevocationTask:
    found: RevocationTask | None = RevocationTask.objects.visible_to(user).select_related(
        "access__engagement__client", "access__user", "access__system").filter(
        pk=task_id).first()
    if found is None:
        raise Http404("Not found.")
    return found


def own_client(user: Any) -> Organization | None:
    org: Organization | None = user.organization
    return org if org is not None and org.is_client else None


def engagement_rows(user: Any, engagement: Engagement) -> QuerySet[SystemAccess]:
    return accesses(user).filter(engagement=engagement)


def history(access: SystemAccess) -> Any:
    return access.changes.select_related("by").order_by("at", "pk")
