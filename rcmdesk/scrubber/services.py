"""Running the scrubber for the record: a ScrubRun with its findings, and each claim we send
moved to the front-door state its findings call for (held on any error, else ready)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim, ClaimOrigin, FrontDoor
from rcmdesk.scrubber.engine import chunks, scrub_claims
from rcmdesk.scrubber.models import ScrubFinding, ScrubRun
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow

# Only claims waiting to be sent (or sent back by the front door) change state; a claim in a
# batch, accepted, or mirrored from the client's own system is reported on, never moved.
MOVABLE = (FrontDoor.NONE, FrontDoor.HELD, FrontDoor.READY, FrontDoor.REJECTED)


class ScrubError(ValueError):
    pass


def require_scrub(user: Any, client: Organization) -> None:
    """Whoever works the client's charges and claims may scrub them (404/403 otherwise)."""
    require(user, Action.WORK_ITEMS, client.pk, Workflow.CHARGES_CLAIMS)


def scrub(client: Organization, claims: Sequence[Claim], *,
          acting_user: Any, today: date | None = None, purpose: str = "") -> ScrubRun:
    """Scrub ``claims`` of ``client``, record the run and its findings, move front doors.

    ``acting_user`` None is the system (a scheduled batch); a person is checked like on the
    pages.
    """
    if acting_user is not None:
        require_scrub(acting_user, client)
    claims = list(claims)
    if any(c.client_id != client.pk for c in claims):
        raise ScrubError("Every claim of a scrub run must belong to its client.")
    today = today or client.today()
    results = scrub_claims(claims, today=today)
    held = [c for c in claims if any(f.is_error for f in results[c.pk])]
    ready = [c for c in claims if not any(f.is_error for f in results[c.pk])]
    with transaction.atomic():
        run = ScrubRun.objects.create(
            client=client, purpose=purpose[:100], created_by=acting_user,
            scrubbed=len(claims), clean_claims=len(ready),
            errors=sum(f.is_error for fs in results.values() for f in fs),
            warnings=sum(not f.is_error for fs in results.values() for f in fs))
        ScrubFinding.objects.bulk_create(
            (ScrubFinding(run=run, claim_id=pk, code=f.code, severity=f.severity,
                          field=f.field[:80], line_number=f.line_number,
                          message=f.message[:500])
             for pk, found in results.items() for f in found),
            batch_size=2000)
        moved = {state: _move(client, group, state)
                 for state, group in ((FrontDoor.HELD, held), (FrontDoor.READY, ready))}
        record("scrubber.run", client_id=client.pk, obj=run, acting_user=acting_user, detail={
            "purpose": run.purpose, "scrubbed": run.scrubbed, "clean": run.clean_claims,
            "errors": run.errors, "warnings": run.warnings,
            "held": moved[FrontDoor.HELD], "ready": moved[FrontDoor.READY]})
    return run


def _move(client: Organization, claims: list[Claim], state: FrontDoor) -> int:
    """Set the front door of the movable claims among ``claims`` (in memory too)."""
    movable = [c for c in claims
               if c.origin != ClaimOrigin.MIRROR and c.front_door in MOVABLE]
    now = timezone.now()
    for part in chunks([c.pk for c in movable]):
        Claim.objects.filter(client=client, pk__in=part, front_door__in=MOVABLE).exclude(
            origin=ClaimOrigin.MIRROR).update(front_door=state, updated_at=now)
    for c in movable:
        c.front_door = state
    return len(movable)
