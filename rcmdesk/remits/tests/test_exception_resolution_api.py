"""The resolving API: the same services as the page, refusals as Problems (400 wrong kind,
403 role, 404 out of sight, 409 already resolved), and unapplied cash listed and applied."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from rcmdesk.conftest import World, sign_in
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import ExceptionStatus
from rcmdesk.remits.tests.test_resolution import UNMATCHED, arrives, paid_twice
from rcmdesk.remits.tests.x12text import make_claim
from rcmdesk.tenancy.roles import Role


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def specialist(world: World) -> Client:
    world.acme_engagement.scope = ["ar_followup", "denials", "posting"]
    world.acme_engagement.save()
    return sign_in(Client(), world.user(Role.PARTNER_SPECIALIST))


def test_an_exception_says_its_kind_and_actions(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    body = specialist(world).get(f"/api/posting-exceptions/{exception.pk}").json()
    assert (body["kind"], body["actions"]) == ("unmatched payment", ["match", "park"])


def test_matching_posts_once_and_a_replay_conflicts(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    claim = make_claim(world.acme, "REAL1", [("99213", "50.00")])
    client = specialist(world)
    url = f"/api/posting-exceptions/{exception.pk}/match"

    first = post(client, url, {"claim_id": claim.pk})
    again = post(client, url, {"claim_id": claim.pk})

    assert first.status_code == 200
    assert (first.json()["status"], first.json()["matched_claim_id"]) == ("resolved", claim.pk)
    assert again.status_code == 409
    assert "already resolved" in again.json()["detail"]
    assert check_ledger() == []


def test_another_clients_claim_or_exception_is_not_found(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    other = make_claim(world.birch, "BIRCH1", [("99213", "50.00")])
    client = specialist(world)
    assert post(client, f"/api/posting-exceptions/{exception.pk}/match",
                {"claim_id": other.pk}).status_code == 404
    birch = sign_in(Client(), world.birch_admin)
    assert birch.get(f"/api/posting-exceptions/{exception.pk}").status_code == 404
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.OPEN


def test_a_wrong_action_for_the_kind_is_a_400_in_words(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    response = post(specialist(world), f"/api/posting-exceptions/{exception.pk}/refund",
                    {"text": "x"})
    assert response.status_code == 400
    assert "cannot be resolved that way" in response.json()["detail"]


def test_parked_cash_is_listed_and_applied(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    client = specialist(world)
    assert post(client, f"/api/posting-exceptions/{exception.pk}/park",
                {"text": "no claim yet"}).json()["status"] == "resolved"
    [held] = client.get("/api/unapplied-cash").json()
    assert (held["amount"], held["remaining"], held["exception_id"]) == ("50.00", "50.00",
                                                                        exception.pk)
    claim = make_claim(world.acme, "LATER", [("99213", "80.00")])
    applied = post(client, f"/api/unapplied-cash/{held['id']}/apply",
                   {"claim_id": claim.pk, "amount": "30.00"})
    assert applied.json()["remaining"] == "20.00"
    assert check_ledger() == []


def test_a_refund_is_proposed_and_the_client_decides_it_through_the_decisions_api(
        world: World) -> None:
    exception = paid_twice(world)
    body = post(specialist(world), f"/api/posting-exceptions/{exception.pk}/refund",
                {"text": "paid twice"}).json()
    decision = body["refund_decision_id"]
    assert body["actions"] == []
    assert body["status"] == "open"
    lead = sign_in(Client(), world.user(Role.PARTNER_LEAD))
    assert post(lead, f"/api/decisions/{decision}/decision",
                {"approve": True}).status_code == 403
    manager = sign_in(Client(), world.user(Role.CLIENT_MANAGER))
    assert post(manager, f"/api/decisions/{decision}/decision",
                {"approve": True}).json()["status"] == "executed"
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.RESOLVED
    assert check_ledger() == []
