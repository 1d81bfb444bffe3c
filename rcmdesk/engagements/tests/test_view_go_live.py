"""Recording a workflow's go-live from the page: refused in words while something is
missing, recorded (and audited) when nothing is."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import sign_in
from rcmdesk.engagements.models import WorkflowGoLive
from rcmdesk.engagements.tests.support import Missing, make_plan, write_sop
from rcmdesk.systemaccess import queries as access
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def post(world, user, workflow="ar_followup", engagement=None):
    client = sign_in(Client(), user)
    return client.post(reverse("engagements:go_live",
                               args=[(engagement or world.acme_engagement).pk]),
                       {"workflow": workflow, "day": world.acme.today().isoformat()})


def test_go_live_without_an_sop_is_refused_naming_what_is_missing(world):
    make_plan(world.acme_engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    response = post(world, world.user(Role.CLIENT_ADMIN))
    assert response.status_code == 409
    assert "no SOP in force for AR follow-up" in response.content.decode()
    assert not WorkflowGoLive.objects.exists()


def test_go_live_with_a_missing_access_is_refused_naming_the_person_and_system(world,
                                                                              monkeypatch):
    make_plan(world.acme_engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    write_sop(world.acme, "ar_followup")
    specialist = world.user(Role.PARTNER_SPECIALIST)
    monkeypatch.setattr(access, "missing_access",
                        lambda engagement, workflow: [Missing(specialist, "Availity")])
    response = post(world, world.user(Role.CLIENT_ADMIN))
    assert response.status_code == 409
    assert "pillar.specialist has no granted login to Availity" in response.content.decode()


def test_go_live_is_recorded_with_its_day_and_who(world):
    make_plan(world.acme_engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    write_sop(world.acme, "ar_followup")
    admin = world.user(Role.CLIENT_ADMIN)
    assert post(world, admin).status_code == 302
    live = WorkflowGoLive.objects.get()
    assert (live.day, live.recorded_by) == (world.acme.today(), admin)
    assert AuditEvent.objects.filter(action="engagements.workflow_live").count() == 1


def test_the_partner_lead_cannot_record_go_live(world):
    make_plan(world.acme_engagement, specialist=world.user(Role.PARTNER_SPECIALIST))
    write_sop(world.acme, "ar_followup")
    assert post(world, world.user(Role.PARTNER_LEAD)).status_code == 403
    assert post(world, world.birch_admin).status_code == 404
    assert not WorkflowGoLive.objects.exists()
