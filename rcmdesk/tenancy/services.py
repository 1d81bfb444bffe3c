"""Engagements, scope, assignments and break-glass access. Every change is audited in the
same transaction as the change itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from rcmdesk.audit.services import record
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Assignment, BreakGlassGrant, Engagement, Organization
from rcmdesk.tenancy.roles import Action, OrgKind, Role, Workflow
from rcmdesk.tenancy.signals import (
    TRIGGER_ENGAGEMENT_ENDED,
    TRIGGER_UNASSIGNED,
    access_ending,
)
from rcmdesk.tenancy.visibility import forget_visibility

MAX_BREAK_GLASS = timedelta(hours=4)


def _scope_list(scope: list[str] | set[str] | frozenset[str]) -> list[str]:
    unknown = set(scope) - {w.value for w in Workflow}
    if unknown:
        raise ValidationError(f"Unknown workflows: {', '.join(sorted(unknown))}.")
    return sorted(set(scope), key=[w.value for w in Workflow].index)


@dataclass(frozen=True)
class EngagementSpec:
    partner: Organization
    name: str
    scope: list[str]
    start_date: date
    end_date: date | None = None
    time_zone: str = "America/New_York"


@transaction.atomic
def create_engagement(client: Organization, spec: EngagementSpec, *,
                      acting_user: Any) -> Engagement:
    require(acting_user, Action.MANAGE_ENGAGEMENT_SCOPE, client.pk)
    if spec.partner.kind != OrgKind.PARTNER:
        raise ValidationError("Engagements are made with partner organizations.")
    engagement = Engagement(
        client=client, partner=spec.partner, name=spec.name, scope=_scope_list(spec.scope),
        start_date=spec.start_date, end_date=spec.end_date, time_zone=spec.time_zone,
    )
    engagement.full_clean()
    engagement.save()
    record("create", client_id=client.pk, obj=engagement,
           detail={"partner": spec.partner.slug, "scope": engagement.scope,
                   "start_date": spec.start_date, "end_date": spec.end_date})
    return engagement


@transaction.atomic
def change_scope(engagement: Engagement, scope: list[str], *, acting_user: Any) -> Engagement:
    """Only the client widens or narrows what its partner may work."""
    require(acting_user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id)
    before = list(engagement.scope)
    engagement.scope = _scope_list(scope)
    engagement.save(update_fields=["scope"])
    record("scope_changed", client_id=engagement.client_id, obj=engagement,
           detail={"before": before, "after": engagement.scope})
    return engagement


@transaction.atomic
def end_engagement(engagement: Engagement, end_date: date, *, acting_user: Any) -> Engagement:
    require(acting_user, Action.MANAGE_ENGAGEMENT_SCOPE, engagement.client_id)
    before = engagement.end_date
    engagement.end_date = end_date
    engagement.full_clean()
    engagement.save(update_fields=["end_date"])
    record("update", client_id=engagement.client_id, obj=engagement,
           detail={"end_date": {"before": before, "after": end_date}})
    # Every login to the client's systems held for this engagement is to be taken back:
    # the registry opens its revocations in this transaction (tenancy/signals.py).
    access_ending.send(sender=Engagement, user=None, engagement=engagement,
                       trigger=TRIGGER_ENGAGEMENT_ENDED, acting_user=acting_user)
    return engagement


@transaction.atomic
def assign(engagement: Engagement, member: Any, *, acting_user: Any) -> Assignment:
    """A partner lead puts one of their own partner's users on an engagement."""
    require(acting_user, Action.ASSIGN_WORK, engagement.client_id)
    _check_partner_side(acting_user, engagement)
    if member.organization_id != engagement.partner_id or not Role(member.role).is_partner:
        raise ValidationError("Only users of the engagement's partner can be assigned.")
    assignment, created = Assignment.objects.get_or_create(engagement=engagement, user=member)
    if created:
        record("assigned", client_id=engagement.client_id, obj=assignment,
               detail={"engagement": engagement.pk, "user": member.username})
    forget_visibility(member)
    return assignment


@transaction.atomic
def unassign(assignment: Assignment, *, acting_user: Any) -> None:
    engagement = assignment.engagement
    require(acting_user, Action.ASSIGN_WORK, engagement.client_id)
    _check_partner_side(acting_user, engagement)
    record("unassigned", client_id=engagement.client_id, obj=assignment,
           detail={"engagement": engagement.pk, "user": assignment.user.username})
    access_ending.send(sender=Assignment, user=assignment.user, engagement=engagement,
                       trigger=TRIGGER_UNASSIGNED, acting_user=acting_user)
    assignment.delete()


def visible_engagement(user: Any, engagement_id: int) -> Engagement:
    """The engagement if the user may see it; Http404 otherwise, exactly as if missing."""
    found: Engagement = Engagement.objects.select_related("client", "partner") \
        .get_visible_or_404(user, pk=engagement_id)
    return found


def assign_username(engagement: Engagement, username: str, *, acting_user: Any) -> Assignment:
    from rcmdesk.accounts.models import User

    user = User.objects.filter(username=username, organization_id=engagement.partner_id).first()
    if user is None:
        raise Http404("Not found.")
    return assign(engagement, user, acting_user=acting_user)


def assignable_people(engagement: Engagement) -> list[Any]:
    """The partner's active staff not yet on the engagement: the assignment picker's list."""
    from rcmdesk.accounts.models import User

    on_it = engagement.assignments.values_list("user_id", flat=True)
    people = (User.objects.filter(organization_id=engagement.partner_id, is_active=True)
              .exclude(pk__in=on_it).order_by("first_name", "last_name", "username"))
    return [p for p in people if Role(p.role).is_partner]


def unassign_id(engagement: Engagement, assignment_id: int, *, acting_user: Any) -> None:
    assignment = Assignment.objects.visible_to(acting_user).filter(
        engagement=engagement, pk=assignment_id).first()
    if assignment is None:
        raise Http404("Not found.")
    unassign(assignment, acting_user=acting_user)


def _check_partner_side(actor: Any, engagement: Engagement) -> None:
    if Role(actor.role).is_partner and actor.organization_id != engagement.partner_id:
        raise PermissionDenied("Leads assign only their own partner's staff.")


@transaction.atomic
def open_break_glass(client: Organization, reason: str,
                     duration: timedelta = timedelta(hours=1), *,
                     acting_user: Any) -> BreakGlassGrant:
    """Emergency read access for a platform admin: reasoned, time-boxed, and on the
    client's own audit trail so the client sees every use."""
    if Role(acting_user.role) is not Role.PLATFORM_ADMIN:
        raise PermissionDenied("Only platform admins use break-glass access.")
    if client.kind != OrgKind.CLIENT:
        raise ValidationError("Break-glass access is to a client organization.")
    if len(reason.strip()) < 20:
        raise ValidationError("Give the reason for emergency access (20 characters or more).")
    if not timedelta(0) < duration <= MAX_BREAK_GLASS:
        raise ValidationError("Break-glass access lasts at most four hours.")
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(user=acting_user, client=client, reason=reason.strip(),
                                           starts_at=now, expires_at=now + duration)
    record("break_glass_opened", client_id=client.pk, obj=grant,
           detail={"reason": grant.reason, "expires_at": grant.expires_at})
    forget_visibility(acting_user)
    return grant


def open_break_glass_for_slug(slug: str, reason: str,
                              duration: timedelta, *, acting_user: Any) -> BreakGlassGrant:
    client = Organization.objects.filter(slug=slug, kind=OrgKind.CLIENT, is_active=True).first()
    if client is None:
        raise ValidationError(f"No active client organization {slug!r}.")
    return open_break_glass(client, reason, duration, acting_user=acting_user)


@transaction.atomic
def close_break_glass(grant: BreakGlassGrant, *, acting_user: Any) -> None:
    if grant.user_id != acting_user.pk:
        raise PermissionDenied("Only the holder closes a break-glass grant.")
    grant.ended_at = timezone.now()
    grant.save(update_fields=["ended_at"])
    record("break_glass_closed", client_id=grant.client_id, obj=grant)
    forget_visibility(acting_user)
