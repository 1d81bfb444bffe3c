"""The plan form: the client admin sets the model and its numbers; nobody else may."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rcmdesk.conftest import sign_in
from rcmdesk.engagements.models import EngagementPlan
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def post(world, user, data, engagement=None):
    client = sign_in(Client(), user)
    return client.post(reverse("engagements:plan",
                               args=[(engagement or world.acme_engagement).pk]), data)


POD = {"model": "managed_pod", "pod_specialists": "2"}


def test_the_client_admin_sets_a_managed_pod(world):
    response = post(world, world.user(Role.CLIENT_ADMIN), POD)
    assert response.status_code == 302
    plan = EngagementPlan.objects.get()
    assert (plan.model, plan.pod_specialists) == ("managed_pod", 2)


def test_a_partner_cannot_set_the_model(world):
    for role in (Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.CLIENT_MANAGER):
        assert post(world, world.user(role), POD).status_code == 403
    assert not EngagementPlan.objects.exists()


def test_another_clients_admin_gets_404(world):
    assert post(world, world.birch_admin, POD).status_code == 404


def test_a_plan_missing_its_numbers_comes_back_with_the_reason_and_what_was_typed(world):
    response = post(world, world.user(Role.CLIENT_ADMIN),
                    {"model": "monthly_support", "monthly_unit": "hours"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give the hours or items planned per month" in body
    assert 'value="monthly_support" selected' in body
    assert not EngagementPlan.objects.exists()
