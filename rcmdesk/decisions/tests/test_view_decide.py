"""Deciding from the pages: approve posts, reject needs a comment, a replay answers 409."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.decisions.models import ProposalStatus
from rcmdesk.decisions.tests.factories import ar_item, write_off
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import JournalEntry, JournalKind
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_approving_posts_the_write_off_and_returns_to_the_inbox(world: World,
                                                                signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    response = signed_in(Role.CLIENT_MANAGER).post(
        f"/decisions/{proposal.pk}/decide",
        {"decision": "approve", "comment": "", "version": proposal.version})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.EXECUTED
    assert check_ledger() == []


@pytest.mark.parametrize("htmx", [{}, {"HTTP_HX_REQUEST": "true"}], ids=["page", "inbox row"])
def test_a_replayed_approval_answers_conflict_and_posts_nothing_more(
        world: World, signed_in: Any, htmx: dict[str, str]) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    manager = signed_in(Role.CLIENT_MANAGER)
    form = {"decision": "approve", "version": proposal.version}
    manager.post(f"/decisions/{proposal.pk}/decide", form)
    replay = manager.post(f"/decisions/{proposal.pk}/decide", form, **htmx)
    assert replay.status_code == 409
    assert f"Proposal {proposal.pk} is already executed" in replay.content.decode()
    assert replay.get("HX-Retarget") == ("#refusal" if htmx else None)
    assert JournalEntry.objects.filter(kind=JournalKind.WRITE_OFF).count() == 1


def test_rejecting_without_a_comment_is_refused(world: World, signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    response = signed_in(Role.CLIENT_MANAGER).post(f"/decisions/{proposal.pk}/decide",
                                                   {"decision": "reject", "comment": ""})
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_an_htmx_decision_answers_the_row(world: World, signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    response = signed_in(Role.CLIENT_MANAGER).post(
        f"/decisions/{proposal.pk}/decide", {"decision": "reject", "comment": "Appeal first"},
        HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="proposal-{proposal.pk}"' in response.content.decode()
    assert "Rejected" in response.content.decode()


def test_an_htmx_rejection_without_a_comment_says_why_beside_the_comment_box_in_the_row(
        world: World, signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    unexplained = signed_in(Role.CLIENT_MANAGER).post(
        f"/decisions/{proposal.pk}/decide", {"decision": "reject", "comment": "  "},
        HTTP_HX_REQUEST="true")
    body = unexplained.content.decode()
    assert unexplained.status_code == 400
    assert unexplained.get("X-RCM-Refusal") == "1"  # app.js swaps it in although a 400
    assert unexplained.get("HX-Retarget") is None  # in place: the row, not the page's top
    assert f'id="proposal-{proposal.pk}"' in body
    assert 'data-testid="comment-problem"' in body
    assert "Say why you are rejecting this, so the partner can act on it" in body


def test_rejecting_on_the_page_without_a_comment_shows_the_message_and_keeps_the_page(
        world: World, signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    manager = signed_in(Role.CLIENT_MANAGER)
    refused = manager.post(f"/decisions/{proposal.pk}/decide",
                           {"decision": "reject", "comment": "   ", "version": proposal.version})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert 'data-testid="decide-form"' in body  # still the proposal's page, still decidable
    assert 'aria-describedby="comment-problem"' in body
    assert "Say why you are rejecting this, so the partner can act on it" in body


def test_an_htmx_rejection_keeps_what_was_typed_when_it_is_refused(
        world: World, signed_in: Any) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    refused = signed_in(Role.CLIENT_MANAGER).post(
        f"/decisions/{proposal.pk}/decide", {"comment": "Not before the appeal"},
        HTTP_HX_REQUEST="true")  # no decision chosen
    body = refused.content.decode()
    assert refused.status_code == 400
    assert 'value="Not before the appeal"' in body
    assert "Choose approve or reject." in body
