"""Headless Chromium walks the front of the chain as a partner specialist: a charge for an
MRI the payer must authorize is entered, the scrubber stops it, the authorization is recorded,
the batch goes out, and the payer's 277CA rejects the claim into a rejection item."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from rcmdesk.charges.tests.test_browser_charge_entry import FIELDS
from rcmdesk.claims.models import Claim, ClaimOrigin, FrontDoor, Payer
from rcmdesk.intake.services import ingest
from rcmdesk.playbooks.models import AuthRequirement
from rcmdesk.submission.models import SubmissionBatch
from rcmdesk.submission.tests.factories import draft_claim
from rcmdesk.submission.tests.test_acks import ack_277ca
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    BROWSER_TEST,
    _sign_in,
    http_cookies,
    page,
)
from rcmdesk.workqueue.models import ItemKind, WorkItem

pytestmark = BROWSER_TEST
MRI = {**FIELDS, "#id_patient_last_name": "ROE", "#id_payer_id": "87726",
       "#id_payer_name": "UNITED HEALTHCARE"}


def front_end_engagement(world: Any) -> None:
    """Acme hands the partner its front end too, and its playbook says MRIs need an auth."""
    engagement = world.acme_engagement
    engagement.scope = [*engagement.scope, "charges_claims", "prior_auth"]
    engagement.save()
    payer = Payer.objects.create(client=world.acme, payer_id="87726", name="UNITED HEALTHCARE",
                                 kind="commercial")
    AuthRequirement.objects.create(client=world.acme, payer=payer, codes="70551-70553")


def send_drafts(browser_page: Any) -> None:
    browser_page.goto(reverse("submission:batches"))
    browser_page.get_by_label("Client").select_option("acme")
    browser_page.get_by_test_id("submit-ready").click()


def test_a_charge_without_its_authorization_is_held_then_sent_then_rejected_into_an_item(
        page, world) -> None:  # noqa: F811
    from playwright.sync_api import expect

    front_end_engagement(world)
    _sign_in(page, world, Role.PARTNER_SPECIALIST)

    # enter the charge: the scrubber's check says the line has no authorization
    page.goto(reverse("charges:new"))
    for selector, value in MRI.items():
        page.locator(selector).fill(value)
    page.locator("#id_patient_sex").select_option("F")
    page.get_by_test_id("check-now").click()
    expect(page.get_by_test_id("auth-0")).to_have_attribute("data-problem", "missing")
    expect(page.get_by_test_id("scrub-summary")).to_have_attribute("data-clean", "no")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("front-door")).to_be_visible()
    mri = Claim.objects.get(origin=ClaimOrigin.ENTRY)

    # sending it: the scrubber holds it, nothing goes out
    send_drafts(page)
    expect(page.get_by_text("the scrubber holds 1 draft(s)")).to_be_visible()
    mri.refresh_from_db()
    assert mri.front_door == FrontDoor.HELD
    assert not SubmissionBatch.objects.exists()

    # the specialist records the authorization the payer gave on the phone
    page.goto(reverse("priorauth:new") + "?client=acme")
    page.get_by_label("Patient").select_option(label="ROE, JANE")
    page.get_by_label("Payer").select_option(label="UNITED HEALTHCARE (87726)")
    page.get_by_label("Codes").fill("70551")
    page.get_by_label("Certification number").fill("CERT7788")
    page.get_by_label("Approved units").fill("1")
    page.get_by_label("Start date").fill("2026-10-01")
    page.get_by_label("End date").fill("2026-12-31")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_test_id("cert")).to_have_text("CERT7788")

    # a colleague's clean charge joins it; both go out in one 837P
    draft_claim(world.acme, "PCNCOLLEAGUE", front_door=FrontDoor.NONE)
    send_drafts(page)
    expect(page.get_by_text("2 claim(s) in an 837P file")).to_be_visible()
    batch = SubmissionBatch.objects.get()
    mri.refresh_from_db()
    assert mri.front_door == FrontDoor.SENT

    # the payer's 277CA rejects the MRI claim and accepts the other
    answer = ack_277ca(batch, accepted=["PCNCOLLEAGUE"], rejected=[mri.patient_control_number])
    assert ingest(world.acme, answer, "payer.277ca").outcome == "applied"

    page.goto(reverse("submission:rejections"))
    rejections = page.get_by_test_id("rejections")
    expect(rejections).to_contain_text(mri.patient_control_number)
    expect(rejections).not_to_contain_text("PCNCOLLEAGUE")
    rejections.get_by_role("link", name="work it").click()
    item = WorkItem.objects.get(kind=ItemKind.REJECTION)
    assert item.claim_id == mri.pk
    expect(page).to_have_url(re.compile(rf"/work/items/{item.pk}/$"))
    expect(page.get_by_test_id("item-status")).to_be_visible()
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
