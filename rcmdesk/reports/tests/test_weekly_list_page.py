"""/reports/weekly/: the archive, only the clients the reader sees, filtered by client and week."""

from __future__ import annotations

from rcmdesk.conftest import World
from rcmdesk.reports.models import WeeklyReport
from rcmdesk.reports.tests.sweep_data import birch_objects
from rcmdesk.tenancy.roles import Role


def _archive(world: World) -> None:
    for week in ("2026-W44", "2026-W45"):
        WeeklyReport.objects.create(client=world.acme, week=week, html="", sha256="2" * 64)
    birch_objects(world)


def test_the_archive_lists_only_the_readers_clients(world: World, signed_in) -> None:
    _archive(world)
    page = signed_in(Role.CLIENT_MANAGER).get("/reports/weekly/").content.decode()
    assert "2026-W44" in page
    assert "2026-W45" in page
    assert "Birch Valley Hospital" not in page


def test_the_archive_filters_by_week(world: World, signed_in) -> None:
    _archive(world)
    page = signed_in(Role.PARTNER_LEAD).get("/reports/weekly/?client=acme&week=2026-W44")
    body = page.content.decode()
    assert ">2026-W44<" in body
    assert ">2026-W45<" not in body


def test_roles_without_report_rights_are_refused(world: World, signed_in) -> None:
    assert signed_in(Role.PARTNER_SPECIALIST).get("/reports/weekly/").status_code == 403


def test_a_mistyped_week_filter_says_so_and_lists_every_week(world: World, signed_in) -> None:
    _archive(world)
    page = signed_in(Role.CLIENT_MANAGER).get("/reports/weekly/?week=44")
    body = page.content.decode()
    assert 'data-testid="problem">“44” is not a week.' in body
    assert ">2026-W44<" in body
    assert ">2026-W45<" in body


def test_each_report_shows_its_days_and_who_made_it_in_words(world: World, signed_in) -> None:
    _archive(world)
    body = signed_in(Role.CLIENT_MANAGER).get("/reports/weekly/").content.decode()
    assert "10/26/2026 \N{EN DASH} 11/01/2026" in body  # 2026-W44, Monday to Sunday
    assert "<td>Weekly schedule</td>" in body
    assert "<td>Ready</td>" in body
