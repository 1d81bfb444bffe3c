"""From the claim page a specialist starts what the claim needs next: work its open item,
ask the payer for status (276), draft an appeal, propose a write-off, or write a corrected
or void claim. Each button shows only to whoever its service would allow."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from rcmdesk.arfollowup.models import ClaimStatusRequest
from rcmdesk.claims.models import Claim
from rcmdesk.conftest import World
from rcmdesk.intake.models import OutboundFile
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db


def page(claim: Claim) -> str:
    return reverse("claims:claim", args=[claim.pk])


def offers(body: str) -> str:
    return body.split('data-testid="offers"')[1].split("</section>")[0] \
        if 'data-testid="offers"' in body else ""


def denied_claim(world: World) -> tuple[Claim, Any]:
    claim = make_claim(world.acme, "PCNDENIED")
    Claim.objects.filter(pk=claim.pk).update(payer_claim_control_number="ICN77")
    claim.refresh_from_db()
    item = make_item(world.acme, 7, claim=claim, kind=ItemKind.DENIAL,
                     deadline=claim.client.today() + timedelta(days=5))
    return claim, item


def test_a_specialist_sees_every_next_step_for_a_denied_claim(world: World,
                                                               signed_in: Any) -> None:
    claim, item = denied_claim(world)
    shown = offers(signed_in(Role.PARTNER_SPECIALIST).get(page(claim)).content.decode())
    assert f'href="{reverse("workqueue:item", args=[item.pk])}"' in shown
    assert reverse("claims:status_request", args=[claim.pk]) in shown
    assert reverse("denials:draft", args=[item.pk]) in shown
    assert f'{reverse("workqueue:item", args=[item.pk])}#propose' in shown
    assert reverse("claims:corrected", args=[claim.pk]) in shown


def test_the_next_deadline_is_the_open_items_limit_with_days_left(world: World,
                                                                 signed_in: Any) -> None:
    claim, item = denied_claim(world)
    body = signed_in(Role.PARTNER_SPECIALIST).get(page(claim)).content.decode()
    cell = body.split('data-testid="next-deadline"')[1].split("</td>")[0]
    assert "due in 5 days" in cell
    assert 'class="deadline-near"' in cell
    assert reverse("workqueue:item", args=[item.pk]) in cell


def test_a_missed_deadline_is_flagged_as_missed(world: World, signed_in: Any) -> None:
    claim, item = denied_claim(world)
    item.deadline = world.acme.today() - timedelta(days=40)
    item.save()
    body = signed_in(Role.PARTNER_SPECIALIST).get(page(claim)).content.decode()
    cell = body.split('data-testid="next-deadline"')[1].split("</td>")[0]
    assert 'class="deadline-past"' in cell
    assert "40 days past the deadline" in cell


def test_a_client_admin_who_does_not_work_items_is_offered_nothing(world: World,
                                                                  signed_in: Any) -> None:
    claim, _ = denied_claim(world)
    body = signed_in(Role.CLIENT_ADMIN).get(page(claim)).content.decode()
    assert reverse("claims:status_request", args=[claim.pk]) not in body
    assert reverse("claims:corrected", args=[claim.pk]) not in body
    assert 'data-testid="draft-appeal"' not in body


def test_a_claim_without_the_payers_number_offers_no_corrected_claim(world: World,
                                                                    signed_in: Any) -> None:
    claim = make_claim(world.acme, "PCNNOICN")
    body = signed_in(Role.PARTNER_SPECIALIST).get(page(claim)).content.decode()
    assert reverse("claims:corrected", args=[claim.pk]) not in body


def test_sending_a_276_from_the_claim_page_writes_it_and_notes_the_open_ar_item(
        world: World, signed_in: Any) -> None:
    claim = make_claim(world.acme, "PCNAR")
    item = make_item(world.acme, 8, claim=claim, kind=ItemKind.AR_FOLLOWUP)
    WorkItem.objects.filter(pk=item.pk).update(source_key=f"claim:{claim.pk}")
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        reverse("claims:status_request", args=[claim.pk]), follow=True)
    assert response.status_code == 200
    [request] = ClaimStatusRequest.objects.filter(claim=claim)
    assert "Claim status request (276) written" in response.content.decode()
    assert "Claim status asked (276)" in response.content.decode()
    assert item.actions.filter(kind=ActionKind.STATUS_REQUESTED,
                               note__contains=request.trace).exists()


def test_someone_without_ar_follow_up_cannot_send_a_276(world: World, signed_in: Any) -> None:
    claim = make_claim(world.acme, "PCNAR")
    response = signed_in(Role.CLIENT_ADMIN).post(reverse("claims:status_request",
                                                         args=[claim.pk]))
    assert response.status_code == 403
    assert not ClaimStatusRequest.objects.exists()


def test_another_clients_claim_cannot_be_asked_about(world: World, signed_in: Any) -> None:
    claim = make_claim(world.birch, "BIRCHAR")
    response = signed_in(Role.PARTNER_SPECIALIST).post(reverse("claims:status_request",
                                                               args=[claim.pk]))
    assert response.status_code == 404


def test_the_corrected_claim_form_refuses_a_code_not_written_as_icd10(world: World,
                                                                      signed_in: Any) -> None:
    claim, _ = denied_claim(world)
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        reverse("claims:corrected", args=[claim.pk]),
        {"frequency": "7", "diagnoses": "E11.9, 250.00"})
    assert response.status_code == 400
    assert "25000 is not written as an ICD-10-CM code" in response.content.decode()
    assert not OutboundFile.objects.filter(set_id="837").exists()


def test_a_corrected_claim_is_written_and_recorded_on_the_open_denial(world: World,
                                                                      signed_in: Any) -> None:
    claim, item = denied_claim(world)
    client = signed_in(Role.PARTNER_SPECIALIST)
    assert "Write the claim" in client.get(reverse("claims:corrected",
                                                   args=[claim.pk])).content.decode()
    response = client.post(reverse("claims:corrected", args=[claim.pk]),
                           {"frequency": "7", "diagnoses": "E11.9, I10"}, follow=True)
    assert response.status_code == 200
    out = OutboundFile.objects.get(set_id="837")
    assert b"REF*F8*ICN77" in bytes(out.content)
    assert b"HI*ABK:E119*ABF:I10" in bytes(out.content)
    assert "Replacement claim written" in response.content.decode()
    action = item.actions.get(kind=ActionKind.CORRECTED_REBILLED)
    assert out.name in action.note
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
