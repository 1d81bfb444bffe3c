"""Headless Chromium: a refusal answered to an htmx request shows on the page. Rejecting a
proposal from the inbox row without a comment used to answer a 400 that htmx ignored, so
the click seemed to do nothing; now the reason appears above the list."""

from __future__ import annotations

import pytest

from rcmdesk.decisions.models import ProposalStatus
from rcmdesk.decisions.tests.factories import ar_item, write_off
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    CHROMIUM,
    _sign_in,
    http_cookies,
    page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at "
                       "/usr/bin/chromium; browser tests need it"),
]


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
