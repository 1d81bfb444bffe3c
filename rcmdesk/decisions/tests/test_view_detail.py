"""One proposal: its facts, its history, and the decide form only for client managers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.decisions import services
from rcmdesk.decisions.tests.factories import ar_item, write_off
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_page_shows_reasons_evidence_and_history(world: World, signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    page = signed_in(Role.CLIENT_MANAGER).get(f"/decisions/{proposal.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Past timely filing" in text
    assert "Call ref 55-1234" in text
    assert 'data-testid="decide-form"' in text
    assert AuditEvent.objects.filter(action="read", object_id=str(proposal.pk)).exists()


def test_the_proposer_may_withdraw_but_not_decide(world: World, signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    text = signed_in(Role.PARTNER_SPECIALIST).get(f"/decisions/{proposal.pk}/").content.decode()
    assert 'data-testid="decide-form"' not in text
    assert 'data-testid="withdraw"' in text


def test_a_decided_proposal_shows_its_outcome_in_words(world: World, signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    done = services.decide(proposal, True, "fine", acting_user=world.user(Role.CLIENT_MANAGER))
    text = signed_in(Role.PARTNER_SPECIALIST).get(f"/decisions/{proposal.pk}/").content.decode()
    assert 'data-testid="status">Executed<' in text
    assert (f"Posted to the ledger as journal entry #{done.result['journal_id']}, $40.00"
            in text)
    assert "journal_id" not in text
    assert 'data-testid="decide-form"' not in text


def test_another_clients_proposal_is_not_found(world: World, signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    birch = sign_in(Client(), world.birch_admin)
    assert birch.get(f"/decisions/{proposal.pk}/").status_code == 404
