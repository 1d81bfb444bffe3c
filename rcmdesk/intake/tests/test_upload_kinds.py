"""Uploads for people: a file that is no X12 gets a sentence saying what it is and no Retry;
several files in one upload each land on their own; the list names each file's type and
links to what it created."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rcmdesk.intake.models import Channel, FileStatus, ReceivedFile
from rcmdesk.intake.tests.test_received_files_page import PAID, as_, run_tasks_at_once, upload
from rcmdesk.remits.models import Remittance
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.roles import Role

ASK = "Upload the 835/837/277CA/999 file your clearinghouse sent."
WHOLE = remit(header("100.00") + PAID)


@pytest.mark.parametrize(("data", "sentence"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", f"This file is a PNG image, not an X12 file. {ASK}"),
    (b"%PDF-1.4\n%\xe2\xe3", f"This file is a PDF document, not an X12 file. {ASK}"),
    (WHOLE[: WHOLE.index(b"IEA")], "This X12 file is cut short: it stops before its closing "
                                   "IEA segment, so part of it is missing."),
])
def test_a_file_that_is_no_whole_x12_file_gets_its_sentence_and_no_retry(
        world, settings, data, sentence):
    run_tasks_at_once(settings)
    client = as_(world, Role.CLIENT_STAFF)
    location = upload(client, "acme", data, "scan.835")["Location"]
    body = client.get(location).content.decode()
    received = ReceivedFile.objects.get()
    assert received.status == FileStatus.QUARANTINED
    assert sentence in received.reason
    assert sentence.replace("'", "&#x27;") in body
    assert 'data-testid="retry"' not in body
    assert 'data-testid="no-retry"' in body
    assert "ISA interchange header" not in body


def test_an_empty_file_is_named_in_words_and_nothing_is_stored(world):
    response = upload(as_(world, Role.CLIENT_STAFF), "acme", b"", "blank.835")
    assert (f"blank.835: This file is empty, not an X12 file. {ASK}"
            in response.content.decode())
    assert not ReceivedFile.objects.exists()


def test_several_files_in_one_upload_each_land_on_their_own(world, settings):
    run_tasks_at_once(settings)
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    client = as_(world, Role.CLIENT_STAFF)
    response = client.post(reverse("intake:upload"), {"client": "acme", "file": [
        SimpleUploadedFile("paid.835", WHOLE),
        SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n\x00"),
        SimpleUploadedFile("blank.835", b"")]})
    assert response["Location"] == reverse("intake:files")
    landed = dict(ReceivedFile.objects.values_list("original_name", "status"))
    assert landed == {"paid.835": FileStatus.APPLIED, "photo.png": FileStatus.QUARANTINED}
    assert set(ReceivedFile.objects.values_list("channel", flat=True)) == {Channel.UPLOAD}
    said = [str(m) for m in response.wsgi_request._messages]
    assert any(m.startswith("blank.835: This file is empty") for m in said)
    assert any("2 files received" in m for m in said)


def test_the_file_list_names_each_type_and_links_the_remittance_a_file_created(
        world, settings):
    run_tasks_at_once(settings)
    make_claim(world.acme, "PCN1", [("99213", "100.00")])
    client = as_(world, Role.CLIENT_STAFF)
    upload(client, "acme", WHOLE, "paid.835")
    upload(client, "acme", b"\x89PNG\r\n\x1a\n\x00", "photo.png")
    remittance = Remittance.objects.get()
    body = client.get(reverse("intake:files")).content.decode()
    paid = body.split(f'data-file="{remittance.file_id}"')[1].split("</tr>")[0]
    assert "835 remittance" in paid
    assert reverse("remits:remittance", args=[remittance.pk]) in paid
    assert "PNG image" in body
    assert "<td>Upload</td>" in paid


def test_the_file_list_filters_by_type_and_name_and_keeps_what_was_typed(world, settings):
    run_tasks_at_once(settings)
    client = as_(world, Role.CLIENT_STAFF)
    upload(client, "acme", WHOLE, "paid.835")
    upload(client, "acme", b"\x89PNG\r\n\x1a\n\x00", "photo.png")
    body = client.get(reverse("intake:files"), {"kind": "png", "q": "pho"}).content.decode()
    rows = body.split('data-testid="files"')[1]
    assert "photo.png" in rows
    assert "paid.835" not in rows
    assert 'value="pho"' in body
    assert '<option value="png" selected>' in body
