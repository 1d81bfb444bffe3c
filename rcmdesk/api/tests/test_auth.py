"""API authentication: a bearer token can write, and only a browser session needs CSRF.

Issue 15, finding 3: every POST, PUT or DELETE sent with a valid API token was refused with
``403 CSRF check Failed``, because the session check (and its CSRF test) ran first on every
request. These tests send their writes through a client that enforces CSRF exactly like a
browser's requests are checked, which the rest of the suite's clients do not.
"""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from rcmdesk.accounts.models import ApiToken, User
from rcmdesk.api.auth import CSRF_REFUSED
from rcmdesk.audit.models import AuditEvent
from rcmdesk.charges.tests.test_charges_api import BODY
from rcmdesk.claims.models import Claim
from rcmdesk.conftest import World, sign_in
from rcmdesk.decisions.models import Proposal
from rcmdesk.decisions.tests.factories import ar_item
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemStatus
from rcmdesk.workqueue.tests.factories import make_item


def with_token(user: User, **headers: str) -> Client:
    """An integration: no cookies, CSRF enforced, the token on every request."""
    _, raw = ApiToken.issue(user, "integration")
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}", **headers})


def browser(user: User) -> Client:
    return sign_in(Client(enforce_csrf_checks=True), user)


def send(client: Client, method: str, url: str, body: dict[str, Any] | None = None,
         **headers: str) -> Any:
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json",
                          headers=headers)


def proposal(item_id: int) -> dict[str, Any]:
    return {"client": "acme", "kind": "write_off", "item_id": item_id, "amount": "12.50",
            "adjustment_reason": "TIMELY", "reasons": "Small balance, past timely filing"}


def test_a_token_acts_on_a_work_item_with_its_etag(world: World) -> None:
    make_item(world.acme, 1)
    api = with_token(world.user(Role.PARTNER_SPECIALIST))
    item = send(api, "POST", "/api/work/next").json()
    acted = send(api, "POST", f"/api/work/items/{item['id']}/actions",
                 {"kind": "appealed", "status": "pending_client_decision", "note": "level 1"},
                 **{"If-Match": item["etag"]})
    assert acted.status_code == 200, acted.content
    assert acted.json()["status"] == ItemStatus.PENDING_CLIENT_DECISION


def test_a_token_enters_updates_and_discards_a_charge_draft(world: World) -> None:
    api = with_token(world.user(Role.CLIENT_STAFF))
    created = send(api, "POST", "/api/charges", BODY)
    assert created.status_code == 201, created.content
    url = f"/api/charges/{created.json()['id']}"
    updated = send(api, "PUT", url, {**BODY, "diagnoses": ["E11.9", "I10"]},
                   **{"If-Match": created["ETag"]})
    assert updated.status_code == 200, updated.content
    discarded = send(api, "DELETE", url, **{"If-Match": updated["ETag"]})
    assert discarded.status_code == 204, discarded.content
    assert not Claim.objects.exists()


def test_a_token_proposes_a_decision_in_its_users_name(world: World) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    response = send(with_token(specialist), "POST", "/api/decisions",
                    proposal(ar_item(world.acme).pk))
    assert response.status_code == 201, response.content
    assert Proposal.objects.get().proposed_by == specialist


def test_a_session_write_without_the_csrf_token_is_refused_and_changes_nothing(
        world: World) -> None:
    """What a forged cross-site form would send: the cookie alone, no CSRF token."""
    response = send(browser(world.user(Role.PARTNER_SPECIALIST)), "POST", "/api/decisions",
                    proposal(ar_item(world.acme).pk))
    assert response.status_code == 403
    assert response.json() == {"detail": CSRF_REFUSED}
    assert not Proposal.objects.exists()


def test_a_session_write_with_the_csrf_token_goes_through(world: World) -> None:
    session = browser(world.user(Role.PARTNER_SPECIALIST))
    session.get("/")  # the page sets the CSRF cookie, as a browser would receive it
    token = session.cookies["rcmdesk_csrf"].value
    response = send(session, "POST", "/api/decisions", proposal(ar_item(world.acme).pk),
                    **{"X-CSRFToken": token})
    assert response.status_code == 201, response.content


def test_the_token_alone_decides_who_a_request_is_when_a_session_cookie_comes_too(
        world: World) -> None:
    """A cookie riding along lends nothing: the token's user acts, and no CSRF is asked."""
    specialist = world.user(Role.PARTNER_SPECIALIST)
    _, raw = ApiToken.issue(specialist, "integration")
    both = browser(world.user(Role.CLIENT_ADMIN))
    bearer = {"Authorization": f"Bearer {raw}"}
    assert both.get("/api/me", headers=bearer).json()["username"] == "pillar.specialist"
    item = ar_item(world.acme)
    response = send(both, "POST", "/api/decisions", proposal(item.pk), **bearer)
    assert response.status_code == 201, response.content
    assert Proposal.objects.get().proposed_by == specialist
    assert both.get(f"/api/work/items/{item.pk}", headers=bearer).status_code == 200
    assert AuditEvent.objects.filter(action="read").latest("id").actor == specialist


def test_a_session_cookie_with_a_bad_token_is_refused_not_served_as_the_session(
        world: World) -> None:
    session = browser(world.user(Role.CLIENT_ADMIN))
    bad = {"Authorization": "Bearer rcm_not-a-real-token"}
    assert session.get("/api/me", headers=bad).status_code == 401
    response = send(session, "POST", "/api/decisions", proposal(ar_item(world.acme).pk), **bad)
    assert response.status_code == 401
    assert not Proposal.objects.exists()
    assert not AuditEvent.objects.filter(actor=world.user(Role.CLIENT_ADMIN)).exclude(
        action="login").exists()


def test_a_token_cannot_issue_more_tokens(world: World) -> None:
    api = with_token(world.user(Role.CLIENT_ADMIN))
    assert send(api, "POST", "/api/tokens", {"name": "another"}).status_code == 401
    assert ApiToken.objects.count() == 1


def test_a_write_with_neither_a_token_nor_a_session_is_answered_401(world: World) -> None:
    response = send(Client(enforce_csrf_checks=True), "POST", "/api/decisions", proposal(1))
    assert response.status_code == 401


def test_a_bearer_header_does_not_carry_an_unverified_session_past_the_second_factor(
        world: World) -> None:
    """Only the API trusts the token over the cookie; a page still asks for the code."""
    partner = Client()
    partner.force_login(world.user(Role.PARTNER_LEAD),
                        backend="rcmdesk.accounts.backends.ActiveUserBackend")
    page = partner.get("/", headers={"Authorization": "Bearer anything"})
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/otp")
