"""Generic API contract tests that every tenant-scoped resource inherits (as NetBox does).

A resource's test class names its list URL, how to build a detail URL, which objects belong
to the viewer's tenant and to a foreign one, and a query budget. The inherited tests then
prove, for that resource: sign-in required, lists scoped, foreign ids answered like missing
ones, reads audited, and the list stays within its query budget.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.test import Client

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.tenancy.roles import Role

MISSING = "987654321"


class TenantResourceContract:
    list_url: ClassVar[str]
    viewer: ClassVar[Role] = Role.CLIENT_STAFF
    # Session, user, two-factor devices and the session touch are a fixed cost of ~9.
    list_query_budget: ClassVar[int] = 10
    audits_detail_reads: ClassVar[bool] = True

    def detail_url(self, key: str) -> str:
        raise NotImplementedError

    def own_key(self, world: World) -> str:
        raise NotImplementedError

    def foreign_key(self, world: World) -> str:
        raise NotImplementedError

    def listed_keys(self, rows: list[dict[str, Any]]) -> set[str]:
        return {str(row.get("id", row.get("slug"))) for row in rows}

    @pytest.fixture
    def api(self, world: World) -> Client:
        return sign_in(Client(), world.user(self.viewer))

    def test_it_requires_authentication(self, world: World) -> None:
        assert Client().get(self.list_url).status_code == 401
        assert Client().get(self.detail_url(self.own_key(world))).status_code == 401

    def test_it_lists_only_the_viewers_tenant(self, world: World, api: Client) -> None:
        rows = api.get(self.list_url).json()
        keys = self.listed_keys(rows)
        assert self.own_key(world) in keys
        assert self.foreign_key(world) not in keys

    def test_it_answers_a_foreign_id_exactly_like_a_missing_one(self, world: World,
                                                                 api: Client) -> None:
        foreign = api.get(self.detail_url(self.foreign_key(world)))
        missing = api.get(self.detail_url(MISSING))
        assert foreign.status_code == missing.status_code == 404
        assert foreign.content == missing.content

    def test_it_returns_the_viewers_own_object(self, world: World, api: Client) -> None:
        response = api.get(self.detail_url(self.own_key(world)))
        assert response.status_code == 200, response.content

    def test_it_audits_detail_reads(self, world: World, api: Client) -> None:
        if not self.audits_detail_reads:
            pytest.skip("this resource holds no patient or tenant detail")
        before = AuditEvent.objects.filter(action="read").count()
        api.get(self.detail_url(self.own_key(world)))
        assert AuditEvent.objects.filter(action="read").count() == before + 1

    def test_its_list_stays_within_its_query_budget(self, world: World, api: Client,
                                                    django_assert_max_num_queries: Any) -> None:
        with django_assert_max_num_queries(self.list_query_budget):
            assert api.get(self.list_url).status_code == 200
