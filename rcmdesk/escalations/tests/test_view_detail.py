"""One escalation's page: due time on both clocks, thread, history, the actions offered."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.escalations.tests.factories import birch_escalation, raise_one
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.templatetags.present import when
from rcmdesk.workqueue.tests.factories import make_claim

pytestmark = pytest.mark.django_db


def test_it_shows_the_due_time_in_the_owners_zone_and_the_viewers(world: World,
                                                                  signed_in: Any) -> None:
    lead, staff = world.user(Role.PARTNER_LEAD), world.user(Role.CLIENT_STAFF)
    lead.time_zone, staff.time_zone = "Asia/Kolkata", "America/Los_Angeles"
    lead.save(update_fields=["time_zone"])
    staff.save(update_fields=["time_zone"])
    esc = raise_one(world)
    html = signed_in(Role.CLIENT_STAFF).get(f"/escalations/{esc.pk}/").content.decode()
    for zone in ("Asia/Kolkata", "America/Los_Angeles"):
        assert when(esc.response_due_at, zone) in html  # "06/11/2026 5:00 PM IST"
    assert AuditEvent.objects.filter(action="read", object_id=str(esc.pk)).count() == 1


def test_the_owner_is_offered_actions_and_a_reader_only_the_thread(world: World,
                                                                   signed_in: Any) -> None:
    esc = raise_one(world)
    owner = signed_in(Role.PARTNER_LEAD).get(f"/escalations/{esc.pk}/").content.decode()
    assert 'data-testid="action-acknowledge"' in owner
    assert 'data-testid="action-reassign"' in owner
    reader = signed_in(Role.PARTNER_SPECIALIST).get(f"/escalations/{esc.pk}/").content.decode()
    assert 'data-testid="act-form"' not in reader
    assert 'data-testid="message-form"' in reader


def test_another_tenants_escalation_answers_404(world: World, signed_in: Any) -> None:
    esc = birch_escalation(world)
    for role in (Role.CLIENT_MANAGER, Role.PARTNER_LEAD):
        assert signed_in(role).get(f"/escalations/{esc.pk}/").status_code == 404


def test_the_escalations_claim_number_links_to_the_claim_page(world: World,
                                                              signed_in: Any) -> None:
    claim = make_claim(world.acme, "PCNESC1")
    esc = raise_one(world, claim=claim)
    reader = signed_in(Role.CLIENT_STAFF)
    html = reader.get(f"/escalations/{esc.pk}/").content.decode()
    link = reverse("claims:claim", args=[claim.pk])
    assert f'<a href="{link}">PCNESC1</a>' in html
    assert reader.get(link).status_code == 200
