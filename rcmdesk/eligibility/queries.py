"""What the pages and the API read: visible visits, their filters and counts, the clients a
person may enter visits for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from rcmdesk.eligibility.models import EligibilityResponse, Visit, VisitStatus
from rcmdesk.eligibility.producer import FLAGS
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue.models import ItemKind, WorkItem


@dataclass(frozen=True)
class VisitFilter:
    start: date | None = None
    end: date | None = None
    status: str = ""
    client: str = ""
    q: str = ""  # patient name or member id

    @classmethod
    def parse(cls, params: Any) -> VisitFilter:
        status = params.get("status", "")
        return cls(_day(params.get("from", "")), _day(params.get("to", "")),
                   status if status in VisitStatus.values else "", params.get("client", ""),
                   params.get("q", "").strip()[:100])


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def visits(user: Any, f: VisitFilter) -> QuerySet[Visit]:
    """Visible visits in the day range (status applied by ``with_status``)."""
    rows = Visit.objects.visible_to(user).select_related(
        "client", "patient", "payer", "coverage", "provider")
    if f.start is not None:
        rows = rows.filter(scheduled_on__gte=f.start)
    if f.end is not None:
        rows = rows.filter(scheduled_on__lte=f.end)
    if f.client:
        rows = rows.filter(client__slug=f.client)
    for word in f.q.split()[:4]:
        rows = rows.filter(Q(patient__last_name__icontains=word)
                           | Q(patient__first_name__icontains=word)
                           | Q(coverage__member_id__iexact=word))
    return rows


def with_status(rows: QuerySet[Visit], f: VisitFilter) -> QuerySet[Visit]:
    return rows.filter(status=f.status) if f.status else rows


def counts(rows: QuerySet[Visit]) -> dict[str, int]:
    """Visits per status in the range (every status listed, zeros included)."""
    found = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    return {s: found.get(s, 0) for s in VisitStatus.values}


def visible_clients(user: Any) -> list[Organization]:
    """The clients the visit list's filter offers: only those whose visits the reader sees."""
    return list(Organization.objects.visible_to(user).filter(kind="client").order_by("name"))


def writable_clients(user: Any) -> list[Organization]:
    """Clients whose eligibility work this person may do."""
    if not allows(user, Action.WORK_ITEMS):
        return []
    visibility = visibility_for(user)
    return [o for o in Organization.objects.visible_to(user).filter(kind="client")
            .order_by("name") if visibility.can_see(o.pk, Workflow.ELIGIBILITY)
            and visibility.can_write(o.pk, Workflow.ELIGIBILITY)]


def visible_visit(user: Any, visit_id: int) -> Visit:
    visit: Visit = Visit.objects.select_related(
        "client", "patient", "payer", "coverage__payer", "provider").get_visible_or_404(
        user, pk=visit_id)
    return visit


def history(visit: Visit) -> tuple[list[Any], list[EligibilityResponse]]:
    requests = list(visit.requests.select_related("outbound", "requested_by"))
    responses = list(visit.responses.prefetch_related("benefits"))
    return requests, responses


def items(user: Any, visit: Visit) -> list[WorkItem]:
    """The visit's eligibility items (open first), as far as this person sees work items."""
    keys = [f"visit:{visit.pk}", *(f"visit:{visit.pk}:{flag}" for flag in FLAGS)]
    rows = WorkItem.objects.visible_to(user).filter(
        client_id=visit.client_id, kind=ItemKind.ELIGIBILITY, source_key__in=keys)
    return sorted(rows, key=lambda i: (i.closed_at is not None, -i.pk))
