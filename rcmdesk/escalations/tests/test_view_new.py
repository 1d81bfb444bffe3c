"""Raising an escalation from the form, and from a work item's page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.escalations.models import Escalation
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.tests.factories import make_item

pytestmark = pytest.mark.django_db


def test_a_client_user_raises_one_to_the_default_owner(world: World, signed_in: Any) -> None:
    client = signed_in(Role.CLIENT_STAFF)
    assert client.get("/escalations/new/?client=acme").status_code == 200
    response = client.post("/escalations/new/", {
        "client": "acme", "submit": "1", "kind": "system_access",
        "subject": "Portal locked", "body": "The payer portal locked our login."})
    esc = Escalation.objects.get()
    assert response.status_code == 302
    assert response.url == f"/escalations/{esc.pk}/"
    assert (esc.owner.username, esc.kind) == ("pillar.lead", "system_access")
    assert esc.sla_hours == Decimal(4)


def test_a_partner_picks_a_client_contact_as_owner(world: World, signed_in: Any) -> None:
    signed_in(Role.PARTNER_SPECIALIST).post("/escalations/new/", {
        "client": "acme", "submit": "1", "kind": "sop_gap", "subject": "No rule for CO-97",
        "body": "The SOP says nothing about bundling denials.", "owner": "acme.manager"})
    assert Escalation.objects.get().owner.username == "acme.manager"


def test_an_empty_subject_is_refused_with_the_form_again(world: World, signed_in: Any) -> None:
    response = signed_in(Role.CLIENT_STAFF).post("/escalations/new/", {
        "client": "acme", "submit": "1", "kind": "other", "subject": " ", "body": "x"})
    assert response.status_code == 400
    assert not Escalation.objects.exists()


def test_another_tenants_client_is_not_offered(world: World, signed_in: Any) -> None:
    client = signed_in(Role.CLIENT_STAFF)
    page = client.get("/escalations/new/?client=birch")
    assert page.status_code == 200
    assert "Birch" not in page.content.decode()
    assert client.post("/escalations/new/", {"client": "birch", "submit": "1",
                                             "kind": "other", "subject": "s",
                                             "body": "b"}).status_code == 200
    assert not Escalation.objects.exists()


def test_the_item_page_offers_escalate_and_links_the_item(world: World,
                                                          signed_in: Any) -> None:
    item = make_item(world.acme)
    client = signed_in(Role.PARTNER_SPECIALIST)
    page = client.get(f"/work/items/{item.pk}/").content.decode()
    assert 'data-testid="escalate"' in page
    client.post("/escalations/new/", {"item": str(item.pk), "submit": "1", "kind":
                                      "payer_stuck", "subject": "Stuck", "body": "Payer."})
    esc = Escalation.objects.get()
    assert esc.item == item
    assert f"#{esc.pk} Stuck" in client.get(f"/work/items/{item.pk}/").content.decode()


def test_a_foreign_item_answers_404(world: World, signed_in: Any) -> None:
    item = make_item(world.birch)
    response = signed_in(Role.CLIENT_STAFF).get(f"/escalations/new/?item={item.pk}")
    assert response.status_code == 404


def test_a_name_nobody_has_gets_the_answer_another_tenants_user_gets(world: World,
                                                                     signed_in: Any) -> None:
    client = signed_in(Role.PARTNER_SPECIALIST)

    def answer(owner: str) -> tuple[int, str]:
        response = client.post("/escalations/new/", {
            "client": "acme", "submit": "1", "kind": "sop_gap", "subject": "s", "body": "b",
            "owner": owner})
        problem = response.content.decode().split('data-testid="problem"')[1].split("</p>")[0]
        return response.status_code, problem.replace(owner, "NAME")

    assert answer("birch.admin") == answer("no.such.person")
    assert "NAME cannot own escalations for this client." in answer("no.such.person")[1]
    assert not Escalation.objects.exists()
