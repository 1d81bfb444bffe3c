"""The playbook over the API: SOPs (list, one with its versions), a new version (client admins
only), and the SOP in force for a work item.

Another tenant's SOP or item answers 404 like a missing one; a role that may not edit 403.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Max
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status

from rcmdesk.api.problems import Problem
from rcmdesk.playbooks import editing, queries
from rcmdesk.playbooks.models import SopDocument, SopVersion
from rcmdesk.playbooks.rendering import render_markdown
from rcmdesk.playbooks.sops import checklist_for, sop_for_item
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.roles import Action
from rcmdesk.workqueue.models import WorkItem

router = Router(tags=["playbook"])


class SopOut(Schema):
    id: int
    client: str
    workflow: str
    payer_id: int | None
    category: str
    title: str
    active: bool
    latest_version: int | None


class VersionOut(Schema):
    number: int
    body: str
    html: str
    checklist: list[str]
    change_note: str
    author: str | None
    created_at: datetime


class SopDetailOut(SopOut):
    versions: list[VersionOut]


class VersionIn(Schema):
    body: str
    change_note: str
    checklist: list[str] = []


class ItemSopOut(Schema):
    item_id: int
    sop: SopOut | None
    version: VersionOut | None
    checklist: list[str]  # the SOP's, or the default an auditor scores against


class SopQuery(Schema):
    client: str = ""


def _sop(doc: SopDocument, latest: int | None) -> dict[str, Any]:
    return {"id": doc.pk, "client": doc.client.slug, "workflow": doc.workflow,
            "payer_id": doc.payer_id, "category": doc.category, "title": doc.title,
            "active": doc.active, "latest_version": latest}


def _version(v: SopVersion) -> dict[str, Any]:
    return {"number": v.number, "body": v.body, "html": str(render_markdown(v.body)),
            "checklist": list(v.checklist or []), "change_note": v.change_note,
            "author": v.author.username if v.author else None, "created_at": v.created_at}


def _detail(doc: SopDocument) -> dict[str, Any]:
    versions = list(doc.versions.select_related("author").order_by("-number"))
    return {**_sop(doc, versions[0].number if versions else None),
            "versions": [_version(v) for v in versions]}


@router.get("/sops", response=list[SopOut])
def list_sops(request: HttpRequest, filters: Query[SopQuery]) -> list[dict[str, Any]]:
    """Every SOP the caller reads (their engagements' clients), or one client's."""
    rows = SopDocument.objects.visible_to(request.user).select_related("client")
    if filters.client:
        client = queries.client_for(request.user, filters.client[:60])
        if client is None:
            raise Http404("Not found.")
        rows = rows.filter(client=client)
    docs = {d.pk: d for d in rows.order_by("client__name", "workflow", "title")}
    latest = _latest(list(docs))
    return [_sop(d, latest.get(pk)) for pk, d in docs.items()]


def _latest(ids: list[int]) -> dict[int, int]:
    rows = (SopVersion.objects.filter(document_id__in=ids).values("document_id")
            .annotate(n=Max("number")).values_list("document_id", "n"))
    return {doc: n for doc, n in rows}


@router.get("/sops/{int:sop_id}", response=SopDetailOut)
def get_sop(request: HttpRequest, sop_id: int) -> dict[str, Any]:
    doc: SopDocument = SopDocument.objects.select_related("client").get_visible_or_404(
        request.user, pk=sop_id)
    return _detail(doc)


@router.post("/sops/{int:sop_id}/versions", response={201: SopDetailOut, 400: Problem})
def create_version(request: HttpRequest, sop_id: int, body: VersionIn) -> Any:
    """A new version (client admins only); earlier versions stay as they were."""
    doc: SopDocument = SopDocument.objects.select_related("client").get_visible_or_404(
        request.user, pk=sop_id)
    require(request.user, Action.EDIT_PLAYBOOKS, doc.client_id)
    editing.add_version(doc, editing.SopText(
        body=body.body, change_note=body.change_note,
        checklist=editing.clean_checklist(body.checklist)), acting_user=request.user)
    return Status(201, _detail(doc))


@router.get("/items/{int:item_id}/sop", response=ItemSopOut)
def item_sop(request: HttpRequest, item_id: int) -> dict[str, Any]:
    """The SOP in force for a work item the caller may see, and the checklist it implies."""
    item = WorkItem.objects.visible_to(request.user).filter(pk=item_id).first()
    if item is None:
        raise Http404("Not found.")
    version = sop_for_item(item)
    return {"item_id": item.pk,
            "sop": _sop(version.document, version.number) if version else None,
            "version": _version(version) if version else None,
            "checklist": checklist_for(version)}
