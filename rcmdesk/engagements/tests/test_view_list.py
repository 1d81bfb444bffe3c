"""The list of engagements with their stage: only what the viewer may see."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import sign_in
from rcmdesk.engagements.models import EngagementModel
from rcmdesk.engagements.tests.support import make_plan
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_list_shows_each_visible_engagement_with_its_model_and_stage(world):
    make_plan(world.acme_engagement, EngagementModel.MANAGED_POD, pod_specialists=1)
    make_plan(world.birch_engagement, EngagementModel.MANAGED_POD, pod_specialists=1)
    response = sign_in(Client(), world.user(Role.PARTNER_SPECIALIST)).get(
        reverse("engagements:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Acme AR" in body
    assert "Managed pod" in body
    assert "Onboarding" in body
    assert "Birch" not in body
    assert AuditEvent.objects.filter(action="list").exists()
