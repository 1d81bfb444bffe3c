"""Tenancy routes. The client of anything created is the caller's own organization: a
client id in a request body is never read."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema, Status

from rcmdesk.audit.services import record
from rcmdesk.tenancy import services
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import OrgKind
from rcmdesk.tenancy.visibility import visibility_for

router = Router(tags=["tenancy"])


class ClientOut(Schema):
    slug: str
    name: str
    time_zone: str
    workflows: list[str]


class EngagementOut(Schema):
    id: int
    name: str
    client: str
    partner: str
    scope: list[str]
    start_date: date
    end_date: date | None
    time_zone: str
    active: bool


class EngagementIn(Schema):
    partner: str
    name: str
    scope: list[str]
    start_date: date
    end_date: date | None = None
    time_zone: str = "America/New_York"


class ScopeIn(Schema):
    scope: list[str]


class AssignIn(Schema):
    username: str


class AssignmentOut(Schema):
    id: int
    engagement: int
    username: str


def _client_out(request: HttpRequest, org: Organization) -> ClientOut:
    workflows = visibility_for(request.user).workflows_by_client.get(org.pk, frozenset())
    return ClientOut(slug=org.slug, name=org.name, time_zone=org.time_zone,
                     workflows=sorted(workflows))


def _engagement_out(e: Engagement) -> EngagementOut:
    return EngagementOut(id=e.pk, name=e.name, client=e.client.slug, partner=e.partner.slug,
                         scope=list(e.scope), start_date=e.start_date, end_date=e.end_date,
                         time_zone=e.time_zone, active=e.is_active())


def _engagement(request: HttpRequest, engagement_id: int) -> Engagement:
    return services.visible_engagement(request.user, engagement_id)


@router.get("/clients", response=list[ClientOut])
def list_clients(request: HttpRequest) -> list[ClientOut]:
    return [_client_out(request, o) for o in Organization.objects.visible_to(request.user)]


class ClientPath(Schema):
    """A slug, checked as one: other text (a NUL character, say) never reaches the query."""

    client: str = Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=50)


@router.get("/clients/{client}", response=ClientOut)
def get_client(request: HttpRequest, path: Path[ClientPath]) -> ClientOut:
    org = Organization.objects.get_visible_or_404(request.user, slug=path.client)
    return _client_out(request, org)


@router.get("/engagements", response=list[EngagementOut])
def list_engagements(request: HttpRequest) -> list[EngagementOut]:
    qs = Engagement.objects.visible_to(request.user).select_related("client", "partner")
    return [_engagement_out(e) for e in qs.distinct()]


@router.get("/engagements/{engagement_id}", response=EngagementOut)
def get_engagement(request: HttpRequest, engagement_id: int) -> EngagementOut:
    engagement = _engagement(request, engagement_id)
    record("read", client_id=engagement.client_id, obj=engagement)
    return _engagement_out(engagement)


@router.post("/engagements", response={201: EngagementOut})
def create_engagement(request: HttpRequest, payload: EngagementIn) -> Status[EngagementOut]:
    client = request.user.organization  # type: ignore[union-attr]
    if client is None or client.kind != OrgKind.CLIENT:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Engagements are created by the client.")
    partner = Organization.objects.filter(slug=payload.partner, kind=OrgKind.PARTNER,
                                          is_active=True).first()
    if partner is None:
        raise Http404("Not found.")
    spec = services.EngagementSpec(partner=partner, name=payload.name, scope=payload.scope,
                                   start_date=payload.start_date, end_date=payload.end_date,
                                   time_zone=payload.time_zone)
    return Status(201, _engagement_out(services.create_engagement(client, spec,
                                                                  acting_user=request.user)))


@router.put("/engagements/{engagement_id}/scope", response=EngagementOut)
def change_scope(request: HttpRequest, engagement_id: int, payload: ScopeIn) -> EngagementOut:
    engagement = _engagement(request, engagement_id)
    return _engagement_out(services.change_scope(engagement, payload.scope,
                                                 acting_user=request.user))


@router.post("/engagements/{engagement_id}/assignments", response={201: AssignmentOut})
def assign(request: HttpRequest, engagement_id: int,
           payload: AssignIn) -> Status[AssignmentOut]:
    engagement = _engagement(request, engagement_id)
    a = services.assign_username(engagement, payload.username, acting_user=request.user)
    return Status(201, AssignmentOut(id=a.pk, engagement=engagement.pk,
                                      username=payload.username))


@router.delete("/engagements/{engagement_id}/assignments/{assignment_id}", response={204: None})
def unassign(request: HttpRequest, engagement_id: int, assignment_id: int) -> Status[None]:
    services.unassign_id(_engagement(request, engagement_id), assignment_id,
                         acting_user=request.user)
    return Status(204, None)
