"""Reading authorizations for the pages, the API and the CLI.

Lookups start from ``visible_to`` (the prior-auth workflow decides who sees them); what is
shown of patients is audited as a listing, one event per client.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from rcmdesk.audit.services import record_listing
from rcmdesk.priorauth.models import AuthDecision, Authorization, AuthStatus
from rcmdesk.priorauth.producers import EXPIRING_DAYS, NEEDED
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Organization, on_client_days
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue.models import ItemKind, WorkItem


@dataclass(frozen=True)
class AuthFilter:
    client: str = ""  # slug
    status: str = ""
    expiring: bool = False  # approved and ending within EXPIRING_DAYS
    q: str = ""  # patient name, certification number or code


def _expiring_on(today: date) -> Q:
    return Q(end_date__gte=today, end_date__lte=today + timedelta(days=EXPIRING_DAYS))


def search(user: Any, f: AuthFilter, now: datetime | None = None) -> QuerySet[Authorization]:
    """Authorizations ``user`` sees; "expiring" counts from each client's own day at ``now``."""
    rows = (Authorization.objects.visible_to(user)
            .select_related("client", "patient", "payer", "provider")
            .order_by("end_date", "-pk"))
    if f.client:
        rows = rows.filter(client__slug=f.client)
    if f.status in AuthStatus.values:
        rows = rows.filter(status=f.status)
    if f.expiring:
        rows = rows.filter(on_client_days(now or timezone.now(), _expiring_on),
                           status__in=sorted(AuthStatus.usable()))
    for word in f.q.split()[:4]:
        rows = rows.filter(Q(patient__last_name__icontains=word)
                           | Q(patient__first_name__icontains=word)
                           | Q(certification_number__icontains=word)
                           | Q(codes__icontains=word.upper()))
    return rows


def needed_items(user: Any, client: str = "") -> QuerySet[WorkItem]:
    """Open "authorization needed" items (visits and unsent claim lines with none)."""
    items = (WorkItem.objects.visible_to(user, Workflow.PRIOR_AUTH).active()
             .filter(kind=ItemKind.PRIOR_AUTH, source_key__startswith=NEEDED)
             .select_related("client").order_by("deadline", "-priority", "pk"))
    if client:
        items = items.filter(client__slug=client)
    return items


def get_auth(user: Any, auth_id: int) -> Authorization:
    auth: Authorization = (Authorization.objects
                           .select_related("client", "patient", "payer", "provider", "visit",
                                           "created_by", "split_from")
                           .get_visible_or_404(user, pk=auth_id))
    return auth


def history(auth: Authorization) -> list[AuthDecision]:
    return list(auth.decisions.select_related("recorded_by", "file").order_by("recorded_at",
                                                                              "pk"))


def audit_listing(rows: Iterable[Authorization], *, detail: dict[str, Any]) -> None:
    """Patients and their services were shown: one event per client, naming the auths."""
    record_listing(rows, "priorauth.authorization", key="authorizations", detail=detail)


def visible_clients(user: Any) -> list[Organization]:
    """The clients the tracker's filter offers: those whose authorizations the reader sees."""
    ids = visibility_for(user).clients_for(Workflow.PRIOR_AUTH)
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def writable_clients(user: Any, workflow: Workflow | None = Workflow.PRIOR_AUTH,
                     action: Action = Action.WORK_ITEMS) -> list[Organization]:
    """The clients the user may act for here (one, for a client's own people)."""
    visibility = visibility_for(user)
    ids = [c for c in visibility.clients_for(workflow) if visibility.can_write(c, workflow)]
    if not allows(user, action):
        return []
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def client_for(user: Any, slug: str, workflow: Workflow | None = Workflow.PRIOR_AUTH,
               action: Action = Action.WORK_ITEMS) -> Organization | None:
    """The client named by ``slug`` among those the user acts for, else their only one."""
    clients = writable_clients(user, workflow, action)
    if slug:
        return next((c for c in clients if c.slug == slug), None)
    return clients[0] if len(clients) == 1 else None
