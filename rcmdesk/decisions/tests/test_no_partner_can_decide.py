"""No partner role — nor a client admin or staff member — can approve a client decision,
whichever route it takes: the pages (form and HTMX), the API, the CLI, the Django admin.

Each refusal is checked where it matters: the proposal is still open and nothing was
written off.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World, sign_in
from rcmdesk.decisions.models import DecisionRule, Proposal, ProposalEvent, ProposalStatus
from rcmdesk.decisions.tests.factories import ar_item, write_off
from rcmdesk.remits.models import JournalEntry, JournalKind
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
REFUSED_ROLES = [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.PARTNER_QA,
                 Role.CLIENT_ADMIN, Role.CLIENT_STAFF]


def via_page(world: World, role: Role, proposal: Proposal) -> bool:
    response = sign_in(Client(), world.user(role)).post(
        f"/decisions/{proposal.pk}/decide",
        {"decision": "approve", "comment": "ok", "version": proposal.version})
    return response.status_code in (403, 404)


def via_htmx(world: World, role: Role, proposal: Proposal) -> bool:
    response = sign_in(Client(), world.user(role)).post(
        f"/decisions/{proposal.pk}/decide", {"decision": "approve", "comment": "ok"},
        HTTP_HX_REQUEST="true")
    return response.status_code in (403, 404)


def via_api(world: World, role: Role, proposal: Proposal) -> bool:
    response = sign_in(Client(), world.user(role)).post(
        f"/api/decisions/{proposal.pk}/decision",
        json.dumps({"approve": True, "comment": "ok", "version": proposal.version}),
        content_type="application/json")
    return response.status_code in (403, 404)


def via_cli(world: World, role: Role, proposal: Proposal) -> bool:
    result = CliRunner().invoke(app, ["decisions", "decide", str(proposal.pk), "--approve",
                                      "--comment", "ok", "--as", world.user(role).username])
    return result.exit_code == 1


ROUTES: dict[str, Callable[[World, Role, Proposal], bool]] = {
    "page": via_page, "htmx": via_htmx, "api": via_api, "cli": via_cli}


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_the_role_cannot_approve_through_the_route(world: World, role: Role,
                                                   route: str) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    assert ROUTES[route](world, role, proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.decided_by is None
    assert not JournalEntry.objects.filter(kind=JournalKind.WRITE_OFF).exists()


@pytest.mark.parametrize("route", list(ROUTES))
def test_a_client_manager_can_approve_through_the_route(world: World, route: str) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    ROUTES[route](world, Role.CLIENT_MANAGER, proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.EXECUTED
    assert JournalEntry.objects.filter(kind=JournalKind.WRITE_OFF).count() == 1


def test_the_django_admin_offers_no_way_to_decide(world: World) -> None:
    for model in (Proposal, ProposalEvent, DecisionRule):
        assert model not in admin.site._registry


@pytest.mark.parametrize("role", [r for r in Role if r.is_partner] + [Role.PLATFORM_ADMIN])
def test_the_admin_has_no_proposal_pages_for_anyone(world: World, role: Role) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    client: Any = sign_in(Client(), world.user(role))
    response = client.post(f"/admin/decisions/proposal/{proposal.pk}/change/",
                           {"status": "approved"})
    assert response.status_code in (302, 403, 404)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
