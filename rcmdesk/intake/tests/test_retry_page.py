"""Retrying a quarantined, held or stuck file: for those who work the client's files."""

from __future__ import annotations

from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.intake import services
from rcmdesk.intake.models import Channel, FileStatus
from rcmdesk.intake.services import ingest
from rcmdesk.intake.tests.test_received_files_page import (
    PAID,
    as_,
    give_posting,
    make_files,
    page,
    run_tasks_at_once,
)
from rcmdesk.remits.tests.x12text import header, remit
from rcmdesk.tenancy.roles import Role


def test_retry_runs_a_stuck_file_again_and_is_audited(world, settings):
    run_tasks_at_once(settings)
    broken = remit(header("100.00") + "CLP*PCN1*1*ABC*100**12*CCN1~")
    received, _ = services.receive(world.acme, broken, "stuck.835",
                                  acting_user=world.user(Role.CLIENT_STAFF), channel=Channel.UPLOAD)
    client = as_(world, Role.CLIENT_STAFF)
    assert 'data-testid="retry"' in client.get(page(received)).content.decode()
    response = client.post(reverse("intake:retry", args=[received.pk]))
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.status == FileStatus.QUARANTINED
    assert AuditEvent.objects.filter(action="intake.retry", object_id=str(received.pk)).exists()


def test_a_poster_at_the_partner_retries_a_held_file(world, settings):
    run_tasks_at_once(settings)
    give_posting(world)
    held = ingest(world.acme, remit(header("90.00") + PAID, isa13="000000777"), "u.835").file
    assert held.status == FileStatus.HELD_FOR_REVIEW
    response = as_(world, Role.PARTNER_SPECIALIST).post(reverse("intake:retry", args=[held.pk]))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="intake.retry", object_id=str(held.pk)).exists()


def test_a_partner_outside_posting_sees_no_retry_button_and_gets_403(world):
    files = make_files(world)
    client = as_(world, Role.PARTNER_SPECIALIST)
    assert 'data-testid="retry"' not in client.get(page(files[0])).content.decode()
    assert client.post(reverse("intake:retry", args=[files[0].pk])).status_code == 403


def test_a_partner_cannot_retry_another_clients_file(world):
    files = make_files(world)
    give_posting(world)
    response = as_(world, Role.PARTNER_SPECIALIST).post(reverse("intake:retry",
                                                                args=[files[1].pk]))
    assert response.status_code == 404
