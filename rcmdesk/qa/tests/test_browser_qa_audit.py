"""Headless Chromium: the QA auditor draws a week, fails a point on a sampled item, and the
specialist, in another browser context, finds the feedback in their items and acknowledges it."""

from __future__ import annotations

import re

from rcmdesk.qa.models import Audit
from rcmdesk.qa.tests.factories import WEEK, done_items, plan
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    BROWSER_TEST,
    _sign_in,
    http_cookies,
    page,
)

pytestmark = BROWSER_TEST
COMMENT = "No payer reference number in the note"


def test_the_auditor_fails_a_point_and_the_specialist_sees_and_acknowledges_it(
        page, world, live_server) -> None:  # noqa: F811
    from playwright.sync_api import expect

    done_items(world.acme_engagement, world.user(Role.PARTNER_SPECIALIST), 3,
               title="Follow up claim")
    the_plan = plan(world.acme_engagement, minimum_per_week=1, new_specialist_percent=0)

    _sign_in(page, world, Role.PARTNER_QA)
    page.goto(f"/qa/plans/{the_plan.pk}/")
    page.get_by_label("Week").fill(WEEK)
    page.get_by_label("Seed").fill("42")
    page.get_by_test_id("draw").click()
    expect(page.get_by_text("seed 42")).to_be_visible()

    page.goto("/qa/")
    page.get_by_test_id("audit-link").first.click()
    expect(page).to_have_url(re.compile(r"/qa/audits/\d+/$"))
    audit = Audit.objects.get()
    for point in audit.points.all():
        result = "fail" if point.position == 1 else "pass"
        page.get_by_test_id(f"result-{point.position}-{result}").check()
    page.get_by_test_id("comment-1").fill(COMMENT)
    page.get_by_test_id("submit-audit").click()
    expect(page.get_by_test_id("audit-status")).to_have_text("Scored")
    expect(page.get_by_test_id("feedback")).to_contain_text("pillar.specialist")

    specialist = page.context.browser.new_context(base_url=live_server.url)
    try:
        other = specialist.new_page()
        _sign_in(other, world, Role.PARTNER_SPECIALIST)
        other.get_by_role("link", name="Work", exact=True).click()
        other.get_by_test_id("my-items").get_by_role("link", name=re.compile("QA feedback")).click()
        expect(other.get_by_test_id("item-qa-failed")).to_contain_text(COMMENT)
        other.get_by_test_id("item-qa-acknowledge").click()
        expect(other.get_by_test_id("feedback")).to_contain_text("acknowledged")
        other.get_by_role("link", name="Work", exact=True).click()
        expect(other.get_by_test_id("my-items")).not_to_contain_text("QA feedback")
    finally:
        specialist.close()
    audit.refresh_from_db()
    assert audit.acknowledged_at is not None
    assert page.csp_errors == []
