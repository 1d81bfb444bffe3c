"""The structured call / portal log: kept with the action, shown in the history and the API,
required where the client's playbook asks for the payer's reference number, and read by the
claim page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.playbooks import editing
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import queries, services
from rcmdesk.workqueue.models import ActionKind, CallLog, ItemKind, WorkItem
from rcmdesk.workqueue.services import Call, Step
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db
UHC_CALL = Call("phone", "Dana at the provider line", "REF-2026-0042",
                "Claim in process; allow 14 more days.")


def specialist(world: World) -> Any:
    return world.user(Role.PARTNER_SPECIALIST)


def leased_denial(world: World, pcn: str = "PCNCALL") -> WorkItem:
    item = make_item(world.acme, 1, kind=ItemKind.DENIAL, claim=make_claim(world.acme, pcn))
    return services.claim(item, item.version, acting_user=specialist(world))


def require_reference(world: World, payer: Any = None, required: bool | None = True) -> None:
    editing.save_payer_rule(world.acme, payer, {}, "SOP: always record the call reference",
                            acting_user=world.user(Role.CLIENT_ADMIN),
                            call_reference_required=required)


def test_a_payer_call_keeps_its_log_structured_beside_the_history_line(world: World) -> None:
    item = leased_denial(world)
    services.act(item, item.version, Step(ActionKind.CALLED_PAYER, "called", call=UHC_CALL),
                 acting_user=specialist(world))
    log = CallLog.objects.get()
    assert (log.channel, log.contact, log.reference, log.said) == (
        "phone", "Dana at the provider line", "REF-2026-0042",
        "Claim in process; allow 14 more days.")
    assert log.action.kind == ActionKind.CALLED_PAYER
    assert log.claim_id == item.claim_id


def test_a_portal_check_without_a_channel_is_logged_as_the_portal(world: World) -> None:
    item = leased_denial(world)
    services.act(item, item.version,
                 Step(ActionKind.CHECKED_PORTAL, call=Call(contact="Availity", said="Pending")),
                 acting_user=specialist(world))
    assert CallLog.objects.get().channel == "portal"


def test_a_call_log_on_a_note_is_refused(world: World) -> None:
    item = leased_denial(world)
    with pytest.raises(services.CallLogProblem, match="called payer"):
        services.act(item, item.version, Step(ActionKind.NOTE, call=UHC_CALL),
                     acting_user=specialist(world))


def test_where_the_playbook_asks_a_call_without_its_reference_number_is_refused(
        world: World) -> None:
    require_reference(world)
    item = leased_denial(world)
    with pytest.raises(services.CallLogProblem, match="call reference number"):
        services.act(item, item.version,
                     Step(ActionKind.CALLED_PAYER, call=Call(contact="Dana", said="in process")),
                     acting_user=specialist(world))
    assert not CallLog.objects.exists()
    assert not item.actions.filter(kind=ActionKind.CALLED_PAYER).exists()
    services.act(item, item.version, Step(ActionKind.CALLED_PAYER, call=UHC_CALL),
                 acting_user=specialist(world))
    assert CallLog.objects.count() == 1


def test_a_payers_own_rule_overrides_the_rule_for_every_payer(world: World) -> None:
    item = leased_denial(world)
    assert item.claim is not None
    require_reference(world)
    require_reference(world, item.claim.payer, required=False)
    services.act(item, item.version, Step(ActionKind.CALLED_PAYER, "no reference given"),
                 acting_user=specialist(world))
    assert item.actions.filter(kind=ActionKind.CALLED_PAYER).count() == 1


def test_the_page_records_the_log_and_shows_it_in_the_history(world: World, signed_in) -> None:
    item = leased_denial(world)
    client = signed_in(Role.PARTNER_SPECIALIST)
    client.post(reverse("workqueue:act", args=[item.pk]), {
        "version": item.version, "kind": "called_payer", "call_channel": "phone",
        "call_contact": "Dana", "call_reference": "REF-77", "call_said": "Reprocessing"})
    body = client.get(reverse("workqueue:item", args=[item.pk])).content.decode()
    history = body.split('data-testid="history"')[1]
    assert "REF-77" in history
    assert "Dana" in history
    assert "Reprocessing" in history


def test_the_page_says_what_the_playbook_asks_when_the_reference_is_missing(
        world: World, signed_in) -> None:
    require_reference(world)
    item = leased_denial(world)
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        reverse("workqueue:act", args=[item.pk]),
        {"version": item.version, "kind": "called_payer", "call_contact": "Dana"})
    assert response.status_code == 400
    assert "call reference number" in response.content.decode()
    page = signed_in(Role.PARTNER_SPECIALIST).get(reverse("workqueue:item", args=[item.pk]))
    assert "playbook asks for it on every payer call" in page.content.decode()


def test_the_api_takes_and_returns_the_call_log(world: World, signed_in) -> None:
    item = leased_denial(world)
    client = signed_in(Role.PARTNER_SPECIALIST)
    response = client.post(f"/api/work/items/{item.pk}/actions", {
        "kind": "called_payer", "version": item.version,
        "call": {"channel": "phone", "contact": "Dana", "reference": "REF-9",
                 "said": "paid next cycle"}}, content_type="application/json")
    assert response.status_code == 200
    [call] = [a["call"] for a in response.json()["history"] if a["call"]]
    assert call == {"channel": "phone", "contact": "Dana", "reference": "REF-9",
                    "said": "paid next cycle"}


def test_the_api_refuses_a_call_without_the_reference_the_playbook_asks_for(
        world: World, signed_in) -> None:
    require_reference(world)
    item = leased_denial(world)
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        f"/api/work/items/{item.pk}/actions", {"kind": "checked_portal", "version": item.version},
        content_type="application/json")
    assert response.status_code == 400
    assert "call reference number" in response.json()["detail"]


def test_the_claim_timeline_gets_the_calls_of_the_items_the_reader_may_see(
        world: World) -> None:
    item = leased_denial(world)
    services.act(item, item.version, Step(ActionKind.CALLED_PAYER, call=UHC_CALL),
                 acting_user=specialist(world))
    assert item.claim_id is not None
    [call] = queries.claim_calls(world.user(Role.CLIENT_MANAGER), item.claim_id)
    assert call.reference == "REF-2026-0042"
    assert call.action.actor == specialist(world)
    assert queries.claim_calls(world.birch_admin, item.claim_id) == []


def test_a_call_log_cannot_be_rewritten(world: World) -> None:
    item = leased_denial(world)
    services.act(item, item.version, Step(ActionKind.CALLED_PAYER, call=UHC_CALL),
                 acting_user=specialist(world))
    with pytest.raises(DatabaseError), transaction.atomic():
        CallLog.objects.update(reference="changed")
