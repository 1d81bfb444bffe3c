"""The received-files list: only files of the clients the viewer sees, with status and
reason; the helpers here serve the other intake page tests too."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rcmdesk.conftest import sign_in
from rcmdesk.intake.services import ingest
from rcmdesk.remits.tests.x12text import header, remit
from rcmdesk.tenancy.roles import Role

PAID = "CLP*PCN1*1*100*100**12*CCN1~SVC*HC:99213*100*100**1~"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
                         "QUEUES": ["default", "ingest", "reports"]}}


def run_tasks_at_once(settings):
    """Tests run the ingestion task at once; the product path queues it for the worker."""
    settings.TASKS = IMMEDIATE


def make_files(world):
    """A quarantined file at Acme and one at Birch."""
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


def test_the_list_shows_only_files_of_clients_the_partner_works_for(world):
    make_files(world)
    body = as_(world, Role.PARTNER_SPECIALIST).get(reverse("intake:files")).content.decode()
    assert "broken.835" in body
    assert "Quarantined" in body
    assert "birch-secret.txt" not in body


def test_the_list_filters_by_status(world):
    make_files(world)
    client = as_(world, Role.CLIENT_STAFF)
    assert "broken.835" in client.get(reverse("intake:files"),
                                      {"status": "quarantined"}).content.decode()
    assert "broken.835" not in client.get(reverse("intake:files"),
                                          {"status": "applied"}).content.decode()
