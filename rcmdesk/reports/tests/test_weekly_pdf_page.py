"""/reports/weekly/<id>/pdf/: the archived PDF, audited; 503 naming Pango when there is none."""

from __future__ import annotations

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.reports.models import WeeklyReport
from rcmdesk.reports.tests.sweep_data import birch_objects
from rcmdesk.tenancy.roles import Role


def _report(world: World, pdf: bytes) -> WeeklyReport:
    return WeeklyReport.objects.create(client=world.acme, week="2026-W45", html="<p>x</p>",
                                       pdf=pdf, sha256="1" * 64)


def test_the_pdf_downloads_as_an_attachment_and_the_download_is_audited(
        world: World, signed_in) -> None:
    report = _report(world, b"%PDF-1.7 acme")
    response = signed_in(Role.CLIENT_ADMIN).get(f"/reports/weekly/{report.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="acme-2026-W45.pdf"' in response["Content-Disposition"]
    assert response.content == b"%PDF-1.7 acme"
    assert AuditEvent.objects.filter(action="reports.weekly.pdf").count() == 1


def test_a_report_made_without_pango_answers_503_naming_libpango(world: World,
                                                                 signed_in) -> None:
    report = _report(world, b"")
    response = signed_in(Role.CLIENT_MANAGER).get(f"/reports/weekly/{report.pk}/pdf/")
    assert response.status_code == 503
    assert "libpango" in response.content.decode()


def test_another_clients_pdf_answers_not_found(world: World, signed_in) -> None:
    birch = birch_objects(world)["report_id"]
    assert signed_in(Role.PARTNER_LEAD).get(f"/reports/weekly/{birch}/pdf/").status_code == 404
