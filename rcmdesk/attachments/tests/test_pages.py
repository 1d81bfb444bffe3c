"""The documents panel on the appeal, work item and decision pages; attaching with and
without JavaScript; downloads that are downloads; the packet."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.template import Context, Template
from pypdf import PdfReader

from rcmdesk.attachments.models import Attachment, OwnerKind
from rcmdesk.attachments.owners import Owner
from rcmdesk.attachments.services import attach
from rcmdesk.attachments.tests.documents import PROGRAM, image, pdf, upload
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.denials import letters
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.tests.factories import make_claim

pytestmark = pytest.mark.django_db


def pages(owners: Any) -> dict[str, str]:
    return {"appeal": f"/appeals/{owners.appeal.pk}/",
            "item": f"/work/items/{owners.denied.item.pk}/",
            "decision": f"/decisions/{owners.proposal.pk}/"}


def uploads(owners: Any) -> dict[str, str]:
    return {"appeal": f"/attachments/appeals/{owners.appeal.pk}/",
            "item": f"/attachments/items/{owners.denied.item.pk}/",
            "decision": f"/attachments/decisions/{owners.proposal.pk}/"}


@pytest.mark.parametrize("page", ["appeal", "item", "decision"])
def test_a_specialist_attaches_from_the_page_without_javascript(
        world: World, owners: Any, signed_in: Any, page: str) -> None:
    browser = signed_in(Role.PARTNER_SPECIALIST)
    shown = browser.get(pages(owners)[page])
    assert b'data-testid="attach-form"' in shown.content
    response = browser.post(uploads(owners)[page], {"file": upload("auth.pdf", pdf()),
                                                    "note": "auth on file"}, follow=True)
    assert response.redirect_chain[-1][0] == pages(owners)[page]
    assert b"Attached auth.pdf." in response.content
    assert b'data-testid="attachment-link">auth.pdf</a>' in response.content
    assert Attachment.objects.get().owner_kind == OwnerKind(page)


def test_a_refusal_is_shown_on_the_page_in_words(world: World, owners: Any,
                                                 signed_in: Any) -> None:
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        uploads(owners)["appeal"], {"file": upload("setup.pdf", PROGRAM)}, follow=True)
    assert b"setup.pdf is not a PDF, PNG, JPEG or TIFF file" in response.content
    assert not Attachment.objects.exists()


def test_with_htmx_the_answer_is_the_panel_with_the_refusal(world: World, owners: Any,
                                                            signed_in: Any) -> None:
    response = signed_in(Role.PARTNER_SPECIALIST).post(
        uploads(owners)["item"], {"file": upload("setup.pdf", PROGRAM)}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response["X-RCM-Refusal"] == "1"  # app.js swaps it in despite the 4xx
    assert response.content.lstrip().startswith(b'<section id="attachments-item-')
    assert b'data-testid="attachment-problem"' in response.content


def test_with_htmx_an_attached_document_comes_back_in_the_panel(
        world: World, owners: Any, signed_in: Any) -> None:
    response = signed_in(Role.CLIENT_STAFF).post(
        uploads(owners)["decision"], {"file": upload("eob.pdf", pdf())}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'data-testid="attachment-link">eob.pdf</a>' in response.content
    assert b"Attached eob.pdf." in response.content


def test_a_qa_auditor_reads_the_documents_but_gets_no_form_and_may_not_post(
        world: World, owners: Any, signed_in: Any) -> None:
    attach(Owner(OwnerKind.APPEAL, owners.appeal), upload("auth.pdf", pdf()),
           acting_user=world.user(Role.PARTNER_SPECIALIST))
    browser = signed_in(Role.PARTNER_QA)
    shown = browser.get(pages(owners)["appeal"])
    assert b"auth.pdf" in shown.content
    assert b'data-testid="attach-form"' not in shown.content
    refused = browser.post(uploads(owners)["appeal"], {"file": upload("x.pdf", pdf())})
    assert refused.status_code == 403
    assert Attachment.objects.count() == 1


def test_a_download_is_a_download_never_a_page(world: World, owners: Any,
                                               signed_in: Any) -> None:
    data = image("PNG")
    attached = attach(Owner(OwnerKind.ITEM, owners.denied.item), upload("eob.png", data),
                      acting_user=world.user(Role.PARTNER_SPECIALIST)).attachment
    response = signed_in(Role.CLIENT_MANAGER).get(f"/attachments/{attached.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"] == 'attachment; filename="eob.png"'
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Cache-Control"] == "private, no-store"


def test_every_download_is_audited_as_a_read(world: World, owners: Any,
                                             signed_in: Any) -> None:
    attached = attach(Owner(OwnerKind.APPEAL, owners.appeal), upload("a.pdf", pdf()),
                      acting_user=world.user(Role.PARTNER_SPECIALIST)).attachment
    browser = signed_in(Role.CLIENT_MANAGER)
    for _ in range(2):
        browser.get(f"/attachments/{attached.pk}/download/")
    reads = AuditEvent.objects.filter(action="read", object_type="attachments.attachment",
                                      object_id=str(attached.pk))
    assert [(e.actor_username, e.client_org_id) for e in reads] == [
        ("acme.manager", world.acme.pk)] * 2


def test_the_panel_listing_is_audited(world: World, owners: Any, signed_in: Any) -> None:
    attached = attach(Owner(OwnerKind.APPEAL, owners.appeal), upload("a.pdf", pdf()),
                      acting_user=world.user(Role.PARTNER_SPECIALIST)).attachment
    signed_in(Role.CLIENT_MANAGER).get(pages(owners)["decision"])
    signed_in(Role.CLIENT_MANAGER).get(pages(owners)["appeal"])
    listed = AuditEvent.objects.filter(action="list", object_type="attachments.attachment",
                                       actor_username="acme.manager")
    assert {"owner": "appeal", "owner_id": owners.appeal.pk,
            "attachments": [attached.pk]} in [e.detail for e in listed]


def test_the_packet_is_the_letter_then_the_chosen_documents_page_by_page(
        world: World, owners: Any, signed_in: Any) -> None:
    staff = world.user(Role.CLIENT_STAFF)
    records = attach(Owner(OwnerKind.APPEAL, owners.appeal), upload("records.pdf", pdf(3)),
                     acting_user=staff).attachment
    fax = attach(Owner(OwnerKind.CLAIM, owners.denied.claim),
                 upload("auth-fax.tif", image("TIFF", frames=2)), acting_user=staff).attachment
    photo = attach(Owner(OwnerKind.ITEM, owners.denied.item), upload("card.jpg", image("JPEG")),
                   acting_user=staff).attachment
    attach(Owner(OwnerKind.ITEM, owners.denied.item), upload("not-chosen.png", image("PNG")),
           acting_user=staff)
    letter_pages = len(PdfReader(BytesIO(letters.letter_pdf(owners.appeal))).pages)
    browser = signed_in(Role.PARTNER_SPECIALIST)
    panel = browser.get(pages(owners)["appeal"])
    assert b'data-testid="packet-form"' in panel.content
    response = browser.get(f"/attachments/appeals/{owners.appeal.pk}/packet.pdf",
                           {"attachment": [records.pk, fax.pk, photo.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="appeal-packet-')
    packet = PdfReader(BytesIO(response.content))
    assert len(packet.pages) == letter_pages + 3 + 2 + 1
    reads = AuditEvent.objects.filter(action="read", object_type="attachments.attachment",
                                      actor_username="pillar.specialist")
    assert sorted(int(e.object_id) for e in reads) == sorted([records.pk, fax.pk, photo.pk])
    assert AuditEvent.objects.get(action="attachments.packet").detail == {
        "attachments": [records.pk, fax.pk, photo.pk]}


def test_a_packet_may_not_take_a_document_of_another_claim(
        world: World, owners: Any, signed_in: Any) -> None:
    other = make_claim(world.acme, "PCN-OTHER")
    stray = attach(Owner(OwnerKind.CLAIM, other), upload("other.pdf", pdf()),
                   acting_user=world.user(Role.CLIENT_STAFF)).attachment
    response = signed_in(Role.PARTNER_SPECIALIST).get(
        f"/attachments/appeals/{owners.appeal.pk}/packet.pdf", {"attachment": [stray.pk]})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="attachments.packet").exists()


def test_attaching_to_a_claim_without_javascript_returns_to_the_claim_page(
        world: World, owners: Any, signed_in: Any) -> None:
    claim = owners.denied.claim
    response = signed_in(Role.CLIENT_STAFF).post(f"/attachments/claims/{claim.pk}/",
                                                 {"file": upload("eob.jpeg", image("JPEG"))})
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.pk}/"
    assert Attachment.objects.get().claim == claim


def test_the_panel_tag_draws_the_claims_documents_for_the_claim_page(
        world: World, owners: Any, rf: Any) -> None:
    attach(Owner(OwnerKind.CLAIM, owners.denied.claim), upload("eob.pdf", pdf()),
           acting_user=world.user(Role.CLIENT_STAFF))
    request = rf.get("/")
    request.user = world.user(Role.CLIENT_STAFF)
    html = Template("{% load attachment_tags %}{% attachments_panel claim %}").render(
        Context({"request": request, "claim": owners.denied.claim}))
    assert "eob.pdf" in html
    assert f'action="/attachments/claims/{owners.denied.claim.pk}/"' in html
