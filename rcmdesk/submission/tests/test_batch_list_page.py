"""/batches/: the list with clean-claim rates and acknowledgment counts, and the submit button."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rcmdesk.claims.models import FrontDoor
from rcmdesk.conftest import World
from rcmdesk.submission.models import SubmissionBatch
from rcmdesk.submission.tests.factories import draft_claim
from rcmdesk.tenancy.roles import Role


def test_staff_scrub_and_send_drafts_with_the_button_and_the_held_one_stays_behind(
        world: World, signed_in: Any) -> None:
    draft_claim(world.acme, "PCN1")
    draft_claim(world.acme, "PCN2", front_door=FrontDoor.HELD, provider=False)
    browser = signed_in(Role.CLIENT_STAFF)
    page = browser.get("/batches/")
    assert b"Scrub and send drafts" in page.content
    response = browser.post("/batches/submit/", {"client": "acme"}, follow=True)
    assert response.status_code == 200
    batch = SubmissionBatch.objects.get()
    assert batch.claims_count == 1
    text = response.content.decode()
    assert f'href="/batches/{batch.pk}/"' in text
    assert "50.0%" in text  # the scrub that fed the batch: PCN2 has no billing provider
    assert "the scrubber holds 1 draft(s)" in text


def test_a_client_admin_sees_batches_but_has_no_submit_button(world: World,
                                                              signed_in: Any) -> None:
    page = signed_in(Role.CLIENT_ADMIN).get("/batches/")
    assert page.status_code == 200
    assert b"Scrub and send drafts" not in page.content
    refused = signed_in(Role.CLIENT_ADMIN).post("/batches/submit/", {"client": "acme"})
    assert refused.status_code == 404


def test_another_clients_batches_are_not_listed(world: World, signed_in: Any) -> None:
    from rcmdesk.submission.tests.sweep_data import birch_objects

    birch = birch_objects(world)["batch_id"]
    page = signed_in(Role.CLIENT_STAFF).get("/batches/")
    assert f'href="/batches/{birch}/"' not in page.content.decode()


def test_a_batch_still_waiting_for_its_999_after_a_business_day_is_flagged_as_late(
        world: World, signed_in: Any) -> None:
    draft_claim(world.acme, "PCNLATE")
    browser = signed_in(Role.CLIENT_STAFF)
    browser.post("/batches/submit/", {"client": "acme"})
    batch = SubmissionBatch.objects.get()
    SubmissionBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - timedelta(days=10))
    text = browser.get("/batches/").content.decode()
    row = text[text.index(f'data-testid="batch-{batch.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "999 expected by" in row
    assert 'data-flag="past"' in row
