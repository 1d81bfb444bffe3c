"""One received file: its findings and summary, audited; foreign ids answer like missing ones;
the progress poll never keeps a session alive, follows the file (not the task row a killed
worker left running) and ends once the file is finished; its history says what happened."""

from __future__ import annotations

import time

from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from rcmdesk.accounts.middleware import LAST_ACTIVITY
from rcmdesk.audit.models import AuditEvent
from rcmdesk.intake import recovery
from rcmdesk.intake.models import Channel
from rcmdesk.intake.services import receive
from rcmdesk.intake.tasks import process_file
from rcmdesk.intake.tests.test_received_files_page import (
    as_,
    make_files,
    page,
)
from rcmdesk.intake.tests.test_recovery import three_sets, time_passes
from rcmdesk.remits.tests.test_deposits import paid_remit
from rcmdesk.tenancy.roles import Role


def test_another_clients_file_answers_404_like_a_missing_one(world):
    files = make_files(world)
    client = as_(world, Role.PARTNER_SPECIALIST)
    foreign = client.get(page(files[1]))
    missing = client.get(reverse("intake:file", args=[987654321]))
    assert foreign.status_code == missing.status_code == 404


def test_the_file_page_shows_located_findings_and_its_reading_is_audited(world):
    files = make_files(world)
    before = AuditEvent.objects.filter(action="read").count()
    response = as_(world, Role.CLIENT_STAFF).get(page(files[0]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="findings"' in body
    assert "<td>CLP</td>" in body
    assert AuditEvent.objects.filter(action="read").count() == before + 1
    event = AuditEvent.objects.filter(action="read").latest("id")
    assert (event.client_org_id, event.object_id) == (world.acme.pk, str(files[0].pk))


def test_polling_for_progress_does_not_keep_the_session_alive(world):
    files = make_files(world)
    client = as_(world, Role.CLIENT_STAFF)
    client.get(reverse("intake:files"))
    session = client.session
    session[LAST_ACTIVITY] = earlier = time.time() - 60
    session.save()
    client.get(reverse("intake:progress", args=[files[0].pk]))
    assert client.session[LAST_ACTIVITY] == earlier


def test_a_file_stored_with_more_findings_than_the_cap_lists_only_the_cap(world, settings):
    """Files checked before the cap existed hold millions of findings; the page stays small."""
    settings.RCMDESK_MAX_FINDINGS = 20
    files = make_files(world)
    one = files[0].findings[0]
    type(files[0]).objects.filter(pk=files[0].pk).update(findings=[one] * 1_000)
    body = as_(world, Role.CLIENT_STAFF).get(page(files[0])).content.decode()
    assert body.count("<td>CLP</td>") == 21
    assert "The first 21 problems are shown; 979 more are not." in body
def stopped_upload(world):
    """An upload whose worker was killed mid-run: its task row RUNNING, its claim run out."""
    received, _ = receive(world.acme, three_sets(world), "stopped.835",
                          acting_user=world.user(Role.CLIENT_STAFF), channel=Channel.UPLOAD,
                          claim=True)
    task = DBTaskResult.objects.get(pk=process_file.enqueue(received.pk, None).id)
    task.claim("a-worker-that-was-killed")
    received = time_passes(received)
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=received.lease_since)
    return received, task


def test_a_file_whose_processing_stopped_says_so_and_offers_the_retry(world):
    received, task = stopped_upload(world)
    client = as_(world, Role.CLIENT_STAFF)
    body = client.get(page(received) + f"?task={task.pk}").content.decode()
    assert 'data-state="stopped"' in body
    assert (f"Processing stopped: {received.lease_holder} started it at "
            f"{received.lease_since:%Y-%m-%d %H:%M:%S} UTC") in body
    assert "takes it over and finishes it automatically" in body
    assert 'data-testid="retry"' in body


def test_the_progress_poll_ends_once_the_sweep_has_finished_the_file(world):
    received, task = stopped_upload(world)
    client = as_(world, Role.CLIENT_STAFF)
    poll = reverse("intake:progress", args=[received.pk]) + f"?task={task.pk}"
    assert client.get(poll).status_code == 200

    recovery.sweep()

    done = client.get(poll)
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")
    task.refresh_from_db()
    assert task.status == "FAILED"  # the dead worker's row no longer says "running"


def test_the_file_page_shows_the_processing_history_in_words_with_dates(world):
    received, _ = stopped_upload(world)
    recovery.sweep()
    received.refresh_from_db()
    body = as_(world, Role.CLIENT_STAFF).get(page(received)).content.decode()
    history = body[body.index('data-testid="history"'):body.index("<h2>Findings")]
    for label in ("Received", "Processing started", "Taken over after processing stopped",
                  "Applied"):
        assert f"<td>{label}</td>" in history
    assert "a web upload (acme.staff)" in history
    assert "the worker&#x27;s recovery sweep on" in history
    assert f"{received.received_at:%Y-%m-%d %H:%M:%S}" in history
    for code in ("<td>recovered</td>", "<td>claimed</td>", "<td>applied</td>"):
        assert code not in history


def test_an_applied_835_links_the_remittance_it_posted(world):
    remittance = paid_remit(world.acme, "PCN1", "100.00", "T1", "000000401")
    body = as_(world, Role.CLIENT_STAFF).get(page(remittance.file)).content.decode()
    made = body.split('data-testid="made"')[1].split("</ul>")[0]
    assert reverse("remits:remittance", args=[remittance.pk]) in made
    assert "Remittance T1, $100.00" in made
