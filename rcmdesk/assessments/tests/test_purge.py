"""Deleting an assessment removes every row of its tenant, leaves a certificate, keeps the
audit trail verifiable, and touches no other tenant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from rcmdesk.accounts.models import ApiToken, User
from rcmdesk.assessments import purge
from rcmdesk.assessments.models import DeletionCertificate, PurgeGrant
from rcmdesk.assessments.services import do_create_assessment, do_load_files
from rcmdesk.attachments import storage
from rcmdesk.audit.models import AuditEvent
from rcmdesk.audit.sealer import seal_all
from rcmdesk.audit.verification import verify_chains
from rcmdesk.claims.models import Payer
from rcmdesk.conftest import World, make_user
from rcmdesk.contracts.services import do_create_contract
from rcmdesk.errors import Conflict, Forbidden
from rcmdesk.remits.models import JournalEntry
from rcmdesk.synth import generate
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ActionKind, ItemKind, WorkAction
from rcmdesk.workqueue.tests.factories import make_item


def synth_files(tmp: Path, claims: int) -> list[tuple[str, bytes]]:
    generate(tmp, claims=claims)
    return [(p.name, p.read_bytes()) for p in sorted(tmp.glob("*/*.x12"))]


def build_prospect(world: World, tmp_path: Path, claims: int) -> Any:
    admin = world.user(Role.PLATFORM_ADMIN)
    assessment = do_create_assessment(practice_name="Riverside Test Practice", slug="rtp",
                                      time_zone="America/New_York", acting_user=admin)
    report = do_load_files(assessment, synth_files(tmp_path / "synth", claims), acting_user=admin)
    assert report.ok, report.files
    own = make_user("rtp.admin", Role.CLIENT_ADMIN, assessment.client)
    payer = Payer.objects.filter(client=assessment.client).first()
    assert payer is not None
    do_create_contract(assessment.client, payer, name="Commercial 2026", acting_user=own)
    ApiToken.objects.create(user=own, name="t", prefix="abcd", digest="d" * 64,
                            expires_at="2099-01-01T00:00Z")
    storage.save(assessment.client_id, storage.digest(b"proof"), b"proof")
    # A prospect's files make no work items; its own staff may still note one by hand, and
    # its history (append-only) must go with it.
    item = make_item(assessment.client, 1, kind=ItemKind.DENIAL)
    WorkAction.objects.create(item=item, actor=own, kind=ActionKind.CALLED_PAYER, note="x")
    return assessment


@pytest.fixture
def prospect(world: World, tmp_path: Path) -> Any:
    """A prospect with a few claims (the rich one is built by the first test)."""
    return build_prospect(world, tmp_path, 40)


def everything_of(client_ids: list[int]) -> dict[int, dict[str, int]]:
    return {c: purge.tenant_rows(c) for c in client_ids}


def test_deleting_an_assessment_removes_every_row_of_its_tenant_and_nothing_else(
        world: World, tmp_path: Path) -> None:
    prospect = build_prospect(world, tmp_path, 300)
    client_id = prospect.client_id
    before = purge.tenant_rows(client_id)
    assert before["claims.claim"] == 300
    assert before["remits.journalentry"]
    assert before["accounts.user"] == 1
    assert before["contracts.contract"] == 1
    assert before["accounts.apitoken"] == 1
    others = everything_of([world.acme.pk, world.birch.pk, world.pillar.pk])
    users_elsewhere = User.objects.exclude(organization_id=client_id).count()
    seal_all()

    certificate = purge.do_delete_assessment(
        prospect, requested_by="Dr. Rivers, owner", reason="no engagement",
        acting_user=world.user(Role.PLATFORM_ADMIN))

    assert purge.tenant_rows(client_id) == {}
    assert not Organization.objects.filter(pk=client_id).exists()
    assert certificate.removed == before
    assert certificate.rows_removed == sum(before.values())
    assert certificate.files_removed == 1
    assert not storage.path_for(client_id, storage.digest(b"proof")).exists()
    assert everything_of([world.acme.pk, world.birch.pk, world.pillar.pk]) == others
    assert User.objects.exclude(organization_id=client_id).count() == users_elsewhere
    assert not PurgeGrant.objects.exists()
    kept = AuditEvent.objects.filter(client_org_id=client_id)
    assert kept.count() == certificate.audit_events_kept + 1  # + the deletion itself
    assert certificate.audit_head_seq > 0
    assert len(certificate.audit_head_hash) == 64
    platform = AuditEvent.objects.get(client_org_id=None, action="assessment.delete")
    assert platform.detail["digest"] == certificate.digest
    assert purge.intact(DeletionCertificate.objects.get(pk=certificate.pk))
    seal_all()
    reports = verify_chains()
    assert client_id in {r.chain for r in reports}
    assert [r for r in reports if r.broken] == []


def test_a_certificate_edited_afterwards_no_longer_matches_its_digest(world, prospect):
    certificate = purge.do_delete_assessment(
        prospect, requested_by="owner", reason="", acting_user=world.user(Role.PLATFORM_ADMIN))
    certificate.rows_removed -= 1
    assert not purge.intact(certificate)


def test_a_working_client_or_one_with_an_engagement_is_not_deleted(world, prospect):
    admin = world.user(Role.PLATFORM_ADMIN)
    Engagement.objects.create(partner=world.pillar, client=prospect.client, name="AR",
                              scope=["ar_followup"], start_date="2026-01-01")
    with pytest.raises(Conflict, match="engagement"):
        purge.do_delete_assessment(prospect, requested_by="x", reason="", acting_user=admin)
    prospect.client.prospect = False
    with pytest.raises(Conflict, match="working client"):
        purge.do_delete_assessment(prospect, requested_by="x", reason="", acting_user=admin)
    assert purge.tenant_rows(prospect.client_id)["claims.claim"] == 40


def test_only_a_platform_admin_deletes_an_assessment(world, prospect):
    own = User.objects.get(username="rtp.admin")
    with pytest.raises(Forbidden):
        purge.do_delete_assessment(prospect, requested_by="x", reason="", acting_user=own)
    assert Organization.objects.filter(pk=prospect.client_id).exists()


def test_without_a_grant_the_append_only_tables_still_refuse_a_delete(world, prospect):
    for rows in (JournalEntry.objects.filter(client_id=prospect.client_id),
                 WorkAction.objects.filter(item__client_id=prospect.client_id)):
        assert rows.exists()
        with pytest.raises(DatabaseError), transaction.atomic():
            rows._raw_delete(rows.db)


def test_a_grant_for_another_client_lets_no_delete_through(world, prospect):
    rows = JournalEntry.objects.filter(client_id=prospect.client_id)
    with transaction.atomic():
        PurgeGrant.objects.create(client_id=world.acme.pk)
        with pytest.raises(DatabaseError), transaction.atomic():
            rows._raw_delete(rows.db)
        PurgeGrant.objects.all().delete()


def test_updates_stay_refused_under_a_grant(world, prospect):
    PurgeGrant.objects.create(client_id=prospect.client_id)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE remits_journalentry SET memo = 'x' WHERE client_id = %s",
                       [prospect.client_id])


def test_the_certificate_names_each_table_in_words_beside_its_label() -> None:
    made = DeletionCertificate(removed={"remits.ledgerentry": 3, "claims.claim": 2,
                                        "gone.model": 1})
    assert purge.removed_rows(made) == [("Ledger entries", "remits.ledgerentry", 3),
                                        ("Claims", "claims.claim", 2),
                                        ("gone.model", "gone.model", 1)]
