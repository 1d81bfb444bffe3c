"""Headless Chromium: from the work item of an unmatched payment a specialist opens the
exception, finds the claim and matches it (the ledger balanced, the exception and the item
closed); another payment is parked as unapplied cash and shows in the aging report."""

from __future__ import annotations

from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import ExceptionStatus, UnappliedCash
from rcmdesk.remits.tests.test_resolution import UNMATCHED, arrives, item_of
from rcmdesk.remits.tests.x12text import make_claim
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    BROWSER_TEST,
    _sign_in,
    http_cookies,
    page,
)
from rcmdesk.workqueue.models import ItemStatus
from rcmdesk.workqueue.producers import sync_client

pytestmark = BROWSER_TEST


def test_a_specialist_matches_an_unmatched_payment_and_parks_another(
        page, world, live_server) -> None:  # noqa: F811
    from playwright.sync_api import expect

    world.acme_engagement.scope = ["ar_followup", "denials", "posting"]
    world.acme_engagement.save()
    exception = arrives(world, UNMATCHED, "50.00", "FIRST")
    other = arrives(world, UNMATCHED.replace("NOSUCH", "NOPE"), "50.00", "SECOND")
    sync_client(world.acme, world.acme.today())
    make_claim(world.acme, "REAL1", [("99213", "50.00")])

    _sign_in(page, world, Role.PARTNER_SPECIALIST)
    page.goto(f"/work/items/{item_of(exception).pk}/")
    page.get_by_test_id("resolve-exception").locator("a").click()
    page.get_by_label("Patient control number").fill("REAL1")
    page.get_by_role("button", name="Search claims").click()
    page.get_by_role("button", name="Match and post").click()
    expect(page.get_by_test_id("exception-status")).to_have_text("Resolved")
    expect(page.get_by_test_id("resolution")).to_have_text("matched to claim REAL1: posted")
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.RESOLVED
    assert item_of(exception).status == ItemStatus.DONE

    page.goto(f"/posting/exceptions/{other.pk}/")
    page.get_by_label("Reason").fill("Payer sent no patient detail")
    page.get_by_role("button", name="Park $50.00").click()
    expect(page.get_by_test_id("exception-status")).to_have_text("Resolved")
    page.goto("/posting/unapplied/")
    expect(page.get_by_test_id("aging-total")).to_have_text("$50.00")
    assert UnappliedCash.objects.get().remaining == 50
    assert check_ledger() == []
