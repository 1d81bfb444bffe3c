"""The decisions API: the tenant contract, proposing, and deciding (403 for partner roles,
409 for a replay)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rcmdesk.api.testing import TenantResourceContract
from rcmdesk.conftest import World, make_user, sign_in
from rcmdesk.decisions import services
from rcmdesk.decisions.models import Proposal, ProposalKind, ProposalStatus
from rcmdesk.decisions.tests.factories import ar_item, write_off
from rcmdesk.remits.models import JournalEntry, JournalKind
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


class TestProposalResource(TenantResourceContract):
    list_url = "/api/decisions"
    viewer = Role.CLIENT_MANAGER
    list_query_budget = 16  # one more for the settled adjustments, prefetched for all rows

    def detail_url(self, key: str) -> str:
        return f"/api/decisions/{key}"

    def own_key(self, world: World) -> str:
        return str(Proposal.objects.get(client=world.acme).pk)

    def foreign_key(self, world: World) -> str:
        return str(Proposal.objects.get(client=world.birch).pk)

    @pytest.fixture(autouse=True)
    def _proposals(self, world: World) -> None:
        write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
        services.propose(world.birch,
                         ProposalKind.POLICY_EXCEPTION, acting_user=make_user("birch.staff",
                                                                              Role.CLIENT_STAFF,
                                                                              world.birch),
                                                                              reasons="birch")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_specialist_proposes_a_write_off(world: World) -> None:
    item = ar_item(world.acme)
    response = post(sign_in(Client(), world.user(Role.PARTNER_SPECIALIST)), "/api/decisions", {
        "client": "acme", "kind": "write_off", "item_id": item.pk, "amount": "12.50",
        "adjustment_reason": "TIMELY", "reasons": "Small balance, past filing"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["amount"], body["claim_id"]) == (
        "proposed", "12.50", item.claim_id)
    assert [e["kind"] for e in body["history"]] == ["proposed"]


def test_proposing_on_another_clients_item_is_not_found(world: World) -> None:
    item = ar_item(world.birch)
    response = post(sign_in(Client(), world.user(Role.PARTNER_SPECIALIST)), "/api/decisions", {
        "client": "birch", "kind": "write_off", "item_id": item.pk, "amount": "1",
        "reasons": "x"})
    assert response.status_code == 404


def test_a_manager_approves_once_and_a_replay_conflicts(world: World) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    manager = sign_in(Client(), world.user(Role.CLIENT_MANAGER))
    body = {"approve": True, "comment": "ok", "version": proposal.version}
    first = post(manager, f"/api/decisions/{proposal.pk}/decision", body)
    assert first.status_code == 200, first.content
    assert first.json()["status"] == ProposalStatus.EXECUTED
    assert post(manager, f"/api/decisions/{proposal.pk}/decision", body).status_code == 409
    assert JournalEntry.objects.filter(kind=JournalKind.WRITE_OFF).count() == 1


@pytest.mark.parametrize("role", [r for r in Role if r.is_partner])
def test_partner_roles_are_forbidden_to_decide(world: World, role: Role) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    response = post(sign_in(Client(), world.user(role)),
                    f"/api/decisions/{proposal.pk}/decision", {"approve": True})
    assert response.status_code == 403


def test_a_proposal_out_of_sight_is_not_found_for_deciding(world: World) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    birch_manager = make_user("birch.manager", Role.CLIENT_MANAGER, world.birch)
    response = post(sign_in(Client(), birch_manager), f"/api/decisions/{proposal.pk}/decision",
                    {"approve": True})
    assert response.status_code == 404
