"""/reports/weekly/<id>/: the archived report, for those who may read the client's reports."""

from __future__ import annotations

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.reports import weekly
from rcmdesk.reports.tests.builders import WEEK, acme_week
from rcmdesk.reports.tests.sweep_data import birch_objects
from rcmdesk.tenancy.roles import Role


def _url(report_id: object) -> str:
    return f"/reports/weekly/{report_id}/"


def test_a_client_manager_reads_their_report_and_the_read_is_audited(world: World,
                                                                     signed_in) -> None:
    acme_week(world)
    report, _ = weekly.generate(world.acme, WEEK)
    page = signed_in(Role.CLIENT_MANAGER).get(_url(report.pk))
    assert page.status_code == 200
    assert "Acme Family Medicine — weekly summary" in page.content.decode()
    assert "(2026-W45)" in page.content.decode()
    assert AuditEvent.objects.filter(action="read", object_id=str(report.pk)).exists()


def test_the_partner_lead_of_the_engagement_reads_it(world: World, signed_in) -> None:
    report, _ = weekly.generate(world.acme, WEEK)
    assert signed_in(Role.PARTNER_LEAD).get(_url(report.pk)).status_code == 200


def test_client_staff_without_report_rights_are_refused(world: World, signed_in) -> None:
    report, _ = weekly.generate(world.acme, WEEK)
    assert signed_in(Role.CLIENT_STAFF).get(_url(report.pk)).status_code == 403


def test_another_clients_report_answers_not_found(world: World, signed_in) -> None:
    birch = birch_objects(world)["report_id"]
    assert signed_in(Role.CLIENT_MANAGER).get(_url(birch)).status_code == 404
