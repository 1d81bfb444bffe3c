from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.denials.models import Appeal, AppealStatus
from rcmdesk.denials.tests.builders import denied_claim, lease
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemStatus, WorkItem

pytestmark = pytest.mark.django_db


def drafted(world: World, signed_in: Any) -> tuple[Any, Appeal]:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    denied = denied_claim(world.acme)
    lease(denied.item, specialist)
    browser = signed_in(Role.PARTNER_SPECIALIST)
    response = browser.post(f"/appeals/items/{denied.item.pk}/appeal/")
    appeal = Appeal.objects.get(item=denied.item)
    assert response.status_code == 302
    assert response["Location"] == f"/appeals/{appeal.pk}/"
    return browser, appeal


def test_drafting_from_a_held_denial_opens_the_appeal_page(world: World, signed_in: Any) -> None:
    browser, appeal = drafted(world, signed_in)
    page = browser.get(f"/appeals/{appeal.pk}/")
    assert page.status_code == 200
    assert b"PCN-7781" in page.content
    assert b"Mark pending client decision" in page.content
    assert AuditEvent.objects.filter(action="read", object_id=str(appeal.pk)).exists()


def test_drafting_without_holding_the_item_says_why(world: World, signed_in: Any) -> None:
    denied = denied_claim(world.acme)
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        f"/appeals/items/{denied.item.pk}/appeal/", follow=True)
    assert b"Take the item first" in response.content
    assert not Appeal.objects.exists()


def test_marking_pending_moves_the_appeal_and_the_item_to_the_client(
        world: World, signed_in: Any) -> None:
    browser, appeal = drafted(world, signed_in)
    response = browser.post(f"/appeals/{appeal.pk}/pending/", {"version": appeal.version,
                                                               "note": "CO-197 with auth"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING_CLIENT_DECISION
    assert WorkItem.objects.get(pk=appeal.item_id).status == ItemStatus.PENDING_CLIENT_DECISION


def test_a_stale_version_answers_409_and_changes_nothing(world: World, signed_in: Any) -> None:
    browser, appeal = drafted(world, signed_in)
    response = browser.post(f"/appeals/{appeal.pk}/pending/", {"version": appeal.version + 5})
    assert response.status_code == 409
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.DRAFT


def test_a_partner_cannot_decide_but_the_client_manager_can(world: World, signed_in: Any) -> None:
    browser, appeal = drafted(world, signed_in)
    browser.post(f"/appeals/{appeal.pk}/pending/", {"version": appeal.version})
    appeal.refresh_from_db()
    lead = signed_in(Role.PARTNER_LEAD)
    refused = lead.post(f"/appeals/{appeal.pk}/decide/", {"version": appeal.version,
                                                          "decision": "approve"})
    assert refused.status_code == 403
    manager = signed_in(Role.CLIENT_MANAGER)
    page = manager.get(f"/appeals/{appeal.pk}/")
    assert b"Approve filing" in page.content
    manager.post(f"/appeals/{appeal.pk}/decide/", {"version": appeal.version,
                                                   "decision": "approve"})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.APPROVED


def test_the_letter_downloads_as_a_pdf(world: World, signed_in: Any) -> None:
    browser, appeal = drafted(world, signed_in)
    response = browser.get(f"/appeals/{appeal.pk}/letter.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_another_clients_user_gets_404(world: World) -> None:
    from django.test import Client

    from rcmdesk.conftest import sign_in

    denied = denied_claim(world.acme)
    appeal = Appeal.objects.create(client=world.acme, item=denied.item, claim=denied.claim,
                                   category="authorization", subject="s", letter_text="t")
    assert sign_in(Client(), world.birch_admin).get(f"/appeals/{appeal.pk}/").status_code == 404


def test_the_appeal_page_links_its_claim(world: World, signed_in: Any) -> None:
    browser, appeal = drafted(world, signed_in)
    link = f"/claims/{appeal.claim_id}/"
    assert f'href="{link}"' in browser.get(f"/appeals/{appeal.pk}/").content.decode()
    assert browser.get(link).status_code == 200
