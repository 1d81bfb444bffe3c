"""This app's API routes, mounted by ``rcmdesk.api.api`` under ``/api/reports``.

``GET /kpis?client=&week=&payer=&provider=&workflow=``: the dashboard's numbers as JSON,
Decimals as strings. Same rules as the page: an unseen client 404, a role without
VIEW_REPORTS 403, a malformed week or id 400."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from rcmdesk.reports import queries

router = Router(tags=["reports"])


class Problem(Schema):
    detail: str


@router.get("/kpis", response={200: dict[str, Any], 400: Problem})
def kpis(request: HttpRequest, client: str, week: str = "", payer: str = "",
         provider: str = "", workflow: str = "") -> Any:
    try:
        req = queries.resolve(request.user, client=client, week=week, payer=payer,
                              provider=provider, workflow=workflow)
    except ValueError as exc:
        return 400, {"detail": str(exc)}
    return 200, queries.as_json(req, queries.numbers(req))
