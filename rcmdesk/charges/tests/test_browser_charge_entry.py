"""Headless Chromium fills the charge form as client staff: the scrubber's findings and the
line's authorization check appear next to the fields as they are typed, then the draft is
saved."""

from __future__ import annotations

from django.urls import reverse

from rcmdesk.charges.tests.factories import SERVICE_DAY
from rcmdesk.claims.models import Claim, ClaimStatus, Payer
from rcmdesk.playbooks.models import AuthRequirement
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.tests.test_browser_login import (  # noqa: F401 (fixtures)
    BROWSER_TEST,
    _sign_in,
    http_cookies,
    page,
)

pytestmark = BROWSER_TEST

FIELDS = {
    "#id_patient_last_name": "DOE", "#id_patient_first_name": "JANE",
    "#id_patient_birth_date": "1980-05-17", "#id_payer_id": "60054",
    "#id_payer_name": "AETNA", "#id_member_id": "W123", "#id_billing_npi": "1234567893",
    "#id_billing_name": "ACME", "#id_billing_taxonomy": "207Q00000X",
    "#id_billing_tax_id": "123456789", "#id_billing_address1": "9 CLINIC RD",
    "#id_billing_city": "SPRINGFIELD", "#id_billing_state": "IL", "#id_billing_zip": "62701",
    "#id_patient_address1": "1 MAIN ST", "#id_patient_city": "SPRINGFIELD",
    "#id_patient_state": "IL", "#id_patient_zip": "62701",
    "#id_facility_code": "11", "#id_diagnosis_1": "E11.9",
    "#id_lines-0-procedure": "70551", "#id_lines-0-charge": "900.00",
    "#id_lines-0-service_date": SERVICE_DAY.isoformat(), "#id_lines-0-diagnosis_pointers": "1",
}


def test_findings_appear_next_to_the_fields_while_typing_and_the_draft_saves(
        page, world) -> None:  # noqa: F811
    from playwright.sync_api import expect

    payer = Payer.objects.create(client=world.acme, payer_id="60054", name="AETNA")
    AuthRequirement.objects.create(client=world.acme, payer=payer, codes="70551")
    _sign_in(page, world, Role.CLIENT_STAFF)
    page.goto(reverse("charges:new"))
    for selector, value in FIELDS.items():
        page.locator(selector).fill(value)
    page.locator("#id_lines-0-modifiers").fill("2")
    page.locator("#id_lines-0-modifiers").dispatch_event("change")
    expect(page.get_by_test_id("findings-id_lines-0-modifiers")).to_contain_text("error")
    expect(page.get_by_test_id("auth-0")).to_have_attribute("data-problem", "missing")
    expect(page.get_by_test_id("scrub-summary")).to_have_attribute("data-clean", "no")

    page.locator("#id_lines-0-modifiers").fill("")
    page.locator("#id_lines-0-modifiers").dispatch_event("change")
    expect(page.get_by_test_id("findings-id_lines-0-modifiers")).to_have_text("")

    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("front-door")).to_be_visible()
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.DRAFT
    assert claim.lines.get().procedure == "70551"
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
