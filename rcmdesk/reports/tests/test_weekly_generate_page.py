"""POST /reports/weekly/generate/: "generate now" for a visible client, archived once."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.reports.models import WeeklyReport
from rcmdesk.tenancy.roles import Role


def test_a_client_manager_generates_a_week_and_lands_on_it(world: World, signed_in) -> None:
    client = signed_in(Role.CLIENT_MANAGER)
    response = client.post("/reports/weekly/generate/", {"client": "acme", "week": "2026-W45"})
    report = WeeklyReport.objects.get(client=world.acme, week="2026-W45")
    assert response.status_code == 302
    assert response["Location"] == f"/reports/weekly/{report.pk}/"
    assert report.generated_by == world.user(Role.CLIENT_MANAGER)


def test_generating_an_archived_week_again_keeps_it_unless_replace_is_ticked(
        world: World, signed_in) -> None:
    client = signed_in(Role.PARTNER_LEAD)
    client.post("/reports/weekly/generate/", {"client": "acme", "week": "2026-W45"})
    client.post("/reports/weekly/generate/", {"client": "acme", "week": "2026-W45"})
    assert WeeklyReport.objects.get(week="2026-W45").version == 1
    client.post("/reports/weekly/generate/", {"client": "acme", "week": "2026-W45", "force": "1"})
    assert WeeklyReport.objects.get(week="2026-W45").version == 2


def test_a_client_out_of_sight_answers_not_found(world: World, signed_in) -> None:
    response = signed_in(Role.CLIENT_MANAGER).post("/reports/weekly/generate/",
                                                   {"client": "birch", "week": "2026-W45"})
    assert response.status_code == 404
    assert not WeeklyReport.objects.exists()


def test_a_role_without_report_rights_is_refused(world: World, signed_in) -> None:
    response = signed_in(Role.CLIENT_STAFF).post("/reports/weekly/generate/",
                                                 {"client": "acme", "week": "2026-W45"})
    assert response.status_code == 403


def test_a_mistyped_week_comes_back_with_a_message_and_what_was_typed(
        world: World, signed_in) -> None:
    response = signed_in(Role.CLIENT_MANAGER).post(
        "/reports/weekly/generate/", {"client": "acme", "week": "week 45", "force": "1"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="generate-problem">“week 45” is not a week.' in body
    assert 'name="week" value="week 45"' in body
    assert 'name="force" value="1" checked' in body
    assert not WeeklyReport.objects.exists()
