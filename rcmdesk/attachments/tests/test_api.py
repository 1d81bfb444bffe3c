"""Documents over the API: the same rules as the pages (content, cap, who may, audit)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from rcmdesk.attachments.models import Attachment
from rcmdesk.attachments.tests.documents import PROGRAM, image, pdf, upload
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_specialist_attaches_lists_and_downloads_over_the_api(
        world: World, owners: Any, signed_in: Any) -> None:
    api = signed_in(Role.PARTNER_SPECIALIST)
    url = f"/api/attachments/items/{owners.denied.item.pk}"
    made = api.post(url, {"file": upload("fax.tiff", image("TIFF")), "note": "from the payer"})
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["owner"], body["owner_id"], body["claim_id"]) == (
        "item", owners.denied.item.pk, owners.denied.claim.pk)
    assert (body["name"], body["content_type"], body["note"]) == (
        "fax.tiff", "image/tiff", "from the payer")
    again = api.post(url, {"file": upload("fax-again.tif", image("TIFF"))})
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert [a["id"] for a in api.get(url).json()] == [body["id"]]
    content = api.get(f"/api/attachments/{body['id']}/content")
    assert content["Content-Disposition"] == 'attachment; filename="fax.tiff"'
    assert content["X-Content-Type-Options"] == "nosniff"
    assert b"".join(content.streaming_content) == image("TIFF")
    assert AuditEvent.objects.filter(action="read", object_id=str(body["id"]),
                                     object_type="attachments.attachment").count() == 1


def test_the_api_refuses_a_program_in_the_same_words(world: World, owners: Any,
                                                     signed_in: Any) -> None:
    response = signed_in(Role.CLIENT_STAFF).post(
        f"/api/attachments/claims/{owners.denied.claim.pk}",
        {"file": upload("remit.pdf", PROGRAM)})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("remit.pdf is not a PDF, PNG, JPEG or TIFF")
    assert not Attachment.objects.exists()


def test_the_api_refuses_a_file_over_the_cap(world: World, owners: Any, signed_in: Any,
                                             settings: Any) -> None:
    settings.RCMDESK_MAX_UPLOAD_BYTES = 50
    response = signed_in(Role.CLIENT_STAFF).post(
        f"/api/attachments/decisions/{owners.proposal.pk}", {"file": upload("a.pdf", pdf())})
    assert response.status_code == 400
    assert "the largest file accepted is 50 bytes" in response.json()["detail"]


def test_a_qa_auditor_may_not_attach_over_the_api(world: World, owners: Any,
                                                  signed_in: Any) -> None:
    response = signed_in(Role.PARTNER_QA).post(f"/api/attachments/appeals/{owners.appeal.pk}",
                                               {"file": upload("a.pdf", pdf())})
    assert response.status_code == 403


def test_another_clients_owner_and_document_answer_404(world: World, owners: Any,
                                                      signed_in: Any) -> None:
    made = signed_in(Role.CLIENT_STAFF).post(f"/api/attachments/appeals/{owners.appeal.pk}",
                                             {"file": upload("a.pdf", pdf())}).json()
    outsider = sign_in(Client(), world.birch_admin)
    for url in (f"/api/attachments/{made['id']}", f"/api/attachments/{made['id']}/content",
                f"/api/attachments/appeals/{owners.appeal.pk}",
                f"/api/attachments/appeals/{owners.appeal.pk}/packet"):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/api/attachments/appeals/{owners.appeal.pk}",
                         {"file": upload("b.pdf", pdf())}).status_code == 404


def test_the_api_packet_merges_the_letter_and_the_chosen_documents(
        world: World, owners: Any, signed_in: Any) -> None:
    api = signed_in(Role.PARTNER_SPECIALIST)
    two = api.post(f"/api/attachments/appeals/{owners.appeal.pk}",
                   {"file": upload("records.pdf", pdf(2))}).json()
    png = api.post(f"/api/attachments/claims/{owners.denied.claim.pk}",
                   {"file": upload("card.png", image("PNG"))}).json()
    alone = PdfReader(BytesIO(api.get(f"/api/attachments/appeals/{owners.appeal.pk}/packet")
                              .content))
    both = api.get(f"/api/attachments/appeals/{owners.appeal.pk}/packet",
                   {"attachment": [png["id"], two["id"]]})
    assert both["Content-Type"] == "application/pdf"
    assert len(PdfReader(BytesIO(both.content)).pages) == len(alone.pages) + 1 + 2
