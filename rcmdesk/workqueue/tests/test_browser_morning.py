"""Headless Chromium walks a partner specialist's morning: sign in, read the counts, get the
next denial, read why it scored what it did, draft an appeal, mark it pending the client's
decision, and get the next one."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    BROWSER_TEST,
    _sign_in,
    http_cookies,
    page,
)
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = BROWSER_TEST
WHY = "$900.00 balance x 80% pay rate"


def the_mornings_queue(world: Any) -> tuple[WorkItem, WorkItem]:
    first = make_item(world.acme, 1, kind=ItemKind.DENIAL, priority=420, aging_bucket="31-60",
                      amount=Decimal("900.00"), claim=make_claim(world.acme, "PCNMORNING1"),
                      priority_factors=[{"name": "expected recoverable", "points": 300,
                                         "why": WHY},
                                        {"name": "deadline", "points": 120,
                                         "why": "40 days left until the appeal deadline"}])
    second = make_item(world.acme, 2, kind=ItemKind.DENIAL, priority=200,
                       aging_bucket="61-90", amount=Decimal("150.00"))
    make_item(world.acme, 3, kind=ItemKind.AR_FOLLOWUP, priority=999, aging_bucket="120+")
    return first, second


def test_a_partner_specialist_works_the_denial_queue_in_the_morning(
        page, world) -> None:  # noqa: F811
    from playwright.sync_api import expect

    first, second = the_mornings_queue(world)
    _sign_in(page, world, Role.PARTNER_SPECIALIST)

    page.get_by_role("link", name="Work", exact=True).click()
    expect(page.get_by_test_id("counts-denials")).to_contain_text("$1050.00")
    expect(page.get_by_test_id("counts-ar_followup")).to_be_visible()

    page.get_by_test_id("next-denials").click()
    expect(page).to_have_url(re.compile(rf"/work/items/{first.pk}/$"))
    expect(page.get_by_test_id("priority")).to_contain_text(WHY)
    expect(page.get_by_test_id("priority")).to_contain_text("420")

    page.get_by_test_id("draft-appeal").click()
    expect(page).to_have_url(re.compile(r"/appeals/\d+/$"))
    expect(page.get_by_test_id("appeal-status")).to_have_text("Draft", ignore_case=True)
    expect(page.get_by_test_id("letter-preview")).to_contain_text("PCNMORNING1")

    page.get_by_label("Note to the client").fill("Level 1 appeal drafted; file it?")
    page.get_by_test_id("mark-pending").click()
    expect(page.get_by_test_id("appeal-status")).to_contain_text("decision", ignore_case=True)
    first.refresh_from_db()
    assert first.status == ItemStatus.PENDING_CLIENT_DECISION

    page.get_by_role("link", name="Work", exact=True).click()
    page.get_by_test_id("next-denials").click()
    expect(page).to_have_url(re.compile(rf"/work/items/{second.pk}/$"))
    expect(page.get_by_test_id("item-status")).to_have_text("In progress")
    assert page.csp_errors == []
