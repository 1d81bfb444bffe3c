"""One received file: its findings and summary, audited; foreign ids answer like missing ones;
the progress poll never keeps a session alive."""

from __future__ import annotations

import time

from django.urls import reverse

from rcmdesk.accounts.middleware import LAST_ACTIVITY
from rcmdesk.audit.models import AuditEvent
from rcmdesk.intake.tests.test_received_files_page import (
    as_,
    make_files,
    page,
)
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
    event = AuditEvent.objects.filter(action="read").latest("seq")
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
