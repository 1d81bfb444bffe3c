"""Client admins browse and export their own organization's audit events, and nobody else's."""

import csv
import io
import json

import pytest
from django.test import Client

from rcmdesk.audit.models import AuditEvent
from rcmdesk.audit.services import record
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.roles import Role


@pytest.fixture
def trail(world):
    record("read", client_id=world.acme.pk, object_type="claims.claim", object_id="A-1",
           detail={"note": "acme-marker"})
    record("read", client_id=world.birch.pk, object_type="claims.claim", object_id="B-1",
           detail={"note": "birch-marker"})
    return world


def test_a_client_admin_sees_their_own_organizations_events(trail):
    response = sign_in(Client(), trail.user(Role.CLIENT_ADMIN)).get("/audit/events/")
    assert response.status_code == 200
    assert b"acme-marker" in response.content
    assert b"birch-marker" not in response.content


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.CLIENT_ADMIN])
def test_other_roles_cannot_read_the_audit_log(trail, role):
    client = sign_in(Client(), trail.user(role))
    assert client.get("/audit/events/").status_code == 403
    assert client.get("/audit/events.csv").status_code == 403
    assert client.get("/api/audit/events").status_code == 403
    assert client.get("/audit/checkpoints.jsonl").status_code == 403


def test_the_export_is_csv_of_own_events_and_is_itself_audited(trail):
    response = sign_in(Client(), trail.user(Role.CLIENT_ADMIN)).get("/audit/events.csv")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["client_org_id"] for r in rows} == {str(trail.acme.pk)}
    assert any("acme-marker" in r["detail"] for r in rows)
    assert AuditEvent.objects.filter(action="export", client_org_id=trail.acme.pk).exists()


def test_spreadsheet_formulas_in_events_are_defused_in_the_export(trail):
    record("read", client_id=trail.acme.pk, object_type="x", object_id="=HYPERLINK(1)")
    response = sign_in(Client(), trail.user(Role.CLIENT_ADMIN)).get("/audit/events.csv")
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


def test_the_api_lists_own_events_newest_first(trail):
    rows = sign_in(Client(), trail.user(Role.CLIENT_ADMIN)).get("/api/audit/events").json()
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)
    assert [r["seq"] for r in rows] == sorted((r["seq"] for r in rows), reverse=True)
    assert all("birch-marker" not in str(r["detail"]) for r in rows)


def test_refused_requests_are_audited(trail):
    specialist = trail.user(Role.PARTNER_SPECIALIST)
    sign_in(Client(), specialist).get(f"/tenancy/engagements/{trail.birch_engagement.pk}/")
    event = AuditEvent.objects.filter(action="access_refused").latest("id")
    assert event.actor_id == specialist.pk
    assert event.detail["status"] == 404


def test_the_detail_reads_as_key_value_pairs_with_words_not_a_dict(trail):
    record("intake.received", client_id=trail.acme.pk, object_type="intake.receivedfile",
           object_id="7", detail={"name": "paid.835", "sha256": "ab12", "channel": "upload",
                                  "sets": {"held": False, "codes": ["CO-97"]}})
    body = sign_in(Client(), trail.user(Role.CLIENT_ADMIN)).get("/audit/events/").content.decode()
    table = body.split('data-testid="audit-events"')[1]
    assert "{'" not in table
    assert "['" not in table
    assert "False" not in table
    assert "Name: paid.835" in table
    assert "Fingerprint (SHA-256): ab12" in table
    assert "Sets: Held: No; Codes: CO-97" in table
    assert "Intake: received" in table
    assert "Channel: Upload" in table
    assert "Received file 7" in table


def test_times_are_in_the_organizations_zone_with_the_zone_named(trail):
    body = sign_in(Client(), trail.user(Role.CLIENT_ADMIN)).get("/audit/events/").content.decode()
    table = body.split('data-testid="audit-events"')[1]
    assert " EST</td>" in table or " EDT</td>" in table
    assert "<td>Viewed</td>" in table
    assert "Claim A-1" in table


def test_the_filters_keep_what_was_typed_and_narrow_by_person(trail):
    admin = sign_in(Client(), trail.user(Role.CLIENT_ADMIN))
    body = admin.get("/audit/events/", {"who": "nobody-like-this", "action": "read"})
    text = body.content.decode()
    assert 'value="nobody-like-this"' in text
    assert '<option value="read" selected>Viewed</option>' in text
    assert "acme-marker" not in text


def test_the_page_numbers_events_within_the_clients_own_chain(trail):
    body = sign_in(Client(), trail.user(Role.CLIENT_ADMIN)).get("/audit/events/").content.decode()
    table = body.split('data-testid="audit-events"')[1]
    numbers = [int(cell.split(">")[1].split("<")[0])
               for cell in table.split('<tr data-action=')[1:] for cell in [cell.split("<td")[1]]]
    assert numbers == sorted(numbers, reverse=True)
    assert numbers[-1] == 1  # acme's chain starts at 1 whatever birch wrote


def test_an_event_not_sealed_yet_shows_sealing(trail, monkeypatch):
    monkeypatch.setattr("rcmdesk.audit.services.seal", lambda chain: 0)  # a sealer is busy
    record("read", client_id=trail.acme.pk, object_type="x", object_id="fresh")
    body = sign_in(Client(), trail.user(Role.CLIENT_ADMIN)).get("/audit/events/").content.decode()
    assert "sealing…" in body.split('data-testid="audit-events"')[1]


def test_a_client_admin_downloads_their_chains_signed_checkpoints_and_it_is_audited(trail):
    from rcmdesk.audit import checkpoints

    admin = sign_in(Client(), trail.user(Role.CLIENT_ADMIN))
    assert 'data-testid="export-checkpoints"' in admin.get("/audit/events/").content.decode()
    response = admin.get("/audit/checkpoints.jsonl")
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert json.loads(lines[0])["public_key"] == checkpoints.public_key_hex()
    notes = checkpoints.read_lines(lines, "download")
    assert notes
    assert {n.chain for n in notes} == {trail.acme.pk}
    assert all(n.signed() for n in notes)
    assert AuditEvent.objects.filter(action="export", client_org_id=trail.acme.pk,
                                     object_type="audit.auditcheckpoint").exists()
