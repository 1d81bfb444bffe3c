"""Proposing from the work item page; the item's box shows the form and its proposals."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.decisions.models import Proposal, ProposalStatus
from rcmdesk.decisions.tests.factories import ar_item
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemStatus

pytestmark = pytest.mark.django_db
FORM = {"kind": "write_off", "amount": "40.00", "account": "insurance_ar",
        "adjustment_reason": "TIMELY",
        "reasons": "Past timely filing", "evidence": "https://portal.example/ref/1"}


def test_a_specialist_proposes_a_write_off_and_the_item_waits(world: World,
                                                             signed_in: Any) -> None:
    item = ar_item(world.acme)
    response = signed_in(Role.PARTNER_SPECIALIST).post(f"/decisions/items/{item.pk}/propose",
                                                       FORM)
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/decisions/{proposal.pk}/"
    assert proposal.status == ProposalStatus.PROPOSED
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING_CLIENT_DECISION


def test_a_write_off_without_an_amount_is_for_the_items_amount(world: World,
                                                                signed_in: Any) -> None:
    item = ar_item(world.acme)
    signed_in(Role.PARTNER_SPECIALIST).post(f"/decisions/items/{item.pk}/propose",
                                            {**FORM, "amount": ""})
    assert Proposal.objects.get().amount == item.amount


def test_a_write_off_without_an_adjustment_reason_is_refused(world: World,
                                                             signed_in: Any) -> None:
    item = ar_item(world.acme)
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        f"/decisions/items/{item.pk}/propose", {**FORM, "adjustment_reason": ""})
    assert response.status_code == 400
    assert not Proposal.objects.exists()


def test_a_write_off_above_the_open_balance_is_refused_in_words(world: World,
                                                               signed_in: Any) -> None:
    item = ar_item(world.acme)
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        f"/decisions/items/{item.pk}/propose", {**FORM, "amount": "99999.00"})
    assert response.status_code == 400
    assert "is more than the claim&#x27;s open balance" in response.content.decode()
    assert not Proposal.objects.exists()


def test_partner_qa_may_not_propose(world: World, signed_in: Any) -> None:
    item = ar_item(world.acme)
    assert signed_in(Role.PARTNER_QA).post(f"/decisions/items/{item.pk}/propose",
                                           FORM).status_code == 403


def test_another_clients_item_is_not_found(world: World, signed_in: Any) -> None:
    item = ar_item(world.birch)
    assert signed_in(Role.PARTNER_SPECIALIST).post(f"/decisions/items/{item.pk}/propose",
                                                   FORM).status_code == 404


def test_the_item_page_offers_the_form_and_lists_proposals(world: World,
                                                           signed_in: Any) -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    item = ar_item(world.acme)
    request = RequestFactory().get("/")
    request.user = world.user(Role.PARTNER_SPECIALIST)
    box = Template('{% include "decisions/_item_decisions.html" %}').render(
        Context({"i": item, "request": request}))
    assert 'data-testid="propose-form"' in box
    request.user = world.user(Role.PARTNER_QA)
    assert "propose-form" not in Template('{% include "decisions/_item_decisions.html" %}'
                                          ).render(Context({"i": item, "request": request}))


def test_the_work_item_page_carries_the_decisions_box(world: World, signed_in: Any) -> None:
    item = ar_item(world.acme)
    page = signed_in(Role.PARTNER_SPECIALIST).get(f"/work/items/{item.pk}/")
    assert page.status_code == 200
    assert 'data-testid="propose-form"' in page.content.decode()


def test_a_refused_proposal_names_the_field_in_words_not_its_code(
        world: World, signed_in: Any) -> None:
    item = ar_item(world.acme)
    refused = signed_in(Role.PARTNER_SPECIALIST).post(
        f"/decisions/items/{item.pk}/propose", {"kind": "write_off", "amount": "10.00",
                                          "account": "insurance_ar", "reasons": "Too small"})
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Adjustment reason: Choose why the balance is written off." in page
    assert "adjustment_reason" not in page
