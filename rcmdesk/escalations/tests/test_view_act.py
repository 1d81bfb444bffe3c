"""Moving an escalation from its page: acknowledge, respond, reassign; refusals."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.escalations.models import EscalationStatus
from rcmdesk.escalations.tests.factories import birch_escalation, raise_one
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_owner_acknowledges_then_responds(world: World, signed_in: Any) -> None:
    esc = raise_one(world)
    lead = signed_in(Role.PARTNER_LEAD)
    url = f"/escalations/{esc.pk}/act/"
    assert lead.post(url, {"action": "acknowledge", "version": "1"}).status_code == 302
    assert lead.post(url, {"action": "respond", "version": "2",
                           "note": "Payer agreed to reprocess."}).status_code == 302
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.RESPONDED
    assert esc.first_response_at is not None


def test_a_stale_form_answers_409_and_changes_nothing(world: World, signed_in: Any) -> None:
    esc = raise_one(world)
    lead = signed_in(Role.PARTNER_LEAD)
    lead.post(f"/escalations/{esc.pk}/act/", {"action": "acknowledge", "version": "1"})
    response = lead.post(f"/escalations/{esc.pk}/act/", {"action": "resolve", "version": "1"})
    assert response.status_code == 409
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.ACKNOWLEDGED


def test_a_specialist_may_not_resolve_and_gets_403(world: World, signed_in: Any) -> None:
    esc = raise_one(world)
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        f"/escalations/{esc.pk}/act/", {"action": "resolve", "version": "1"})
    assert response.status_code == 403


def test_a_client_manager_reassigns_to_themselves(world: World, signed_in: Any) -> None:
    esc = raise_one(world)
    signed_in(Role.CLIENT_MANAGER).post(f"/escalations/{esc.pk}/act/", {
        "action": "reassign", "version": "1", "owner": "acme.manager"})
    esc.refresh_from_db()
    assert esc.owner.username == "acme.manager"
    assert esc.status == EscalationStatus.OPEN


def test_acting_on_a_foreign_escalation_answers_404(world: World, signed_in: Any) -> None:
    esc = birch_escalation(world)
    response = signed_in(Role.CLIENT_MANAGER).post(
        f"/escalations/{esc.pk}/act/", {"action": "close", "version": "1"})
    assert response.status_code == 404


def test_reassigning_to_a_name_nobody_has_answers_as_for_another_tenants_user(
        world: World, signed_in: Any) -> None:
    esc = raise_one(world)
    manager = signed_in(Role.CLIENT_MANAGER)

    def answer(owner: str) -> tuple[int, str]:
        response = manager.post(f"/escalations/{esc.pk}/act/", {
            "action": "reassign", "version": "1", "owner": owner})
        problem = response.content.decode().split('data-testid="problem"')[1].split("</p>")[0]
        return response.status_code, problem.replace(owner, "NAME")

    assert answer("birch.admin") == answer("no.such.person")
    assert "NAME cannot own escalations for this client." in answer("no.such.person")[1]
    esc.refresh_from_db()
    assert esc.owner.username == "pillar.lead"


def test_a_refused_response_keeps_the_note_as_typed(world: World, signed_in: Any) -> None:
    esc = raise_one(world)
    lead = signed_in(Role.PARTNER_LEAD)
    response = lead.post(f"/escalations/{esc.pk}/act/", {
        "action": "reassign", "version": "1", "owner": "no.such.person",
        "note": "Moving this to the payer team lead."})
    assert response.status_code == 400
    assert "Moving this to the payer team lead.</textarea>" in response.content.decode()

