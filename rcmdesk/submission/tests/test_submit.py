"""Submitting ready claims: the 837 written, the claims sent and charged, nothing sent twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.http import Http404

from rcmdesk.claims.models import Claim, ClaimStatus, FrontDoor
from rcmdesk.conftest import World
from rcmdesk.remits.models import JournalEntry
from rcmdesk.submission import services
from rcmdesk.submission.models import AckStatus, BatchClaim, SubmissionProfile
from rcmdesk.submission.tests.factories import TODAY, draft_claim
from rcmdesk.tenancy.roles import Role
from rcmdesk.x12 import t837
from rcmdesk.x12.findings import Severity
from rcmdesk.x12.validate import validate


def snip_1_2_errors(data: bytes) -> list[str]:
    return [str(f) for f in validate(data, name="batch.x12")
            if f.severity is Severity.ERROR and f.rule.split(".")[0] in ("snip1", "snip2")]


@pytest.mark.parametrize("kind", ["P", "I"])
def test_a_submitted_batch_reparses_and_validates_clean_at_snip_1_and_2(world: World,
                                                                        kind: str) -> None:
    draft_claim(world.acme, "PCN1", kind=kind)
    draft_claim(world.acme, "PCN2", kind=kind, dependent=True)
    [batch] = services.submit(world.acme, acting_user=world.user(Role.CLIENT_STAFF), today=TODAY)
    data = bytes(batch.outbound.content)
    assert snip_1_2_errors(data) == []
    [sub] = list(t837.submissions(data))
    assert sub.kind == kind
    by_pcn = {c.patient_control_number: c for c in sub.claims}
    assert set(by_pcn) == {"PCN1", "PCN2"}
    assert by_pcn["PCN2"].patient is not None
    assert by_pcn["PCN2"].patient.relationship == "19"
    assert by_pcn["PCN1"].billing_provider.tax_id == "123456789"
    if kind == "P":
        assert by_pcn["PCN1"].prior_authorization == "AUTH123"
        assert [ln.place_of_service for ln in by_pcn["PCN1"].lines] == ["", "22"]
        assert by_pcn["PCN1"].lines[1].diagnosis_pointers == ("1", "2")


def test_submitted_claims_are_sent_submitted_and_charged_only_now(world: World) -> None:
    claim = draft_claim(world.acme, "PCN1")
    assert not JournalEntry.objects.filter(claim=claim).exists()
    [batch] = services.submit(world.acme, acting_user=world.user(Role.CLIENT_STAFF), today=TODAY)
    claim.refresh_from_db()
    assert (claim.status, claim.front_door) == (ClaimStatus.SUBMITTED, FrontDoor.SENT)
    assert JournalEntry.objects.filter(claim=claim).exists()
    entry = BatchClaim.objects.get(batch=batch, claim=claim)
    assert (entry.set_control, entry.position, entry.ack_status) == ("0001", 1, AckStatus.SENT)
    assert batch.claims_count == 1
    assert batch.clean_claim_rate == 100


def test_professional_and_institutional_claims_go_in_separate_batches(world: World) -> None:
    draft_claim(world.acme, "PCN1", kind="P")
    draft_claim(world.acme, "PCN2", kind="I")
    batches = services.submit(world.acme, acting_user=world.user(Role.CLIENT_STAFF), today=TODAY)
    assert sorted(b.kind for b in batches) == ["I", "P"]
    assert len({b.outbound.isa13 for b in batches}) == 2


def test_a_held_claim_never_goes_into_a_file(world: World) -> None:
    held = draft_claim(world.acme, "HELD1", provider=False)
    draft_claim(world.acme, "OK1")
    [batch] = services.submit(world.acme,
                              [held.pk, Claim.objects.get(patient_control_number="OK1").pk],
                              acting_user=world.user(Role.CLIENT_STAFF),
                              today=TODAY)
    held.refresh_from_db()
    assert held.front_door == FrontDoor.HELD
    assert b"HELD1" not in bytes(batch.outbound.content)
    assert batch.clean_claim_rate == 50


def test_a_claim_in_a_sent_batch_is_refused_until_that_batch_rejects_it(world: World) -> None:
    claim = draft_claim(world.acme, "PCN1")
    staff = world.user(Role.CLIENT_STAFF)
    [first] = services.submit(world.acme, acting_user=staff, today=TODAY)
    with pytest.raises(services.SubmissionRefused):
        services.submit(world.acme, [claim], acting_user=staff, today=TODAY)
    assert services.submit(world.acme, acting_user=staff, today=TODAY) == []
    BatchClaim.objects.filter(batch=first).update(ack_status=AckStatus.REJECTED)
    Claim.objects.filter(pk=claim.pk).update(front_door=FrontDoor.REJECTED)
    [second] = services.submit(world.acme, [claim], acting_user=staff, today=TODAY)
    assert second.outbound.isa13 != first.outbound.isa13


def test_the_file_also_lands_in_the_profiles_outbound_folder(world: World,
                                                             tmp_path: Path) -> None:
    draft_claim(world.acme, "PCN1")
    services.save_profile(world.acme, "B",
                          {"outbound_dir": str(tmp_path), "usage": "P"},
                          acting_user=world.user(Role.CLIENT_ADMIN))
    [batch] = services.submit(world.acme, acting_user=world.user(Role.CLIENT_STAFF), today=TODAY)
    written = tmp_path / batch.outbound.name
    assert written.read_bytes() == bytes(batch.outbound.content)
    assert [p.name for p in tmp_path.iterdir()] == [batch.outbound.name]


def test_only_a_client_admin_edits_the_submission_profile(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.save_profile(world.acme, "B",
                              {"usage": "P"}, acting_user=world.user(Role.CLIENT_MANAGER))
    profile = services.save_profile(world.acme, "P",
                                    {"submitter_id": "ACME123"},
                                    acting_user=world.user(Role.CLIENT_ADMIN))
    assert SubmissionProfile.objects.get(pk=profile.pk).submitter_id == "ACME123"


def test_another_clients_user_cannot_submit(world: World) -> None:
    draft_claim(world.acme, "PCN1")
    with pytest.raises(Http404):
        services.submit(world.acme, acting_user=world.birch_admin, today=TODAY)


def test_by_default_every_unsent_draft_is_scrubbed_again_and_only_clean_ones_go_out(
        world: World) -> None:
    never_scrubbed = draft_claim(world.acme, "PCN1", front_door=FrontDoor.NONE)
    fixed_since = draft_claim(world.acme, "PCN2", front_door=FrontDoor.HELD)
    still_wrong = draft_claim(world.acme, "PCN3", front_door=FrontDoor.READY, provider=False)
    [batch] = services.submit(world.acme, acting_user=world.user(Role.CLIENT_STAFF), today=TODAY)
    sent = set(BatchClaim.objects.filter(batch=batch).values_list("claim_id", flat=True))
    assert sent == {never_scrubbed.pk, fixed_since.pk}
    still_wrong.refresh_from_db()
    assert (still_wrong.status, still_wrong.front_door) == (ClaimStatus.DRAFT, FrontDoor.HELD)
