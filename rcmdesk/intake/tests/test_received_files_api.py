"""The received-files API: the tenant contract, findings, processing state and history in
the detail, and upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from rcmdesk.api.testing import TenantResourceContract
from rcmdesk.conftest import sign_in
from rcmdesk.intake import recovery
from rcmdesk.intake.models import Channel, FileStatus, ReceivedFile
from rcmdesk.intake.services import ingest, receive
from rcmdesk.intake.tests.test_recovery import three_sets, time_passes
from rcmdesk.tenancy.roles import Role

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
                         "QUEUES": ["default", "ingest", "reports"]}}


def acme_file(world):
    return ReceivedFile.objects.filter(client=world.acme).first() or ingest(
        world.acme, b"not x12 at all", "acme.txt").file


def birch_file(world):
    return ReceivedFile.objects.filter(client=world.birch).first() or ingest(
        world.birch, b"birch bytes", "birch.txt").file


class TestReceivedFileResource(TenantResourceContract):
    list_url = "/api/intake/files"
    viewer = Role.PARTNER_SPECIALIST

    def detail_url(self, key):
        return f"/api/intake/files/{key}"

    def own_key(self, world):
        return str(acme_file(world).pk)

    def foreign_key(self, world):
        return str(birch_file(world).pk)

    @pytest.fixture(autouse=True)
    def _files(self, world):
        acme_file(world)
        birch_file(world)


def test_the_detail_carries_findings_and_the_summary(world):
    received = acme_file(world)
    body = sign_in(Client(), world.user(Role.CLIENT_STAFF)).get(
        f"/api/intake/files/{received.pk}").json()
    assert body["status"] == FileStatus.QUARANTINED
    assert body["findings"][0]["severity"] == "error"
    assert "content" not in body


def test_the_detail_lists_at_most_the_findings_cap(world, settings):
    settings.RCMDESK_MAX_FINDINGS = 20
    received = acme_file(world)
    ReceivedFile.objects.filter(pk=received.pk).update(findings=received.findings * 1_000)
    body = sign_in(Client(), world.user(Role.CLIENT_STAFF)).get(
        f"/api/intake/files/{received.pk}").json()
    assert len(body["findings"]) == 21


def post_file(client, slug, data, name="api.txt"):
    return client.post("/api/intake/files",
                       {"client": slug, "file": SimpleUploadedFile(name, data)})


def test_an_upload_is_stored_and_processed_by_the_task(world, settings):
    settings.TASKS = IMMEDIATE
    response = post_file(sign_in(Client(), world.user(Role.CLIENT_STAFF)), "acme", b"nope")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["new"] is True
    assert body["task"]
    received = ReceivedFile.objects.get(pk=body["file"]["id"])
    assert (received.channel, received.status) == (Channel.API, FileStatus.QUARANTINED)


def test_the_same_bytes_again_answer_200_with_the_first_file(world, settings):
    settings.TASKS = IMMEDIATE
    client = sign_in(Client(), world.user(Role.CLIENT_STAFF))
    first = post_file(client, "acme", b"twice").json()
    again = post_file(client, "acme", b"twice")
    assert again.status_code == 200
    assert (again.json()["file"]["id"], again.json()["new"]) == (first["file"]["id"], False)


@override_settings(RCMDESK_MAX_UPLOAD_BYTES=2 * 1024)
def test_a_file_over_the_size_limit_answers_422_with_its_size_and_the_limit(world):
    response = post_file(sign_in(Client(), world.user(Role.CLIENT_STAFF)), "acme",
                         b"x" * 3 * 1024)
    assert response.status_code == 422
    assert response.json()["detail"] == ("The X12 file is 3 KB; the largest file accepted "
                                         "is 2 KB.")
    assert not ReceivedFile.objects.exists()


def test_uploading_for_a_client_out_of_sight_answers_404(world):
    response = post_file(sign_in(Client(), world.user(Role.PARTNER_SPECIALIST)), "birch", b"x")
    assert response.status_code == 404
    assert not ReceivedFile.objects.exists()


def test_a_role_without_work_items_may_not_upload(world):
    response = post_file(sign_in(Client(), world.user(Role.CLIENT_ADMIN)), "acme", b"x")
    assert response.status_code == 403


def test_the_detail_says_where_processing_stands_and_what_happened(world):
    received, _ = receive(world.acme, three_sets(world), "stopped.835", claim=True)
    time_passes(received)
    client = sign_in(Client(), world.user(Role.CLIENT_STAFF))
    stopped = client.get(f"/api/intake/files/{received.pk}").json()
    assert stopped["processing"]["state"] == "stopped"
    assert stopped["processing"]["text"].startswith("Processing stopped: ")

    recovery.sweep()

    body = client.get(f"/api/intake/files/{received.pk}").json()
    assert body["processing"] is None
    assert [(e["event"], e["label"]) for e in body["history"]] == [
        ("received", "Received"), ("claimed", "Processing started"),
        ("recovered", "Taken over after processing stopped"), ("applied", "Applied")]
    assert body["history"][2]["by"].startswith("the worker's recovery sweep on ")
