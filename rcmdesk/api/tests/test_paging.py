"""Paging parameters of every list route: out of range is a clear 422, never a 500.

Issue 15, finding 8: an offset above 2^63 on 8 list routes, or a negative one on 3, reached
the database and answered 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from rcmdesk.accounts.models import ApiToken
from rcmdesk.api.paging import PAGE_MAX
from rcmdesk.conftest import World
from rcmdesk.tenancy.roles import Role

OFFSET_LISTS = ["/api/claims", "/api/charges", "/api/visits", "/api/escalations", "/api/auths",
                "/api/qa/audits", "/api/scrubber/runs", "/api/work/items"]
OFFSET_ROUTES = [*OFFSET_LISTS, "/api/scrubber/runs/1"]  # a run's findings page too
CURSOR_ROUTES = ["/api/intake/files", "/api/batches"]
LIMIT_ROUTES = [*OFFSET_ROUTES, *CURSOR_ROUTES, "/api/posting-exceptions", "/api/audit/events"]


@pytest.fixture
def api(world: World) -> Client:
    _, raw = ApiToken.issue(world.user(Role.CLIENT_ADMIN), "integration")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def refused(response: Any, name: str) -> str:
    assert response.status_code == 422, response.content
    detail: str = response.json()["detail"]
    assert f"{name} (query)" in detail
    return detail


@pytest.mark.parametrize("route", OFFSET_ROUTES)
@pytest.mark.parametrize("offset", [2**63, 2**64 + 5, -1, -(2**63) - 1])
def test_an_offset_out_of_range_is_a_422_naming_it(api: Client, route: str,
                                                    offset: int) -> None:
    refused(api.get(route, {"offset": offset}), "offset")


@pytest.mark.parametrize("route", OFFSET_ROUTES)
def test_an_offset_past_the_cap_is_refused_with_the_cap(api: Client, route: str) -> None:
    detail = refused(api.get(route, {"offset": settings.RCMDESK_API_MAX_OFFSET + 1}), "offset")
    assert str(settings.RCMDESK_API_MAX_OFFSET) in detail


@pytest.mark.parametrize("route", LIMIT_ROUTES)
@pytest.mark.parametrize("limit", [0, -5, 2**63])
def test_a_limit_out_of_range_is_a_422_naming_it(api: Client, route: str, limit: int) -> None:
    refused(api.get(route, {"limit": limit}), "limit")


@pytest.mark.parametrize("route", CURSOR_ROUTES)
def test_a_cursor_past_the_largest_id_is_a_422(api: Client, route: str) -> None:
    refused(api.get(route, {"before_id": 2**63}), "before_id")


@pytest.mark.parametrize("route", OFFSET_LISTS)
def test_the_deepest_page_allowed_answers_an_empty_page(api: Client, route: str) -> None:
    response = api.get(route, {"offset": settings.RCMDESK_API_MAX_OFFSET, "limit": PAGE_MAX})
    assert response.status_code == 200, response.content


def test_every_list_route_documents_the_bounds_of_its_paging(api: Client) -> None:
    """A list route added later with its own ``offset: int`` fails here, not in production."""
    document = api.get("/api/openapi.json").json()
    for path, methods in document["paths"].items():
        for parameter in methods.get("get", {}).get("parameters", []):
            if parameter["name"] in ("limit", "offset", "before_id"):
                bounds = parameter["schema"].get("anyOf", [parameter["schema"]])[0]
                assert {"minimum", "maximum"} <= bounds.keys(), (path, parameter["name"])
