"""Ticking a manual checklist item: by its own side, once, with who and when."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rcmdesk.conftest import sign_in
from rcmdesk.engagements.models import ManualCheck
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def post(world, user, key):
    return sign_in(Client(), user).post(
        reverse("engagements:tick", args=[world.acme_engagement.pk, key]))


def test_the_partner_lead_ticks_the_kick_off(world):
    lead = world.user(Role.PARTNER_LEAD)
    assert post(world, lead, "kickoff").status_code == 302
    assert ManualCheck.objects.get().ticked_by == lead
    assert post(world, lead, "kickoff").status_code == 409  # once


def test_a_specialist_cannot_tick_and_the_lead_cannot_tick_the_clients_items(world):
    assert post(world, world.user(Role.PARTNER_SPECIALIST), "kickoff").status_code == 403
    assert post(world, world.user(Role.PARTNER_LEAD), "access_approver").status_code == 403
    assert post(world, world.birch_admin, "access_approver").status_code == 404
    assert post(world, world.user(Role.CLIENT_ADMIN), "no-such-item").status_code == 404
    assert not ManualCheck.objects.exists()
