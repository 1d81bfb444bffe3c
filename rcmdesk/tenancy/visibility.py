"""The one place that decides which client organizations and workflows a user may touch.

Every view, API route and CLI command that reads tenant data goes through
``visibility_for`` (directly or via ``TenantQuerySet.visible_to``). Objects outside a user's
visibility are treated as if they did not exist: callers answer 404, never 403, so that a
guessed id tells an outsider nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.http import Http404
from django.utils import timezone

from rcmdesk.accounts.people import person
from rcmdesk.tenancy.roles import OrgKind, Role, Workflow

if TYPE_CHECKING:
    from rcmdesk.accounts.models import User

ALL_WORKFLOWS = frozenset(Workflow)
_CACHE_ATTR = "_rcmdesk_visibility"


@dataclass(frozen=True)
class Visibility:
    workflows_by_client: Mapping[int, frozenset[Workflow]] = field(default_factory=dict)
    # Clients seen through a break-glass grant: readable, never writable.
    read_only_clients: frozenset[int] = frozenset()

    @property
    def client_ids(self) -> frozenset[int]:
        return frozenset(self.workflows_by_client)

    def clients_for(self, workflow: Workflow | None = None) -> frozenset[int]:
        if workflow is None:
            return self.client_ids
        return frozenset(c for c, wfs in self.workflows_by_client.items() if workflow in wfs)

    def can_see(self, client_id: int, workflow: Workflow | None = None) -> bool:
        return client_id in self.clients_for(workflow)

    def can_write(self, client_id: int, workflow: Workflow | None = None) -> bool:
        return self.can_see(client_id, workflow) and client_id not in self.read_only_clients


NOTHING = Visibility()


def visibility_for(user: Any) -> Visibility:
    """Compute (once per user object, i.e. once per request) what the user may see."""
    if person(user) is None or not user.is_active:
        return NOTHING
    cached: Visibility | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _compute(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_visibility(user: Any) -> None:
    """Drop the per-object cache after a change to engagements or assignments."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _compute(user: User) -> Visibility:
    role = Role(user.role)
    org = user.organization
    if role is Role.PLATFORM_ADMIN:
        return _break_glass_visibility(user)
    if org is None or not org.is_active:
        return NOTHING
    if role.org_kind is OrgKind.CLIENT:
        return Visibility({org.pk: ALL_WORKFLOWS})
    return _partner_visibility(user)


def _partner_visibility(user: User) -> Visibility:
    from rcmdesk.tenancy.models import Engagement

    engagements = Engagement.objects.filter(
        assignments__user=user, partner_id=user.organization_id,
        partner__is_active=True, client__is_active=True,
    )
    scopes: dict[int, set[Workflow]] = {}
    for engagement in engagements:
        if engagement.is_active():
            scopes.setdefault(engagement.client_id, set()).update(engagement.workflows())
    return Visibility({client: frozenset(wfs) for client, wfs in scopes.items()})


def _break_glass_visibility(user: User) -> Visibility:
    from rcmdesk.tenancy.models import BreakGlassGrant

    now = timezone.now()
    clients = frozenset(
        BreakGlassGrant.objects.filter(
            user=user, ended_at__isnull=True, starts_at__lte=now, expires_at__gt=now
        ).values_list("client_id", flat=True)
    )
    return Visibility({c: ALL_WORKFLOWS for c in clients}, read_only_clients=clients)


class TenantQuerySet(models.QuerySet[Any]):
    """Querysets of tenant data. ``visible_to`` is the only sanctioned way to list them.

    Models set ``tenant_field`` (the path to the owning client organization's id) and
    ``tenant_workflow`` (the workflow their rows belong to, None if every workflow sees them),
    or ``tenant_workflow_field`` (the path to a row's own workflow, for models whose rows
    each belong to one: SOPs), so a partner sees only the rows of its scope's workflows.
    """

    def visible_to(self, user: Any, workflow: Workflow | None = None) -> Self:
        visibility = visibility_for(user)
        workflow = workflow or getattr(self.model, "tenant_workflow", None)
        path = getattr(self.model, "tenant_field", "client_id")
        rows = self.filter(**{f"{path}__in": visibility.clients_for(workflow)})
        row_workflow = getattr(self.model, "tenant_workflow_field", None)
        return rows.filter(_in_scope(visibility, path, row_workflow)) if row_workflow else rows

    def get_visible_or_404(self, user: Any, **lookup: Any) -> Any:
        try:
            return self.visible_to(user).get(**lookup)
        except (self.model.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404("Not found.") from exc


def _in_scope(visibility: Visibility, client_path: str, workflow_path: str) -> models.Q:
    """Rows of a client whose workflow is in the viewer's scope for that client (all of a
    client's rows for its own users, who see every workflow)."""
    scoped = models.Q(pk__in=[])
    for client_id, workflows in visibility.workflows_by_client.items():
        mine = models.Q(**{client_path: client_id})
        if workflows != ALL_WORKFLOWS:
            mine &= models.Q(**{f"{workflow_path}__in": sorted(str(w) for w in workflows)})
        scoped |= mine
    return scoped
