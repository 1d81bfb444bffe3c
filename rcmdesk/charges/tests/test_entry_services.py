"""Charge entry: drafts with their patient, coverage, provider and payer found or created by
the mirror's keys, never charged to the ledger, changed only at the version read."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.audit.models import AuditEvent
from rcmdesk.charges import services
from rcmdesk.charges.tests.factories import charge_input
from rcmdesk.claims.models import (
    Claim,
    ClaimOrigin,
    ClaimStatus,
    Coverage,
    FrontDoor,
    Patient,
    Provider,
)
from rcmdesk.remits.models import JournalEntry, LedgerEntry
from rcmdesk.tenancy.roles import Role


def manager(world):
    return world.user(Role.CLIENT_MANAGER)


def test_an_entered_charge_is_a_draft_with_its_lines_and_no_ledger_rows(world):
    claim = services.enter_claim(world.acme, charge_input(), acting_user=manager(world))
    assert claim.status == ClaimStatus.DRAFT
    assert claim.origin == ClaimOrigin.ENTRY
    assert claim.front_door == FrontDoor.NONE
    assert claim.total_charge == Decimal("1025.00")
    assert claim.diagnoses == [["ABK", "E119"], ["ABF", "R519"]]
    lines = list(claim.lines.order_by("line_number"))
    assert [(ln.procedure, ln.modifiers, ln.diagnosis_pointers) for ln in lines] == [
        ("99213", ["25"], [1]), ("70551", [], [1, 2])]
    assert not JournalEntry.objects.filter(claim=claim).exists()
    assert not LedgerEntry.objects.filter(journal__claim=claim).exists()
    assert AuditEvent.objects.filter(action="charges.claim_entered",
                                     object_id=str(claim.pk)).exists()


def test_the_control_number_is_rd_date_and_eight_base32_characters(world):
    claim = services.enter_claim(world.acme, charge_input(), acting_user=manager(world))
    pcn = claim.patient_control_number
    assert len(pcn) == 16
    assert pcn.startswith("RD")
    assert pcn.isalnum()
    other = services.enter_claim(world.acme, charge_input(), acting_user=manager(world))
    assert other.patient_control_number != pcn


def test_a_second_charge_for_the_same_person_reuses_patient_coverage_and_provider(world):
    first = services.enter_claim(world.acme, charge_input(), acting_user=manager(world))
    second = services.enter_claim(world.acme, charge_input(), acting_user=manager(world))
    assert second.patient_id == first.patient_id
    assert second.coverage_id == first.coverage_id
    assert second.billing_provider_id == first.billing_provider_id
    assert Patient.objects.filter(client=world.acme).count() == 1
    assert Coverage.objects.filter(client=world.acme).count() == 1
    assert Provider.objects.get(client=world.acme).tax_id == "123456789"


def test_a_dependent_keeps_the_subscriber_named_on_the_coverage(world):
    data = charge_input(coverage=services.CoverageInput(
        "W1", relationship="19", subscriber_last_name="DOE", subscriber_first_name="JOHN"))
    claim = services.enter_claim(world.acme, data, acting_user=manager(world))
    assert claim.coverage.relationship == "19"
    assert claim.coverage.subscriber_first_name == "JOHN"


def test_missing_essentials_are_refused_with_the_field_they_belong_to(world):
    data = charge_input(patient=services.PatientInput(""), lines=())
    with pytest.raises(services.ChargeError) as caught:
        services.enter_claim(world.acme, data, acting_user=manager(world))
    fields = {p.field for p in caught.value.problems}
    assert {"patient.last_name", "claim.lines"} <= fields
    assert not Claim.objects.exists()


@pytest.mark.parametrize(("charge", "units", "field"), [
    (Decimal("-1.7E+166"), Decimal(1), "line[1].charge"),  # failed to quantize: a 500
    (Decimal("10000000000.00"), Decimal(1), "line[1].charge"),  # overflowed numeric(12, 2)
    (Decimal("125.00"), Decimal("1E+9"), "line[1].units"),  # overflowed numeric(10, 3)
    (Decimal("9999999999.99"), Decimal(1), "claim.lines"),  # the total overflows
])
def test_amounts_the_claim_cannot_hold_are_refused_with_their_field(world, charge, units, field):
    big = services.LineInput("99213", charge, units, (), None, (1,))
    data = charge_input(lines=(big, services.LineInput("70551", Decimal("1.00"))))
    with pytest.raises(services.ChargeError) as caught:
        services.enter_claim(world.acme, data, acting_user=manager(world))
    assert field in {p.field for p in caught.value.problems}
    assert not Claim.objects.exists()


def test_a_role_without_work_items_may_not_enter_and_a_foreign_client_is_not_found(world):
    with pytest.raises(PermissionDenied):
        services.enter_claim(world.acme, charge_input(), acting_user=world.user(Role.CLIENT_ADMIN))
    with pytest.raises(Http404):
        services.enter_claim(world.birch, charge_input(), acting_user=manager(world))


def test_an_update_at_the_read_version_replaces_lines_and_clears_the_scrub_verdict(world):
    claim = services.enter_claim(world.acme, charge_input(), acting_user=manager(world))
    Claim.objects.filter(pk=claim.pk).update(front_door=FrontDoor.HELD)
    data = charge_input()
    data = replace(data, lines=data.lines[:1])
    updated = services.update_draft(claim, data, claim.version, acting_user=manager(world))
    assert updated.version == claim.version + 1
    assert updated.front_door == FrontDoor.NONE
    assert updated.total_charge == Decimal("125.00")
    assert updated.lines.count() == 1


def test_an_update_at_a_stale_version_is_a_conflict_and_changes_nothing(world):
    claim = services.enter_claim(world.acme, charge_input(), acting_user=manager(world))
    services.update_draft(claim, charge_input(), claim.version, acting_user=manager(world))
    with pytest.raises(services.Conflict):
        services.update_draft(claim,
                              charge_input(lines=charge_input().lines[:1]), claim.version,
                              acting_user=manager(world))
    assert Claim.objects.get(pk=claim.pk).lines.count() == 2


def test_a_sent_claim_is_no_longer_a_draft_to_update_or_discard(world):
    claim = services.enter_claim(world.acme, charge_input(), acting_user=manager(world))
    Claim.objects.filter(pk=claim.pk).update(front_door=FrontDoor.SENT)
    with pytest.raises(services.NotADraft):
        services.update_draft(claim, charge_input(), None, acting_user=manager(world))
    with pytest.raises(services.NotADraft):
        services.discard_draft(claim, None, acting_user=manager(world))


def test_a_draft_never_sent_can_be_discarded(world):
    claim = services.enter_claim(world.acme, charge_input(), acting_user=manager(world))
    services.discard_draft(claim, claim.version, acting_user=manager(world))
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert AuditEvent.objects.filter(action="charges.draft_discarded").exists()
