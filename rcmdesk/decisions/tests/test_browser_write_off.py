"""Headless Chromium: a partner specialist proposes a write-off from a work item, the client's
manager approves it in another browser, and only then does the ledger show the adjustment.
A refusal from the inbox row (an htmx request) shows on the page: it used to answer a 400
that htmx ignored, so the click seemed to do nothing."""

from __future__ import annotations

from decimal import Decimal

from rcmdesk.decisions.models import Proposal, ProposalStatus
from rcmdesk.decisions.tests.factories import ar_item, write_off
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import JournalEntry, JournalKind
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    BROWSER_TEST,
    _sign_in,
    http_cookies,
    page,
)

pytestmark = BROWSER_TEST
REASONS = "Past timely filing; the payer confirmed on the phone there are no appeal rights."


def test_a_proposed_write_off_posts_only_when_the_client_manager_approves_it(
        page, world, live_server) -> None:  # noqa: F811
    from playwright.sync_api import expect

    item = ar_item(world.acme)
    claim = item.claim
    assert claim is not None

    _sign_in(page, world, Role.PARTNER_SPECIALIST)
    page.goto(f"/work/items/{item.pk}/")
    page.get_by_test_id("propose").locator("summary").click()
    page.get_by_label("Amount").fill("40.00")
    page.get_by_label("Adjustment reason").select_option("TIMELY")
    page.get_by_label("Reasons").fill(REASONS)
    page.get_by_label("Evidence").fill("Call reference 55-1234")
    page.get_by_test_id("propose-submit").click()
    proposal = Proposal.objects.get()
    assert proposal.status == ProposalStatus.PROPOSED
    assert not JournalEntry.objects.filter(kind=JournalKind.WRITE_OFF).exists()

    manager = page.context.browser.new_context(base_url=live_server.url)
    try:
        other = manager.new_page()
        _sign_in(other, world, Role.CLIENT_MANAGER)
        other.goto("/decisions/")
        expect(other.get_by_test_id("count")).to_have_text("1")
        other.get_by_test_id(f"proposal-{proposal.pk}").get_by_role(
            "link", name=f"#{proposal.pk}").click()
        expect(other.get_by_test_id("reasons")).to_contain_text("no appeal rights")
        other.get_by_label("Comment").fill("Agreed: write it off.")
        other.get_by_test_id("approve").click()
        other.goto(f"/decisions/{proposal.pk}/")
        expect(other.get_by_test_id("status")).to_have_text("Executed")
        other.goto(f"/claims/{claim.pk}/")
        expect(other.get_by_test_id("ledger")).to_contain_text("($40.00)")
    finally:
        manager.close()

    [journal] = JournalEntry.objects.filter(kind=JournalKind.WRITE_OFF)
    assert journal.claim_id == claim.pk
    claim.refresh_from_db()
    assert claim.insurance_balance == Decimal("210.00")
    assert check_ledger() == []
    page.goto(f"/work/items/{item.pk}/")
    expect(page.get_by_test_id("item-proposals")).to_contain_text("Executed")
    assert page.csp_errors == []


def test_rejecting_from_the_inbox_without_a_comment_says_why_on_the_page(
        page, world, live_server) -> None:  # noqa: F811
    from playwright.sync_api import expect

    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    _sign_in(page, world, Role.CLIENT_MANAGER)
    page.goto("/decisions/")
    page.get_by_test_id(f"decide-{proposal.pk}").get_by_test_id("reject").click()
    refusal = page.locator("#refusal").get_by_test_id("refusal")
    expect(refusal).to_contain_text("a comment is required")
    expect(refusal).to_have_attribute("data-status", "400")
    expect(page.get_by_test_id(f"decide-{proposal.pk}")).to_be_visible()  # the row stays
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    # The browser logs the 400 itself as a console error; only a CSP refusal would matter.
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
