"""An engagement's logins: the lead asks for one there; the engagement page links to it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.systemaccess.models import AccessStatus, SystemAccess
from rcmdesk.systemaccess.tests.factories import acme_system
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_partner_lead_asks_for_a_login_and_it_waits_on_the_client(world: World,
                                                                    signed_in) -> None:
    system = acme_system(world)
    url = reverse("systemaccess:engagement", args=[world.acme_engagement.pk])
    lead = signed_in(Role.PARTNER_LEAD)
    page = lead.get(url).content.decode()
    assert "has no granted login to Acme EHR" in page
    response = lead.post(url, {"user": world.user(Role.PARTNER_SPECIALIST).pk,
                               "system": system.pk, "account_name": "sam.s",
                               "scope": "billing", "review_period_days": 90})
    assert response.status_code == 302
    access = SystemAccess.objects.get()
    assert access.status == AccessStatus.REQUESTED
    assert access.requested_by == world.user(Role.PARTNER_LEAD)


def test_a_refused_request_comes_back_with_what_was_typed(world: World, signed_in) -> None:
    system = acme_system(world)
    url = reverse("systemaccess:engagement", args=[world.acme_engagement.pk])
    lead = signed_in(Role.PARTNER_LEAD)
    data = {"user": world.user(Role.PARTNER_SPECIALIST).pk, "system": system.pk,
            "account_name": "sam.s", "review_period_days": 90}
    lead.post(url, data)
    again = lead.post(url, data)
    assert again.status_code == 400
    assert "already has a login" in again.content.decode()


def test_a_specialist_reads_the_page_but_cannot_ask(world: World, signed_in) -> None:
    acme_system(world)
    url = reverse("systemaccess:engagement", args=[world.acme_engagement.pk])
    specialist = signed_in(Role.PARTNER_SPECIALIST)
    assert 'data-testid="request-form"' not in specialist.get(url).content.decode()
    assert specialist.post(url, {"account_name": "x"}).status_code == 403


def test_the_engagement_page_links_to_its_logins(world: World, signed_in) -> None:
    body = signed_in(Role.PARTNER_LEAD).get(
        reverse("tenancy:engagement", args=[world.acme_engagement.pk])).content.decode()
    assert reverse("systemaccess:engagement", args=[world.acme_engagement.pk]) in body
    staff = signed_in(Role.CLIENT_STAFF).get(
        reverse("tenancy:engagement", args=[world.acme_engagement.pk]))
    if staff.status_code == 200:
        assert 'data-testid="system-access"' not in staff.content.decode()


def test_another_partners_engagement_is_not_found(world: World, signed_in) -> None:
    url = reverse("systemaccess:engagement", args=[world.birch_engagement.pk])
    assert signed_in(Role.PARTNER_LEAD).get(url).status_code == 404
