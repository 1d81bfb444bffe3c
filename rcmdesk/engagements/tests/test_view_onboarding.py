"""The onboarding page: the checklist per step with dates and who, seen by both sides."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import sign_in
from rcmdesk.engagements.models import EngagementModel
from rcmdesk.engagements.tests.support import make_plan, write_sop
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def page(world, role, engagement=None):
    client = sign_in(Client(), world.user(role))
    return client.get(reverse("engagements:onboarding",
                              args=[(engagement or world.acme_engagement).pk]))


def test_the_client_and_the_partner_both_see_the_checklist_with_who_wrote_the_sop(world):
    make_plan(world.acme_engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    admin = world.user(Role.CLIENT_ADMIN)
    admin.first_name = "Alice"
    admin.save()
    write_sop(world.acme, "ar_followup", author=admin)
    for role in (Role.CLIENT_ADMIN, Role.CLIENT_STAFF, Role.PARTNER_LEAD, Role.PARTNER_QA):
        response = page(world, role)
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-testid="step-sops"' in body
        assert "Alice" in body
        assert "Dedicated specialist" in body
        assert "Onboarding" in body
    assert AuditEvent.objects.filter(action="read", object_type__contains="engagement").exists()


def test_only_the_client_admin_is_offered_the_plan_form_and_the_go_live_button(world):
    make_plan(world.acme_engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    write_sop(world.acme, "ar_followup")
    admin_body = page(world, Role.CLIENT_ADMIN).content.decode()
    assert 'data-testid="plan-form"' in admin_body
    assert 'data-testid="go-live-ar_followup"' in admin_body
    assert 'data-testid="go-live-denials"' not in admin_body  # no SOP: no button
    lead_body = page(world, Role.PARTNER_LEAD).content.decode()
    assert 'data-testid="plan-form"' not in lead_body
    assert "go-live-ar_followup" not in lead_body
    assert "/tick/kickoff/" in lead_body
    assert "/tick/report_recipients/" not in lead_body
    assert "/tick/report_recipients/" in admin_body
    assert "/tick/kickoff/" not in admin_body


def test_another_clients_engagement_answers_404(world):
    make_plan(world.birch_engagement, EngagementModel.MANAGED_POD, pod_specialists=1)
    for role in (Role.CLIENT_ADMIN, Role.PARTNER_SPECIALIST, Role.CLIENT_MANAGER):
        assert page(world, role, world.birch_engagement).status_code == 404


def test_an_engagement_without_a_plan_reads_as_in_production_with_no_model(world):
    body = page(world, Role.CLIENT_MANAGER).content.decode()
    assert "In production (no model chosen)" in body


def test_the_engagement_page_links_to_the_onboarding_path(world):
    client = sign_in(Client(), world.user(Role.PARTNER_SPECIALIST))
    body = client.get(reverse("tenancy:engagement",
                              args=[world.acme_engagement.pk])).content.decode()
    assert reverse("engagements:onboarding", args=[world.acme_engagement.pk]) in body
