"""One visit: its benefits, the 270/271 history, and the request button."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.eligibility.models import BenefitSummary, EligibilityRequest, EligibilityResponse
from rcmdesk.eligibility.producer import sync_visits
from rcmdesk.eligibility.tests.builders import make_visit
from rcmdesk.intake.models import OutboundFile
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import WorkItem


def test_the_page_shows_the_benefits_and_what_the_payer_refused(
        world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    visit = make_visit(world.acme)
    answer = EligibilityResponse.objects.create(
        client=world.acme, visit=visit, key="k", status="active", plan="GOLD 123 PLAN",
        rejections=[{"loop": "2100C", "valid": "N", "reason": "73", "action": "C"}])
    BenefitSummary.objects.create(client=world.acme, response=answer, service_type="98",
                                  status="active", copay_in=Decimal("10.00"),
                                  deductible_in_remaining=Decimal("250.00"))
    page = signed_in(Role.CLIENT_STAFF).get(reverse("eligibility:visit", args=[visit.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "GOLD 123 PLAN" in html
    assert 'data-service-type="98"' in html
    assert "$250.00" in html
    assert "The name was missing or does not match" in html
    assert "(AAA 73)" in html
    assert 'data-testid="request-eligibility"' in html


def test_the_request_button_writes_a_270_and_lists_it(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    visit = make_visit(world.acme)
    client = signed_in(Role.CLIENT_STAFF)
    response = client.post(reverse("eligibility:request", args=[visit.pk]), follow=True)
    out = OutboundFile.objects.get(set_id="270")
    html = response.content.decode()
    assert f"270 written: {out.name}" in html
    assert EligibilityRequest.objects.get(visit=visit).trace in html


def test_a_client_admin_sees_the_visit_but_may_not_ask(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    visit = make_visit(world.acme)
    client = signed_in(Role.CLIENT_ADMIN)
    page = client.get(reverse("eligibility:visit", args=[visit.pk]))
    assert page.status_code == 200
    assert 'data-testid="request-eligibility"' not in page.content.decode()
    assert client.post(reverse("eligibility:request", args=[visit.pk])).status_code == 403


def test_another_clients_visit_answers_404(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    visit = make_visit(world.birch)
    client = signed_in(Role.CLIENT_STAFF)
    assert client.get(reverse("eligibility:visit", args=[visit.pk])).status_code == 404
    assert client.post(reverse("eligibility:request", args=[visit.pk])).status_code == 404


def test_the_page_links_the_visits_eligibility_items(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    visit = make_visit(world.acme, days_ahead=1)
    sync_visits(world.acme, world.acme.today())
    item = WorkItem.objects.get(source_key=f"visit:{visit.pk}")
    html = signed_in(Role.CLIENT_STAFF).get(
        reverse("eligibility:visit", args=[visit.pk])).content.decode()
    assert reverse("workqueue:item", args=[item.pk]) in html
    assert f"Verify eligibility for visit #{visit.pk}" in html
