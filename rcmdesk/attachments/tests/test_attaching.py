"""Attaching documents: told by content, capped, stored once by sha256, audited, and only by
those who may work what the document is attached to."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.attachments import queries, storage
from rcmdesk.attachments.models import Attachment, OwnerKind
from rcmdesk.attachments.owners import Owner
from rcmdesk.attachments.services import AttachmentRefused, attach, clean_name
from rcmdesk.attachments.tests.documents import PROGRAM, image, pdf, upload
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, make_user
from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def on_appeal(owners: Any) -> Owner:
    return Owner(OwnerKind.APPEAL, owners.appeal)


def test_a_pdf_renamed_png_is_kept_as_the_pdf_it_is(world: World, owners: Any) -> None:
    attached = attach(on_appeal(owners), upload("auth-letter.png", pdf(), "image/png"),
                      acting_user=world.user(Role.PARTNER_SPECIALIST))
    assert attached.attachment.content_type == "application/pdf"
    assert attached.attachment.name == "auth-letter.pdf"


def test_a_program_renamed_pdf_is_refused_in_words_and_nothing_is_kept(
        world: World, owners: Any) -> None:
    with pytest.raises(AttachmentRefused) as refused:
        attach(on_appeal(owners), upload("invoice.pdf", PROGRAM, "application/pdf"),
               acting_user=world.user(Role.PARTNER_SPECIALIST))
    assert str(refused.value).startswith("invoice.pdf is not a PDF, PNG, JPEG or TIFF file")
    assert "Save or scan the document as a PDF" in str(refused.value)
    assert not Attachment.objects.exists()
    assert not django_settings.RCMDESK_ATTACHMENTS_DIR.exists()


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("PNG", "image/png"), ("JPEG", "image/jpeg"), ("TIFF", "image/tiff")])
def test_each_accepted_image_kind_is_recognised_by_its_bytes(
        world: World, owners: Any, fmt: str, content_type: str) -> None:
    attached = attach(on_appeal(owners), upload("scan", image(fmt), "application/octet-stream"),
                      acting_user=world.user(Role.PARTNER_SPECIALIST))
    assert attached.attachment.content_type == content_type


def test_a_file_over_the_cap_is_refused_before_it_is_stored(
        world: World, owners: Any, settings: Any) -> None:
    settings.RCMDESK_MAX_UPLOAD_BYTES = 100
    with pytest.raises(AttachmentRefused, match="the largest file accepted is 100 bytes"):
        attach(on_appeal(owners), upload("records.pdf", pdf()),
               acting_user=world.user(Role.PARTNER_SPECIALIST))
    assert not Attachment.objects.exists()


def test_an_empty_file_and_no_file_are_refused(world: World, owners: Any) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    with pytest.raises(AttachmentRefused, match="The document is empty"):
        attach(on_appeal(owners), upload("blank.pdf", b""), acting_user=specialist)
    with pytest.raises(AttachmentRefused, match="Choose a file"):
        attach(on_appeal(owners), None, acting_user=specialist)


def test_the_bytes_are_stored_once_per_client_under_their_sha256(
        world: World, owners: Any) -> None:
    data, specialist = pdf(), world.user(Role.PARTNER_SPECIALIST)
    on_item = Owner(OwnerKind.ITEM, owners.denied.item)
    first = attach(on_appeal(owners), upload("a.pdf", data), acting_user=specialist).attachment
    second = attach(on_item, upload("b.pdf", data), acting_user=specialist).attachment
    sha = hashlib.sha256(data).hexdigest()
    assert first.sha256 == second.sha256 == sha
    stored = storage.path_for(world.acme.pk, sha)
    assert stored.read_bytes() == data
    assert list(stored.parent.iterdir()) == [stored]  # one file for the two documents
    assert not stored.is_relative_to(django_settings.STATIC_ROOT)


def test_attaching_the_same_bytes_twice_to_one_owner_keeps_one(world: World, owners: Any) -> None:
    specialist, data = world.user(Role.PARTNER_SPECIALIST), pdf()
    first = attach(on_appeal(owners), upload("a.pdf", data), acting_user=specialist)
    again = attach(on_appeal(owners), upload("copy.pdf", data), acting_user=specialist)
    assert (first.new, again.new) == (True, False)
    assert again.attachment == first.attachment
    assert Attachment.objects.count() == 1


def test_an_upload_is_audited_with_its_owner_and_hash(world: World, owners: Any) -> None:
    attached = attach(on_appeal(owners), upload("a.pdf", pdf()),
                      acting_user=world.user(Role.PARTNER_SPECIALIST)).attachment
    event = AuditEvent.objects.get(action="attachments.upload")
    assert event.object_id == str(attached.pk)
    assert event.client_org_id == world.acme.pk
    assert event.actor_username == "pillar.specialist"
    assert event.detail["owner"] == "appeal"
    assert event.detail["sha256"] == attached.sha256


def test_a_folder_and_control_characters_never_reach_the_stored_name() -> None:
    assert clean_name("C:\\Users\\pat\\..\\scan\x00.pdf") == "scan_.pdf"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("  ") == "document"


@pytest.mark.parametrize("role", [Role.PARTNER_SPECIALIST, Role.PARTNER_LEAD,
                                  Role.CLIENT_STAFF, Role.CLIENT_MANAGER])
def test_the_people_who_work_may_attach(world: World, owners: Any, role: Role) -> None:
    attached = attach(on_appeal(owners), upload("a.pdf", pdf()), acting_user=world.user(role))
    assert attached.new


@pytest.mark.parametrize("role", [Role.PARTNER_QA, Role.CLIENT_ADMIN])
def test_readers_may_not_attach(world: World, owners: Any, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        attach(on_appeal(owners), upload("a.pdf", pdf()), acting_user=world.user(role))


def test_a_document_is_seen_exactly_by_those_who_see_its_owner(world: World, owners: Any) -> None:
    attached = attach(on_appeal(owners), upload("a.pdf", pdf()),
                      acting_user=world.user(Role.CLIENT_STAFF)).attachment
    birch_only = make_user("pillar.birchonly", Role.PARTNER_SPECIALIST, world.pillar)
    Assignment.objects.create(engagement=world.birch_engagement, user=birch_only)
    for role in (Role.PARTNER_SPECIALIST, Role.PARTNER_QA, Role.CLIENT_ADMIN):
        assert queries.get(world.user(role), attached.pk) == attached
    for outsider in (birch_only, world.birch_admin, world.user(Role.PLATFORM_ADMIN)):
        with pytest.raises(Http404):
            queries.get(outsider, attached.pk)
        with pytest.raises(Http404):
            queries.owner(outsider, OwnerKind.APPEAL, owners.appeal.pk)


def test_a_partner_out_of_the_denials_scope_does_not_see_an_appeals_documents(
        world: World, owners: Any) -> None:
    attached = attach(on_appeal(owners), upload("a.pdf", pdf()),
                      acting_user=world.user(Role.CLIENT_STAFF)).attachment
    on_claim = attach(Owner(OwnerKind.CLAIM, owners.denied.claim), upload("c.pdf", pdf(2)),
                      acting_user=world.user(Role.CLIENT_STAFF)).attachment
    world.acme_engagement.scope = ["ar_followup"]
    world.acme_engagement.save()
    specialist = type(world.user(Role.PARTNER_SPECIALIST)).objects.get(
        username="pillar.specialist")  # a fresh user object: visibility is cached per object
    with pytest.raises(Http404):
        queries.get(specialist, attached.pk)
    assert queries.get(specialist, on_claim.pk) == on_claim


def test_the_claim_page_lists_the_documents_of_its_appeals_items_and_decisions(
        world: World, owners: Any) -> None:
    staff = world.user(Role.CLIENT_STAFF)
    made = [attach(Owner(kind, obj), upload(f"{kind}.pdf", pdf(n)), acting_user=staff).attachment
            for n, (kind, obj) in enumerate([
                (OwnerKind.CLAIM, owners.denied.claim), (OwnerKind.APPEAL, owners.appeal),
                (OwnerKind.ITEM, owners.denied.item), (OwnerKind.DECISION, owners.proposal)],
                start=1)]
    listed = queries.for_claim(world.user(Role.CLIENT_MANAGER), owners.denied.claim)
    assert listed == made
    assert [(a.owner_kind, a.owner_id) for a in listed] == [
        ("claim", owners.denied.claim.pk), ("appeal", owners.appeal.pk),
        ("item", owners.denied.item.pk), ("decision", owners.proposal.pk)]
    event = AuditEvent.objects.filter(action="list").latest("id")
    assert event.detail == {"claim": owners.denied.claim.pk, "attachments": [a.pk for a in made]}


def test_a_document_is_named_by_its_kind_in_billing_words(world: World, owners: Any) -> None:
    attached = attach(on_appeal(owners), upload("fax", image("TIFF")),
                      acting_user=world.user(Role.CLIENT_STAFF)).attachment
    assert (attached.name, attached.kind_label) == ("fax.tif", "TIFF image")
