"""The received-files pages: a list scoped to the viewer's clients, one file's findings,
retry for those who work the client's files, and an upload that ingests in the background."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from rcmdesk.accounts.middleware import LAST_ACTIVITY
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import sign_in
from rcmdesk.intake import queries
from rcmdesk.intake.models import Channel, FileStatus, ReceivedFile
from rcmdesk.intake.services import ingest
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.roles import Role

PAID = "CLP*PCN1*1*100*100**12*CCN1~SVC*HC:99213*100*100**1~"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
                         "QUEUES": ["default", "ingest", "reports"]}}


@pytest.fixture
def immediate_tasks(settings):
    """Tests run the ingestion task at once; the product path queues it for the worker."""
    settings.TASKS = IMMEDIATE


@pytest.fixture
def files(world):
    broken = ingest(world.acme, remit(header("100.00") + "CLP*PCN1*1*ABC*100**12*CCN1~"),
                    "broken.835").file
    foreign = ingest(world.birch, b"not x12 at all", "birch-secret.txt").file
    return broken, foreign


def as_(world, role):
    return sign_in(Client(), world.user(role))


def page(received):
    return reverse("intake:file", args=[received.pk])


def upload(client, org_slug, data, name="upload.835"):
    return client.post(reverse("intake:upload"),
                       {"client": org_slug, "file": SimpleUploadedFile(name, data)})


def give_posting(world):
    world.acme_engagement.scope = ["ar_followup", "denials", "posting"]
    world.acme_engagement.save()


def test_the_list_shows_only_files_of_clients_the_partner_works_for(world, files):
    body = as_(world, Role.PARTNER_SPECIALIST).get(reverse("intake:files")).content.decode()
    assert "broken.835" in body
    assert "Quarantined" in body
    assert "birch-secret.txt" not in body


def test_another_clients_file_answers_404_like_a_missing_one(world, files):
    client = as_(world, Role.PARTNER_SPECIALIST)
    foreign = client.get(page(files[1]))
    missing = client.get(reverse("intake:file", args=[987654321]))
    assert foreign.status_code == missing.status_code == 404


def test_the_file_page_shows_located_findings_and_its_reading_is_audited(world, files):
    before = AuditEvent.objects.filter(action="read").count()
    response = as_(world, Role.CLIENT_STAFF).get(page(files[0]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="findings"' in body
    assert "<td>CLP</td>" in body
    assert AuditEvent.objects.filter(action="read").count() == before + 1
    event = AuditEvent.objects.filter(action="read").latest("seq")
    assert (event.client_org_id, event.object_id) == (world.acme.pk, str(files[0].pk))


def test_an_upload_runs_ingestion_and_the_file_page_shows_the_result(world, immediate_tasks):
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    client = as_(world, Role.CLIENT_STAFF)
    response = upload(client, "acme", remit(header("100.00") + PAID), "paid.835")
    received = ReceivedFile.objects.get(original_name="paid.835")
    assert response.status_code == 302
    assert response["Location"].startswith(page(received))
    assert (received.status, received.channel) == (FileStatus.APPLIED, Channel.UPLOAD)
    assert received.received_by == world.user(Role.CLIENT_STAFF)
    body = client.get(response["Location"]).content.decode()
    assert "Applied" in body
    assert 'data-testid="progress"' not in body


@pytest.mark.django_db(transaction=True)
def test_the_upload_queues_a_task_and_the_page_polls_until_the_worker_is_done(world):
    client = as_(world, Role.CLIENT_STAFF)
    location = upload(client, "acme", b"not x12", "later.txt")["Location"]
    received = ReceivedFile.objects.get(original_name="later.txt")
    assert received.status == FileStatus.RECEIVED
    assert 'hx-trigger="every 2s"' in client.get(location).content.decode()
    progress = reverse("intake:progress", args=[received.pk]) + "?" + location.split("?")[1]
    assert client.get(progress).status_code == 200
    call_command("db_worker", queue_name="*", batch=True, no_startup_delay=True, verbosity=0)
    received.refresh_from_db()
    assert received.status == FileStatus.QUARANTINED
    done = client.get(progress)
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")


def test_polling_for_progress_does_not_keep_the_session_alive(world, files):
    client = as_(world, Role.CLIENT_STAFF)
    client.get(reverse("intake:files"))
    session = client.session
    session[LAST_ACTIVITY] = earlier = time.time() - 60
    session.save()
    client.get(reverse("intake:progress", args=[files[0].pk]))
    assert client.session[LAST_ACTIVITY] == earlier


def test_the_same_bytes_uploaded_again_lead_to_the_first_file(world, files, immediate_tasks):
    data = bytes(files[0].content)
    response = upload(as_(world, Role.CLIENT_STAFF), "acme", data, "again.835")
    assert response["Location"] == page(files[0])
    assert ReceivedFile.objects.filter(client=world.acme).count() == 1


def test_the_upload_offers_only_clients_the_user_may_send_files_for(world, immediate_tasks):
    give_posting(world)
    client = as_(world, Role.PARTNER_SPECIALIST)
    body = client.get(reverse("intake:upload")).content.decode()
    assert "Acme Family Medicine" in body
    assert "Birch" not in body
    response = upload(client, "birch", b"not x12", "sneaky.txt")
    assert response.status_code == 200
    assert not ReceivedFile.objects.filter(original_name="sneaky.txt").exists()


def test_a_partner_without_posting_or_claims_work_cannot_upload(world):
    client = as_(world, Role.PARTNER_SPECIALIST)
    assert client.get(reverse("intake:upload")).status_code == 403
    assert "upload-link" not in client.get(reverse("intake:files")).content.decode()


def test_a_file_over_the_size_limit_is_refused(world, monkeypatch):
    monkeypatch.setattr("rcmdesk.intake.views.MAX_UPLOAD_BYTES", 10)
    response = upload(as_(world, Role.CLIENT_STAFF), "acme", b"x" * 11, "big.835")
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not ReceivedFile.objects.exists()


def test_retry_runs_a_stuck_file_again_and_is_audited(world, immediate_tasks):
    received, _ = queries.receive(world.acme, b"not x12", "stuck.txt",
                                  actor=world.user(Role.CLIENT_STAFF), channel=Channel.UPLOAD)
    client = as_(world, Role.CLIENT_STAFF)
    assert 'data-testid="retry"' in client.get(page(received)).content.decode()
    response = client.post(reverse("intake:retry", args=[received.pk]))
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.status == FileStatus.QUARANTINED
    assert AuditEvent.objects.filter(action="intake.retry", object_id=str(received.pk)).exists()


def test_a_poster_at_the_partner_retries_a_held_file(world, immediate_tasks):
    give_posting(world)
    held = ingest(world.acme, remit(header("90.00") + PAID, isa13="000000777"), "u.835").file
    assert held.status == FileStatus.HELD_FOR_REVIEW
    response = as_(world, Role.PARTNER_SPECIALIST).post(reverse("intake:retry", args=[held.pk]))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="intake.retry", object_id=str(held.pk)).exists()


def test_a_partner_outside_posting_sees_no_retry_button_and_gets_403(world, files):
    client = as_(world, Role.PARTNER_SPECIALIST)
    assert 'data-testid="retry"' not in client.get(page(files[0])).content.decode()
    assert client.post(reverse("intake:retry", args=[files[0].pk])).status_code == 403


def test_a_partner_cannot_retry_another_clients_file(world, files):
    give_posting(world)
    response = as_(world, Role.PARTNER_SPECIALIST).post(reverse("intake:retry",
                                                                args=[files[1].pk]))
    assert response.status_code == 404
