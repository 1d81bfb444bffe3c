"""The ingest worker checks again, when it runs, that the person who asked may still ingest;
and it finishes files whose processing stopped (its recovery sweep)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from typer.testing import CliRunner

from rcmdesk.audit.models import AuditEvent
from rcmdesk.cli import app
from rcmdesk.intake import queries, services
from rcmdesk.intake.models import Channel, FileStatus
from rcmdesk.intake.services import ingest
from rcmdesk.intake.tasks import process_file
from rcmdesk.intake.tests.test_received_files_page import PAID, give_posting
from rcmdesk.intake.tests.test_recovery import three_sets, time_passes
from rcmdesk.remits.models import LedgerEntry
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.roles import Role


def queued_by(world, user, data=None):
    received, _ = services.receive(world.acme, data or remit(header("100.00") + PAID),
                                  "queued.835", acting_user=user, channel=Channel.UPLOAD)
    return received


def test_the_worker_refuses_a_file_queued_before_the_partners_engagement_ended(world):
    give_posting(world)
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    specialist = world.user(Role.PARTNER_SPECIALIST)
    assert queries.may_ingest(specialist, world.acme.pk)
    received = queued_by(world, specialist)
    # "today" is the client's own day (its time zone), not the server's
    world.acme_engagement.end_date = world.acme_engagement.today() - timedelta(days=1)
    world.acme_engagement.save()

    outcome = process_file.call(received.pk, specialist.pk)

    received.refresh_from_db()
    assert received.status == FileStatus.FAILED
    assert "may no longer send files for Acme Family Medicine" in received.reason
    assert outcome["outcome"] == FileStatus.FAILED
    event = AuditEvent.objects.get(action="intake.refused")
    assert event.detail["previous_status"] == FileStatus.RECEIVED
    assert not LedgerEntry.objects.filter(account="payer_cash").exists()


def test_the_worker_refuses_a_user_of_another_client_named_in_the_task(world):
    received = queued_by(world, world.user(Role.CLIENT_STAFF))
    process_file.call(received.pk, world.birch_admin.pk)
    received.refresh_from_db()
    assert received.status == FileStatus.FAILED
    assert "birch.admin may no longer send files" in received.reason


def test_the_worker_refuses_a_requesting_user_who_no_longer_exists(world):
    received = queued_by(world, world.user(Role.CLIENT_STAFF))
    process_file.call(received.pk, 999999)
    received.refresh_from_db()
    assert received.status == FileStatus.FAILED
    assert "user #999999 no longer exists" in received.reason


def test_the_worker_processes_a_file_for_a_user_who_still_may_ingest(world):
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    staff = world.user(Role.CLIENT_STAFF)
    received = queued_by(world, staff)
    process_file.call(received.pk, staff.pk)
    received.refresh_from_db()
    assert received.status == FileStatus.APPLIED
    assert not AuditEvent.objects.filter(action="intake.refused").exists()


def test_a_refused_retry_leaves_an_applied_file_applied_and_is_audited(world):
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    applied = ingest(world.acme, remit(header("100.00") + PAID), "paid.835").file
    process_file.call(applied.pk, world.birch_admin.pk, retry=True)
    applied.refresh_from_db()
    assert applied.status == FileStatus.APPLIED
    assert AuditEvent.objects.get(action="intake.refused").detail["retry"] is True


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_finishes_a_file_whose_run_stopped_without_a_person(world):
    received, _ = services.receive(world.acme, three_sets(world), "stopped.835", claim=True)
    time_passes(received)

    result = CliRunner().invoke(app, ["worker", "--batch"])

    assert result.exit_code == 0, result.output
    received.refresh_from_db()
    assert received.status == FileStatus.APPLIED
    assert AuditEvent.objects.filter(action="intake.recovered").count() == 1
