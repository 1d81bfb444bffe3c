"""scrub(): a run with counts and findings, front doors moved, audited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.claims.models import ClaimOrigin, ClaimStatus, FrontDoor
from rcmdesk.conftest import World
from rcmdesk.scrubber import services
from rcmdesk.scrubber.models import ScrubFinding
from rcmdesk.scrubber.tests import builders as b
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_run_holds_claims_with_errors_and_readies_the_clean_ones(world: World) -> None:
    clean = b.claim(world.acme)
    broken = b.claim(world.acme, diagnoses=[])
    run = services.scrub(world.acme, [clean, broken], acting_user=world.user(Role.CLIENT_STAFF),
                         today=b.TODAY, purpose="test")
    assert (run.scrubbed, run.clean_claims, run.clean_claim_rate) == (2, 1, Decimal("50.00"))
    clean.refresh_from_db()
    broken.refresh_from_db()
    assert (clean.front_door, broken.front_door) == (FrontDoor.READY, FrontDoor.HELD)
    codes = set(ScrubFinding.objects.filter(run=run, claim=broken).values_list("code",
                                                                                 flat=True))
    assert "RQ025" in codes
    assert AuditEvent.objects.filter(action="scrubber.run", object_id=str(run.pk)).exists()


def test_a_mirrored_claim_is_reported_on_but_never_moved(world: World) -> None:
    mirrored = b.claim(world.acme, origin=ClaimOrigin.MIRROR, status=ClaimStatus.SUBMITTED)
    services.scrub(world.acme, [mirrored], acting_user=None, today=b.TODAY)
    mirrored.refresh_from_db()
    assert mirrored.front_door == FrontDoor.NONE


def test_a_claim_in_a_sent_batch_keeps_its_state(world: World) -> None:
    sent = b.claim(world.acme, front_door=FrontDoor.SENT, diagnoses=[])
    services.scrub(world.acme, [sent], acting_user=None, today=b.TODAY)
    sent.refresh_from_db()
    assert sent.front_door == FrontDoor.SENT


def test_an_empty_run_is_all_clean(world: World) -> None:
    run = services.scrub(world.acme, [], acting_user=None, today=b.TODAY)
    assert run.clean_claim_rate == Decimal("100.00")


def test_another_clients_claim_cannot_join_a_run(world: World) -> None:
    with pytest.raises(services.ScrubError):
        services.scrub(world.acme, [b.claim(world.birch)], acting_user=None, today=b.TODAY)
