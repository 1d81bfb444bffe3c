"""The claim page shows the latest benefits for its patient and payer — to people who may see
the client's eligibility work."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from rcmdesk.claims.models import Claim
from rcmdesk.conftest import World
from rcmdesk.eligibility.models import BenefitSummary, EligibilityResponse
from rcmdesk.eligibility.tests.builders import make_visit
from rcmdesk.tenancy.roles import Role, Workflow


def claim_with_answer(world: World) -> Claim:
    visit = make_visit(world.acme)
    assert visit.payer is not None
    answer = EligibilityResponse.objects.create(
        client=world.acme, visit=visit, patient=visit.patient, payer=visit.payer,
        as_of=visit.scheduled_on, key="k", status="active", plan="GOLD 123 PLAN")
    BenefitSummary.objects.create(client=world.acme, response=answer, service_type="98",
                                  status="active", copay_in=Decimal("10.00"))
    return Claim.objects.create(client=world.acme, patient=visit.patient, payer=visit.payer,
                                kind="P", patient_control_number="PCN1", total_charge=100,
                                service_from=visit.scheduled_on)


def test_the_claim_page_shows_the_plan_and_copay_of_the_latest_answer(
        world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    claim = claim_with_answer(world)
    page = signed_in(Role.CLIENT_STAFF).get(reverse("claims:claim", args=[claim.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="claim-benefits"' in html
    assert "GOLD 123 PLAN" in html
    assert "10.00" in html


def test_a_partner_engaged_only_for_ar_sees_the_claim_but_not_the_benefits(
        world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    claim = claim_with_answer(world)
    assert Workflow.ELIGIBILITY.value not in world.acme_engagement.scope
    page = signed_in(Role.PARTNER_SPECIALIST).get(reverse("claims:claim", args=[claim.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "GOLD 123 PLAN" not in html
    assert "No eligibility answer on file" in html
