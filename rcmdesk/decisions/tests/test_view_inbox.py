"""The decisions inbox: counts, age and dollars for managers; partners follow read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.decisions.models import ProposalKind
from rcmdesk.decisions.tests.factories import ar_item, write_off
from rcmdesk.denials import appeals
from rcmdesk.denials.tests.builders import denied_claim, lease
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_manager_sees_what_waits_with_totals_and_decide_buttons(world: World,
                                                                 signed_in: Any) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    first = write_off(specialist, ar_item(world.acme, 1), "40.00")
    write_off(specialist, ar_item(world.acme, 2), "60.00")
    page = signed_in(Role.CLIENT_MANAGER).get("/decisions/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="count">2<' in text
    assert 'data-testid="amount">$100.00<' in text
    assert f'data-testid="decide-{first.pk}"' in text
    assert AuditEvent.objects.filter(action="list", object_type="decisions.proposal").exists()


def test_a_partner_sees_the_proposals_without_decide_buttons(world: World,
                                                            signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    text = signed_in(Role.PARTNER_LEAD).get("/decisions/").content.decode()
    assert f'data-testid="proposal-{proposal.pk}"' in text
    assert f'data-testid="decide-{proposal.pk}"' not in text


def test_another_clients_proposals_are_not_listed(world: World, signed_in: Any) -> None:
    from rcmdesk.conftest import make_user
    from rcmdesk.decisions import services

    birch_staff = make_user("birch.staff", Role.CLIENT_STAFF, world.birch)
    services.propose(world.birch, ProposalKind.POLICY_EXCEPTION, acting_user=birch_staff,
                     reasons="birch-secret-marker")
    text = signed_in(Role.CLIENT_MANAGER).get("/decisions/?status=all").content.decode()
    assert "birch-secret-marker" not in text


def test_filters_narrow_by_kind_and_status(world: World, signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    manager = signed_in(Role.CLIENT_MANAGER)
    assert f"proposal-{proposal.pk}" not in manager.get(
        "/decisions/?kind=policy_exception").content.decode()
    assert f"proposal-{proposal.pk}" not in manager.get(
        "/decisions/?status=executed").content.decode()
    assert f"proposal-{proposal.pk}" in manager.get(
        "/decisions/?kind=write_off&status=proposed").content.decode()


def test_appeals_waiting_on_the_client_are_listed_beside_proposals(world: World,
                                                                   signed_in: Any) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    denied = denied_claim(world.acme)
    appeal = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    appeals.mark_pending_decision(appeal, appeal.version, acting_user=specialist)
    text = signed_in(Role.CLIENT_MANAGER).get("/decisions/").content.decode()
    assert f'data-testid="appeal-{appeal.pk}"' in text
    assert 'data-testid="kind-appeal_filing">1 · $150.00<' in text


def test_each_proposals_claim_links_to_the_claim_page(world: World, signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    manager = signed_in(Role.CLIENT_MANAGER)
    text = manager.get("/decisions/").content.decode()
    link = reverse("claims:claim", args=[proposal.claim_id])
    row = text.split(f'data-testid="proposal-{proposal.pk}"')[1].split("</tr>")[0]
    assert f'href="{link}"' in row
    assert manager.get(link).status_code == 200
