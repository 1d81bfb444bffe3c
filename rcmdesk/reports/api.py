"""This app's API routes, mounted by ``rcmdesk.api.api`` under ``/api/reports``.

``GET /kpis?client=&week=&payer=&provider=&workflow=``: the dashboard's numbers as JSON,
Decimals as strings. Same rules as the page: an unseen client 404, a role without
VIEW_REPORTS 403, a malformed week or id 400."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from rcmdesk.api.paging import ID_MAX
from rcmdesk.api.problems import Problem
from rcmdesk.reports import queries

router = Router(tags=["reports"])


class KpiQuery(Schema):
    client: str
    week: str = ""
    payer: int | None = Field(default=None, ge=1, le=ID_MAX, description="A payer's id.")
    provider: int | None = Field(default=None, ge=1, le=ID_MAX, description="A provider's id.")
    workflow: str = ""


@router.get("/kpis", response={200: dict[str, Any], 400: Problem})
def kpis(request: HttpRequest, q: Query[KpiQuery]) -> Any:
    try:
        req = queries.resolve(request.user, client=q.client, week=q.week, payer=q.payer,
                              provider=q.provider, workflow=q.workflow)
    except ValueError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(200, queries.as_json(req, queries.numbers(req)))
