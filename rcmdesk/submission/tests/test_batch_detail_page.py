"""/batches/<id>/: the claims of a batch, their answers, and the audited file download."""

from __future__ import annotations

from typing import Any

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.submission import services
from rcmdesk.submission.tests.factories import TODAY, draft_claim
from rcmdesk.tenancy.roles import Role


def test_the_batch_page_lists_its_claims_and_the_download_is_audited(
        world: World, signed_in: Any) -> None:
    draft_claim(world.acme, "PCN1")
    [batch] = services.submit(world.acme, acting_user=world.user(Role.CLIENT_STAFF), today=TODAY)
    browser = signed_in(Role.CLIENT_MANAGER)
    page = browser.get(f"/batches/{batch.pk}/")
    assert page.status_code == 200
    assert b"PCN1" in page.content
    download = browser.get(f"/batches/{batch.pk}/download/")
    assert download.status_code == 200
    assert download.content == bytes(batch.outbound.content)
    assert AuditEvent.objects.filter(action="submission.batch_downloaded").count() == 1


def test_another_clients_batch_answers_404(world: World, signed_in: Any) -> None:
    from rcmdesk.submission.tests.sweep_data import birch_objects

    birch = birch_objects(world)["batch_id"]
    browser = signed_in(Role.CLIENT_STAFF)
    assert browser.get(f"/batches/{birch}/").status_code == 404
    assert browser.get(f"/batches/{birch}/download/").status_code == 404
