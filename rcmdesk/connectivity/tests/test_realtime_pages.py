"""The "check now" buttons on the visit and AR item pages, the workbench's bulk action and
the per-client log: shown to those who may ask, the answer on the page at once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.connectivity.models import InquiryState, RealtimeInquiry
from rcmdesk.connectivity.tests.realtime_support import FakeBatch, connect
from rcmdesk.eligibility.models import VisitStatus
from rcmdesk.eligibility.tests.builders import make_visit
from rcmdesk.sim.core_http import CoreServer
from rcmdesk.sim.inquiries import ACTIVE, coverage_of
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import bulk
from rcmdesk.workqueue.models import KIND_WORKFLOW, ItemKind, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def active_member() -> str:
    return next(m for m in (f"P{n:05d}" for n in range(1000)) if coverage_of(m) == ACTIVE)


def ar_item(world: World) -> WorkItem:
    claim = make_claim(world.acme, "PCN-PAGE", service=date(2025, 12, 1))
    return WorkItem.objects.create(
        client=world.acme, workflow=KIND_WORKFLOW[ItemKind.AR_FOLLOWUP],
        kind=ItemKind.AR_FOLLOWUP, source_key=f"claim:{claim.pk}", claim=claim,
        title="follow up PCN-PAGE", priority=70)


@pytest.mark.parametrize(("role", "shown"), [(Role.CLIENT_STAFF, True),
                                             (Role.CLIENT_MANAGER, True),
                                             (Role.CLIENT_ADMIN, False)])
def test_the_visit_page_offers_check_eligibility_now_to_those_who_may_ask(
        world: World, signed_in: Any, core_sim: CoreServer, role: Role, shown: bool) -> None:
    connect(world.acme, core_sim)
    visit = make_visit(world.acme)
    page = signed_in(role).get(f"/visits/{visit.pk}/")
    assert page.status_code == 200
    assert ('data-testid="check-now"' in page.text) is shown


def test_without_a_core_connection_there_is_no_button(world: World, signed_in: Any) -> None:
    page = signed_in(Role.CLIENT_STAFF).get(f"/visits/{make_visit(world.acme).pk}/")
    assert 'data-testid="check-now"' not in page.text


def test_checking_from_the_visit_page_reloads_it_with_the_answer(
        world: World, signed_in: Any, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim)
    visit = make_visit(world.acme, member_id=active_member())
    browser = signed_in(Role.CLIENT_STAFF)
    answer = browser.post(f"/realtime/visit/{visit.pk}/", **HTMX)
    assert answer.status_code == 200
    assert answer["HX-Refresh"] == "true"
    visit.refresh_from_db()
    assert visit.status == VisitStatus.VERIFIED
    page = browser.get(f"/visits/{visit.pk}/")
    assert 'data-testid="realtime-log"' in page.text
    inquiry = RealtimeInquiry.objects.get()
    assert inquiry.isa13 in page.text
    assert "Answered" in page.text


def test_a_failed_check_shows_why_in_the_panel_and_no_reload(
        world: World, signed_in: Any, core_sim: CoreServer, batch: FakeBatch) -> None:
    core_sim.fail_with = ("ReceiverUnavailable", "The payer system is down")
    connect(world.acme, core_sim)
    visit = make_visit(world.acme)
    answer = signed_in(Role.CLIENT_STAFF).post(f"/realtime/visit/{visit.pk}/", **HTMX)
    assert "HX-Refresh" not in answer
    assert "The payer system is down" in answer.text
    assert "Sent by batch instead" in answer.text


@pytest.mark.parametrize(("role", "shown"), [(Role.PARTNER_SPECIALIST, True),
                                             (Role.PARTNER_QA, False)])
def test_the_ar_item_page_offers_check_claim_status_now_to_those_who_may_ask(
        world: World, signed_in: Any, core_sim: CoreServer, role: Role, shown: bool) -> None:
    connect(world.acme, core_sim)
    item = ar_item(world)
    page = signed_in(role).get(f"/work/items/{item.pk}/")
    assert page.status_code == 200
    assert ('Check claim status now' in page.text) is shown


def test_checking_from_the_item_page_asks_about_its_claim(
        world: World, signed_in: Any, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim)
    item = ar_item(world)
    answer = signed_in(Role.PARTNER_SPECIALIST).post(f"/realtime/item/{item.pk}/")
    assert answer.status_code == 302
    inquiry = RealtimeInquiry.objects.get()
    assert (inquiry.set_id, inquiry.state) == ("276", InquiryState.ANSWERED)


def test_a_role_that_may_not_work_items_cannot_check(
        world: World, signed_in: Any, core_sim: CoreServer) -> None:
    connect(world.acme, core_sim)
    item = ar_item(world)
    refused = signed_in(Role.PARTNER_QA).post(f"/realtime/item/{item.pk}/")
    assert refused.status_code == 403
    assert not RealtimeInquiry.objects.exists()


def test_the_workbench_bulk_action_checks_each_items_claim_or_visit(
        world: World, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim)
    item = ar_item(world)
    visit = make_visit(world.acme)
    eligibility = WorkItem.objects.create(
        client=world.acme, workflow=KIND_WORKFLOW[ItemKind.ELIGIBILITY],
        kind=ItemKind.ELIGIBILITY, source_key=f"visit:{visit.pk}", title="verify",
        priority=50)
    result = bulk.run("check_now", [item.pk, eligibility.pk], bulk.Params(),
                      acting_user=world.user(Role.CLIENT_MANAGER))
    assert sorted(result.done) == sorted([item.pk, eligibility.pk])
    assert sorted(RealtimeInquiry.objects.values_list("set_id", flat=True)) == ["270", "276"]


def test_the_clients_inquiry_log_lists_them_for_its_users_only(
        world: World, signed_in: Any, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim)
    item = ar_item(world)
    signed_in(Role.PARTNER_SPECIALIST).post(f"/realtime/item/{item.pk}/")
    inquiry = RealtimeInquiry.objects.get()
    page = signed_in(Role.CLIENT_MANAGER).get("/realtime/acme/")
    assert page.status_code == 200
    assert inquiry.isa13 in page.text
    assert signed_in(Role.CLIENT_MANAGER).get("/realtime/birch/").status_code == 404


@pytest.mark.parametrize(("role", "shown"), [(Role.PARTNER_SPECIALIST, True),
                                             (Role.CLIENT_STAFF, True),
                                             (Role.PARTNER_QA, False)])
def test_the_claim_page_offers_check_status_now_to_those_who_may_ask(
        world: World, signed_in: Any, core_sim: CoreServer, role: Role, shown: bool) -> None:
    connect(world.acme, core_sim)
    claim = make_claim(world.acme, "PCN-CLAIM", service=date(2025, 12, 1))
    page = signed_in(role).get(f"/claims/{claim.pk}/")
    assert page.status_code == 200
    assert ('data-testid="check-status-now"' in page.text) is shown


def test_without_a_core_connection_for_276_the_claim_page_offers_only_the_batch_276(
        world: World, signed_in: Any, core_sim: CoreServer) -> None:
    connect(world.acme, core_sim, carries="270")
    claim = make_claim(world.acme, "PCN-CLAIM", service=date(2025, 12, 1))
    page = signed_in(Role.PARTNER_SPECIALIST).get(f"/claims/{claim.pk}/")
    assert 'data-testid="send-276"' in page.text
    assert 'data-testid="check-status-now"' not in page.text


def test_checking_from_the_claim_page_tells_the_answer_there(
        world: World, signed_in: Any, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim)
    claim = make_claim(world.acme, "PCN-CLAIM", service=date(2025, 12, 1))
    browser = signed_in(Role.PARTNER_SPECIALIST)
    page = browser.post(f"/realtime/claim/{claim.pk}/", follow=True)
    assert page.redirect_chain == [(f"/claims/{claim.pk}/", 302)]
    inquiry = RealtimeInquiry.objects.get()
    assert (inquiry.set_id, inquiry.state) == ("276", InquiryState.ANSWERED)
    assert "The payer answered in" in page.text
    assert "status answer (277)" in page.text  # the claim's story tells the answer


def test_an_htmx_check_from_the_claim_page_reloads_it(
        world: World, signed_in: Any, core_sim: CoreServer, batch: FakeBatch) -> None:
    connect(world.acme, core_sim)
    claim = make_claim(world.acme, "PCN-CLAIM", service=date(2025, 12, 1))
    answer = signed_in(Role.PARTNER_SPECIALIST).post(f"/realtime/claim/{claim.pk}/", **HTMX)
    assert answer.status_code == 204
    assert answer["HX-Refresh"] == "true"


def test_a_role_that_may_not_ask_cannot_check_from_the_claim_page(
        world: World, signed_in: Any, core_sim: CoreServer) -> None:
    connect(world.acme, core_sim)
    claim = make_claim(world.acme, "PCN-CLAIM", service=date(2025, 12, 1))
    refused = signed_in(Role.PARTNER_QA).post(f"/realtime/claim/{claim.pk}/")
    assert refused.status_code == 403
    assert not RealtimeInquiry.objects.exists()
    other = make_claim(world.birch, "PCN-BIRCH", service=date(2025, 12, 1))
    hidden = signed_in(Role.PARTNER_SPECIALIST).post(f"/realtime/claim/{other.pk}/")
    assert hidden.status_code == 404
