"""Headless Chromium takes an appeal to the end: a specialist attaches the proof the letter
encloses and downloads the packet (letter + proof, one PDF), files it by portal, records the
payer's overturn, the payer's 835 pays it, and the appeal reads closed on its page and on
the appeals list."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from rcmdesk.attachments.tests.documents import pdf
from rcmdesk.denials import appeals
from rcmdesk.denials.playbook import set_policy
from rcmdesk.denials.tests.appeal_steps import payment_835
from rcmdesk.denials.tests.builders import denied_claim, lease
from rcmdesk.intake.services import ingest
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    BROWSER_TEST,
    _sign_in,
    http_cookies,
    page,
)

pytestmark = BROWSER_TEST


def test_a_specialist_files_an_appeal_records_the_overturn_and_the_835_closes_it(
        page: Any, world: Any, settings: Any, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    settings.RCMDESK_ATTACHMENTS_DIR = tmp_path / "attachments"

    specialist = world.user(Role.PARTNER_SPECIALIST)
    set_policy(world.acme.pk, acting_user=world.user(Role.CLIENT_ADMIN), needs_approval=False)
    denied = denied_claim(world.acme)
    appeal = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    _sign_in(page, world, Role.PARTNER_SPECIALIST)

    page.get_by_test_id("nav-appeals").click()
    page.get_by_test_id(f"appeal-{appeal.pk}").get_by_role("link", name=f"#{appeal.pk}").click()
    expect(page).to_have_url(re.compile(rf"/appeals/{appeal.pk}/$"))
    page.get_by_test_id("attach-file").set_input_files(
        {"name": "authorization.pdf", "mimeType": "application/pdf", "buffer": pdf(pages=2)})
    page.get_by_test_id("attach").click()
    expect(page.get_by_test_id("attachment-list")).to_contain_text("authorization.pdf")
    page.reload()
    with page.expect_download() as download:
        page.get_by_test_id("packet").click()
    packet = PdfReader(download.value.path())
    assert len(packet.pages) >= 3  # the letter, then the two pages of proof
    page.get_by_label("Filed on").fill("2026-03-12")
    page.get_by_label("How").select_option("portal")
    page.get_by_label("Payer's reference").fill("PORTAL-991")
    page.get_by_test_id("record-filed").click()
    expect(page.get_by_test_id("appeal-status")).to_have_text("Filed, waiting on the payer")
    expect(page.get_by_test_id("filed")).to_contain_text("03/12/2026 by payer portal")

    page.get_by_label("The payer's answer").select_option("overturned")
    page.get_by_label("Answered on").fill("2026-04-02")
    page.get_by_test_id("record-answer").click()
    expect(page.get_by_test_id("appeal-status")).to_have_text("Overturned, waiting for payment")

    ingest(world.acme, payment_835(), "appeal-paid.835")
    page.reload()
    expect(page.get_by_test_id("appeal-status")).to_have_text("Overturned and paid")
    expect(page.get_by_test_id("paid")).to_contain_text("$150.00 on 04/15/2026")
    page.get_by_test_id("appeals-list").click()
    page.get_by_label("State").select_option("closed")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id(f"appeal-{appeal.pk}").get_by_test_id("state")).to_have_text(
        "Overturned and paid")
    assert page.csp_errors == []
