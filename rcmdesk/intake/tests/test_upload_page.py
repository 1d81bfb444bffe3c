"""The upload form: writable visible clients only, a size limit, the bytes stored once, and
ingestion run by a background task that the file page polls for."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from rcmdesk.intake.models import Channel, FileStatus, ReceivedFile
from rcmdesk.intake.tests.test_received_files_page import (
    PAID,
    as_,
    give_posting,
    make_files,
    page,
    run_tasks_at_once,
    upload,
)
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.roles import Role


def test_an_upload_runs_ingestion_and_the_file_page_shows_the_result(world, settings):
    run_tasks_at_once(settings)
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


def test_the_same_bytes_uploaded_again_lead_to_the_first_file(world, settings):
    files = make_files(world)
    run_tasks_at_once(settings)
    data = bytes(files[0].content)
    response = upload(as_(world, Role.CLIENT_STAFF), "acme", data, "again.835")
    assert response["Location"] == page(files[0])
    assert ReceivedFile.objects.filter(client=world.acme).count() == 1


def test_the_upload_offers_only_clients_the_user_may_send_files_for(world, settings):
    run_tasks_at_once(settings)
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


@override_settings(RCMDESK_MAX_UPLOAD_BYTES=2 * 1024)
def test_a_file_over_the_size_limit_is_refused_with_its_size_and_the_limit(world):
    response = upload(as_(world, Role.CLIENT_STAFF), "acme", b"x" * 3 * 1024, "big.835")
    assert response.status_code == 200
    assert ("The X12 file is 3 KB; the largest file accepted is 2 KB."
            in response.content.decode())
    assert not ReceivedFile.objects.exists()


def test_an_empty_file_is_refused_with_a_sentence_that_says_so(world):
    response = upload(as_(world, Role.CLIENT_STAFF), "acme", b"", "empty.835")
    assert ("empty.835: This file is empty, not an X12 file. Upload the 835/837/277CA/999 "
            "file your clearinghouse sent." in response.content.decode())
    assert not ReceivedFile.objects.exists()


@override_settings(RCMDESK_MAX_UPLOAD_BYTES=3 * 1024 * 1024)
def test_the_page_names_the_size_limit(world):
    body = as_(world, Role.CLIENT_STAFF).get(reverse("intake:upload")).content.decode()
    assert "up to 3 MB each" in body


def test_the_size_limit_is_read_from_the_environment(tmp_path):
    env = {**os.environ, "RCMDESK_MAX_UPLOAD_BYTES": "12345", "RCMDESK_VAR_DIR": str(tmp_path)}
    shown = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from rcmdesk.uploads import max_upload_bytes; print(max_upload_bytes())"],
        env={**env, "DJANGO_SETTINGS_MODULE": "rcmdesk.settings"},
        capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "12345"
