"""The schedules page as each role sees it; run now and changing a schedule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.scheduler import queries, services
from rcmdesk.scheduler.models import JobRun, RunTrigger, Schedule
from rcmdesk.scheduler.tests.conftest import Probe
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.context import menus_for

pytestmark = pytest.mark.django_db

URL = "/schedules/"


@pytest.fixture(autouse=True)
def _schedules(world: World) -> None:
    """What the worker's first tick makes."""
    services.ensure_schedules()


def listed(client: object) -> set[tuple[str, str]]:
    response = client.get(URL)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return {(s.schedule.client.slug if s.schedule.client else "platform", s.schedule.job)
            for s in response.context["rows"]}


def has_menu(user: object) -> bool:
    return any(link.label == "Scheduled jobs" for menu in menus_for(user) for link in menu.links)


def test_a_client_admin_sees_only_its_own_clients_schedules(world: World, signed_in) -> None:
    shown = listed(signed_in(Role.CLIENT_ADMIN))
    assert {owner for owner, _ in shown} == {"acme"}
    assert ("acme", "weekly_report") in shown
    assert has_menu(world.user(Role.CLIENT_ADMIN))


def test_a_partner_lead_sees_the_jobs_of_its_engagements_workflows(world: World,
                                                                   signed_in) -> None:
    shown = listed(signed_in(Role.PARTNER_LEAD))
    # Acme's engagement covers AR follow-up and denials: not the reporting jobs
    assert ("acme", "queue_refresh") in shown
    assert ("acme", "weekly_report") not in shown
    assert {owner for owner, _ in shown} == {"acme"}


def test_the_platform_admin_sees_the_platform_jobs_only(world: World, signed_in) -> None:
    shown = listed(signed_in(Role.PLATFORM_ADMIN))
    assert shown == {("platform", "audit_seal"), ("platform", "audit_verify"),
                     ("platform", "prune_runs")}
    assert has_menu(world.user(Role.PLATFORM_ADMIN))


@pytest.mark.parametrize("role", [Role.CLIENT_STAFF, Role.PARTNER_SPECIALIST])
def test_people_who_do_not_organise_work_have_no_page_and_no_menu(
        world: World, signed_in, role: Role) -> None:
    assert signed_in(role).get(URL).status_code == 403
    assert not has_menu(world.user(role))


def test_the_page_says_the_schedule_in_words_on_the_clients_clock(world: World,
                                                                  signed_in) -> None:
    body = signed_in(Role.CLIENT_ADMIN).get(URL).content.decode()
    assert "At 06:00 on Monday, Eastern time" in body
    assert "weekly_report" not in body.replace('data-testid="schedule-weekly_report"', "")


def acme_schedule(job: str) -> Schedule:
    services.ensure_schedules()
    return Schedule.objects.get(job=job, client__slug="acme")


def test_run_now_records_a_manual_run_by_the_person(world: World, signed_in,
                                                    probe: Probe) -> None:
    services.ensure_schedules()
    row = Schedule.objects.get(job="probe", client=world.acme)
    response = signed_in(Role.PARTNER_LEAD).post(f"{URL}{row.pk}/run/")
    assert response.status_code == 302
    run = JobRun.objects.get(schedule=row)
    assert (run.trigger, run.triggered_by) == (RunTrigger.MANUAL, world.user(Role.PARTNER_LEAD))
    page = signed_in(Role.PARTNER_LEAD).get(f"{URL}{row.pk}/").content.decode()
    assert "Files fetched: 3" in page
    assert "pillar.lead" in page


def test_a_client_admin_changes_the_cron_and_switches_a_job_off(world: World,
                                                               signed_in) -> None:
    row = acme_schedule("weekly_report")
    admin = signed_in(Role.CLIENT_ADMIN)
    assert admin.post(f"{URL}{row.pk}/change/", {"cron": "0 7 * * 2"}).status_code == 302
    row.refresh_from_db()
    assert (row.cron, row.enabled) == ("0 7 * * 2", False)
    assert AuditEvent.objects.filter(action="scheduler.schedule_changed").count() == 1
    bad = admin.post(f"{URL}{row.pk}/change/", {"cron": "tuesdays", "enabled": "1"})
    assert bad.status_code == 400
    assert "five fields" in bad.content.decode()


def test_the_partner_lead_may_run_but_not_change_and_others_get_404(world: World,
                                                                   signed_in) -> None:
    row = acme_schedule("queue_refresh")
    lead = signed_in(Role.PARTNER_LEAD)
    page = lead.get(f"{URL}{row.pk}/")
    assert page.context["may_run"]
    assert not page.context["may_change"]
    assert lead.post(f"{URL}{row.pk}/change/", {"cron": "0 7 * * *"}).status_code == 403
    birch_row = Schedule.objects.get(job="queue_refresh", client=world.birch)
    assert signed_in(Role.CLIENT_ADMIN).get(f"{URL}{birch_row.pk}/").status_code == 404
    platform = Schedule.objects.get(job="audit_seal", client=None)
    assert signed_in(Role.CLIENT_ADMIN).post(f"{URL}{platform.pk}/run/").status_code == 404
    assert signed_in(Role.PLATFORM_ADMIN).get(f"{URL}{platform.pk}/").status_code == 200


def test_a_run_shows_when_it_happened_in_the_clients_zone(world: World, signed_in,
                                                          probe: Probe) -> None:
    services.ensure_schedules()
    row = Schedule.objects.get(job="probe", client=world.birch)
    services.run_now(row, acting_user=world.birch_admin,
                     now=datetime(2026, 12, 7, 18, 0, tzinfo=UTC))
    page = sign_in(Client(), world.birch_admin).get(f"{URL}{row.pk}/").content.decode()
    assert "12/07/2026 12:00 PM CST" in page


def test_an_outcome_reads_as_words_never_as_python() -> None:
    outcome = {"AR follow-up": {"created": 2, "closed": 1}, "weeks": ["2026-W49"], "kept": [],
               "broken": None, "sealed_all": True}
    assert queries.outcome_words(outcome) == [
        ("AR follow-up", "created 2, closed 1"), ("Weeks", "2026-W49"), ("Kept", "none"),
        ("Broken", "—"), ("Sealed all", "yes")]
