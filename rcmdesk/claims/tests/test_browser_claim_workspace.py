"""Headless Chromium: from a busy claim's page every linked object opens (items, appeals,
decisions, escalations, the 835), and a specialist who records an action with "Record and
get next" lands on the next item of the queue, not back on the workbench."""

from __future__ import annotations

import re
from decimal import Decimal

from rcmdesk.claims.tests.test_claim_page import ADJUSTED
from rcmdesk.claims.tests.test_claim_page_links import busy_claim
from rcmdesk.intake.services import ingest
from rcmdesk.remits.tests.x12text import header, remit
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    BROWSER_TEST,
    _sign_in,
    http_cookies,
    page,
)
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = BROWSER_TEST


def test_every_object_linked_from_a_busy_claim_opens(page, world) -> None:  # noqa: F811
    from playwright.sync_api import expect

    claim, links = busy_claim(world)
    pcn = claim.patient_control_number
    ingest(world.acme, remit(header("80.00", trace="BUSYTRACE")
                             + ADJUSTED.replace("PCN1", pcn)), "busy.835")
    _sign_in(page, world, Role.PARTNER_SPECIALIST)
    page.goto(f"/claims/{claim.pk}/")
    expect(page.get_by_test_id("timeline")).to_contain_text("Remittance (835) from")
    hrefs = {h.split("#")[0] for h in page.locator("main a[href^='/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")}
    expected = {url for urls in links.values() for url in urls}
    assert expected <= hrefs
    assert any(h.startswith("/posting/remittances/") for h in hrefs)
    for href in sorted(hrefs):
        page.goto("/claims/")
        response = page.goto(href)
        assert response is not None
        assert response.status == 200, href
    assert page.csp_errors == []


def test_record_and_get_next_lands_on_the_next_item(page, world) -> None:  # noqa: F811
    from playwright.sync_api import expect

    first = make_item(world.acme, 1, kind=ItemKind.DENIAL, priority=500,
                      amount=Decimal("300.00"), claim=make_claim(world.acme, "PCNFIRST"))
    second = make_item(world.acme, 2, kind=ItemKind.DENIAL, priority=400,
                       amount=Decimal("200.00"), claim=make_claim(world.acme, "PCNSECOND"))
    _sign_in(page, world, Role.PARTNER_SPECIALIST)
    page.goto("/work/")
    page.get_by_test_id("next-denials").click()
    expect(page).to_have_url(re.compile(rf"/work/items/{first.pk}/$"))
    page.locator("#id_note").fill("Payer says the corrected claim is on file.")
    page.get_by_test_id("record-next").click()
    expect(page).to_have_url(re.compile(rf"/work/items/{second.pk}/$"))
    assert WorkItem.objects.get(pk=first.pk).actions.filter(
        note__startswith="Payer says").exists()
    assert WorkItem.objects.get(pk=second.pk).assignee_id == world.user(
        Role.PARTNER_SPECIALIST).pk
    assert page.csp_errors == []
