"""/api/scrubber: the tenant contract for runs, and scrubbing claims by id."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from rcmdesk.api.testing import TenantResourceContract
from rcmdesk.claims.models import FrontDoor
from rcmdesk.conftest import World, sign_in
from rcmdesk.scrubber import services
from rcmdesk.scrubber.models import ScrubRun
from rcmdesk.scrubber.tests import builders as b
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


class TestRunResource(TenantResourceContract):
    list_url = "/api/scrubber/runs"
    viewer = Role.CLIENT_STAFF

    def detail_url(self, key: str) -> str:
        return f"/api/scrubber/runs/{key}"

    def own_key(self, world: World) -> str:
        return str(ScrubRun.objects.get(client=world.acme).pk)

    def foreign_key(self, world: World) -> str:
        return str(ScrubRun.objects.get(client=world.birch).pk)

    @pytest.fixture(autouse=True)
    def _runs(self, world: World) -> None:
        services.scrub(world.acme, [b.claim(world.acme)], acting_user=None, today=b.TODAY)
        services.scrub(world.birch, [b.claim(world.birch)], acting_user=None, today=b.TODAY)


def test_posting_claim_ids_scrubs_them_and_answers_with_the_findings(world: World) -> None:
    day = world.acme.today() - timedelta(days=3)
    clean = b.claim(world.acme, service_from=day, service_to=day)
    broken = b.claim(world.acme, service_from=day, service_to=day, diagnoses=[])
    api = sign_in(Client(), world.user(Role.CLIENT_STAFF))
    response = api.post("/api/scrubber/runs", {"claim_ids": [clean.pk, broken.pk]},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["scrubbed"], body["clean"], body["clean_claim_rate"]) == (2, 1, "50.00")
    assert "RQ025" in {g["code"] for g in body["groups"]}
    assert {f["claim_id"] for f in body["findings"]} == {broken.pk}
    broken.refresh_from_db()
    assert broken.front_door == FrontDoor.HELD


def test_a_foreign_claim_id_answers_like_a_missing_one(world: World) -> None:
    own, foreign = b.claim(world.acme), b.claim(world.birch)
    api = sign_in(Client(), world.user(Role.CLIENT_STAFF))
    answers = [api.post("/api/scrubber/runs", {"claim_ids": [own.pk, other]},
                        content_type="application/json") for other in (foreign.pk, 987654321)]
    assert answers[0].status_code == answers[1].status_code == 404
    assert answers[0].content == answers[1].content
    assert not ScrubRun.objects.exists()


def test_a_role_that_does_not_work_claims_may_not_scrub(world: World) -> None:
    c = b.claim(world.acme)
    api = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    response = api.post("/api/scrubber/runs", {"claim_ids": [c.pk]},
                        content_type="application/json")
    assert response.status_code == 403
