"""Freezing a clean-up's starting backlog: the client admin's, once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from rcmdesk.conftest import sign_in
from rcmdesk.engagements.models import EngagementModel, EngagementPlan
from rcmdesk.engagements.tests.support import make_plan
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind
from rcmdesk.workqueue.tests.factories import make_item

pytestmark = pytest.mark.django_db


def post(world, user):
    return sign_in(Client(), user).post(
        reverse("engagements:freeze", args=[world.acme_engagement.pk]))


def test_the_client_admin_freezes_the_open_items_of_the_scope(world):
    make_plan(world.acme_engagement, EngagementModel.BACKLOG_CLEANUP,
              target_date=world.acme.today() + timedelta(days=60))
    make_item(world.acme, 1, kind=ItemKind.AR_FOLLOWUP, amount=Decimal("12.50"))
    make_item(world.acme, 2, kind=ItemKind.DENIAL, amount=Decimal("7.50"))
    make_item(world.acme, 3, kind=ItemKind.POSTING_EXCEPTION)  # not in scope
    make_item(world.acme, 4, kind=ItemKind.QA_AUDIT)  # QA's own work, not backlog
    assert post(world, world.user(Role.PARTNER_LEAD)).status_code == 403
    assert post(world, world.user(Role.CLIENT_ADMIN)).status_code == 302
    plan = EngagementPlan.objects.get()
    assert (plan.frozen_count, plan.frozen_amount) == (2, Decimal("20.00"))
    assert post(world, world.user(Role.CLIENT_ADMIN)).status_code == 409
    body = sign_in(Client(), world.user(Role.PARTNER_SPECIALIST)).get(
        reverse("engagements:onboarding", args=[world.acme_engagement.pk])).content.decode()
    assert 'data-testid="burndown"' in body
    assert "2 of 2 frozen items still open" in body


def test_only_a_backlog_clean_up_freezes(world):
    make_plan(world.acme_engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    assert post(world, world.user(Role.CLIENT_ADMIN)).status_code == 409
