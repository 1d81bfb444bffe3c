"""Service-level pages: both sides see, only the client's admin sets, other clients 404."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.servicelevels.models import Kind, ServiceLevel
from rcmdesk.servicelevels.services import set_target
from rcmdesk.tenancy.models import Holiday
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def _target(world: World) -> ServiceLevel:
    return set_target(world.acme_engagement, Kind.ACTED_ON, "denials", 10, Decimal("95"),
                      acting_user=world.user(Role.CLIENT_ADMIN))


def test_the_client_admin_sets_a_target_and_it_is_audited(world: World) -> None:
    admin = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    url = f"/service-levels/engagements/{world.acme_engagement.pk}/"
    answer = admin.post(url, {"kind": "acted_on", "workflow": "ar_followup",
                              "business_days": "3", "target_percent": "95"})
    assert answer.status_code == 302
    level = ServiceLevel.objects.get(engagement=world.acme_engagement)
    assert level.sentence == ("95% of AR follow-up items acted on within 3 business days "
                              "of arrival")
    assert AuditEvent.objects.filter(action="service_level_set",
                                     object_id=str(level.pk)).exists()
    page = admin.get(url)
    assert page.status_code == 200
    assert b"target-form" in page.content
    assert level.sentence.encode() in page.content


def test_a_partner_sees_the_targets_but_cannot_set_or_retire_them(world: World) -> None:
    level = _target(world)
    lead = sign_in(Client(), world.user(Role.PARTNER_LEAD))
    url = f"/service-levels/engagements/{world.acme_engagement.pk}/"
    page = lead.get(url)
    assert page.status_code == 200
    assert level.sentence.encode() in page.content
    assert b"target-form" not in page.content
    assert lead.post(url, {"kind": "acted_on", "workflow": "denials", "business_days": "30",
                           "target_percent": "50"}).status_code == 403
    assert lead.post(f"/service-levels/targets/{level.pk}/retire/").status_code == 403
    level.refresh_from_db()
    assert level.business_days == 10
    assert level.active
    assert lead.get(f"/service-levels/targets/{level.pk}/missed/?week=2026-W48"
                    ).status_code == 200


def test_another_clients_admin_gets_404_on_every_service_level_page(world: World) -> None:
    level = _target(world)
    birch = sign_in(Client(), world.birch_admin)
    for url in (f"/service-levels/engagements/{world.acme_engagement.pk}/",
                f"/service-levels/targets/{level.pk}/missed/",
                "/service-levels/calendar/acme/"):
        assert birch.get(url).status_code == 404, url
    assert birch.post(f"/service-levels/targets/{level.pk}/retire/").status_code == 404


def test_a_target_outside_the_engagements_scope_is_refused_beside_the_form(
        world: World) -> None:
    admin = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    answer = admin.post(f"/service-levels/engagements/{world.acme_engagement.pk}/",
                        {"kind": "acted_on", "workflow": "",
                         "business_days": "3", "target_percent": "95"})
    assert answer.status_code == 400
    assert b"Choose the workflow" in answer.content
    posted = admin.post(f"/service-levels/engagements/{world.acme_engagement.pk}/",
                        {"kind": "posted", "workflow": "", "business_days": "4",
                         "target_percent": "95"})
    assert posted.status_code == 400
    assert b"not in this engagement" in posted.content


def test_the_client_admin_keeps_the_holidays_and_a_partner_only_reads_them(
        world: World) -> None:
    admin = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    answer = admin.post("/service-levels/calendar/acme/",
                        {"form": "holiday", "day": "2026-12-25", "name": "Christmas Day"})
    assert answer.status_code == 302
    holiday = Holiday.objects.get(client=world.acme)
    assert holiday.day == date(2026, 12, 25)
    assert AuditEvent.objects.filter(action="holiday_added").exists()
    again = admin.post("/service-levels/calendar/acme/",
                       {"form": "holiday", "day": "2026-12-25", "name": "Christmas"})
    assert again.status_code == 400
    assert b"already a holiday" in again.content
    lead = sign_in(Client(), world.user(Role.PARTNER_LEAD))
    page = lead.get("/service-levels/calendar/acme/")
    assert page.status_code == 200
    assert b"Christmas Day" in page.content
    assert b"holiday-form" not in page.content
    assert lead.post(f"/service-levels/holidays/{holiday.pk}/delete/").status_code == 403
    assert admin.post(f"/service-levels/holidays/{holiday.pk}/delete/").status_code == 302
    assert not Holiday.objects.filter(client=world.acme).exists()


def test_the_client_admin_sets_a_six_day_working_week(world: World) -> None:
    admin = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    answer = admin.post("/service-levels/calendar/acme/",
                        {"form": "weekdays", "weekdays": ["0", "1", "2", "3", "4", "5"]})
    assert answer.status_code == 302
    world.acme.refresh_from_db()
    assert world.acme.working_weekdays == [0, 1, 2, 3, 4, 5]


def test_the_engagement_page_links_to_its_service_levels(world: World) -> None:
    lead = sign_in(Client(), world.user(Role.PARTNER_LEAD))
    page = lead.get(f"/tenancy/engagements/{world.acme_engagement.pk}/")
    assert f"/service-levels/engagements/{world.acme_engagement.pk}/".encode() in page.content
