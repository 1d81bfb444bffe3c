"""Clean claims out the door: scrub, batch, write the 837, post the charge.

A claim enters a file only when the scrubber has just called it clean (held claims never
do), and it leaves DRAFT, gets its ledger charge and is marked SENT in the same database
transaction that records the file, so a failure leaves no half-sent batch. One batch is one
outbound file of one kind (837P or 837I: their guides differ, so they never share a
functional group), split into transaction sets of at most ``SET_SIZE`` claims.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim, ClaimOrigin, ClaimStatus, FrontDoor
from rcmdesk.claims.services import post_charges_many
from rcmdesk.intake import outbound
from rcmdesk.scrubber import services as scrubber
from rcmdesk.submission import build
from rcmdesk.submission.models import (
    AckStatus,
    BatchClaim,
    ProfileKind,
    SubmissionBatch,
    SubmissionProfile,
)
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.producers.common import close
from rcmdesk.x12.writer import Envelope, TransactionBody
from rcmdesk.x12.writers import build_837

SET_SIZE = 5000  # claims per ST/SE: the 837 guides recommend at most 5,000
PROFILE_FIELDS = ("submitter_name", "submitter_id", "contact_name", "contact_phone",
                  "receiver_name", "receiver_id", "isa_sender_qualifier", "isa_sender_id",
                  "isa_receiver_qualifier", "isa_receiver_id", "usage", "outbound_dir")


class SubmissionRefused(errors.Invalid, ValueError):
    """A claim that may not go into a batch (already sent, not ours to send, other client).

    The API's submit route has always answered these 422 (as a request it cannot process),
    and integrations rely on it; so this one refusal keeps that status."""

    http_status = 422


@dataclass(frozen=True)
class ScrubOutcome:
    """What the batch remembers of the scrub that fed it."""

    scrubbed: int
    clean: int
    run_id: int | None = None

    @property
    def rate(self) -> Decimal:
        """Percent of scrubbed claims found clean, two places (as the scrubber reports it)."""
        if not self.scrubbed:
            return Decimal("100.00")
        return (Decimal(self.clean) * 100 / Decimal(self.scrubbed)).quantize(Decimal("0.01"))


# --- profiles ---------------------------------------------------------------------------


def _compact(slug: str) -> str:
    return slug.upper().replace("-", "").replace("_", "")[:15] or "RCMDESK"


def profile_for(client: Organization, kind: str) -> SubmissionProfile:
    """The client's profile for ``kind``, else its any-kind profile, else demo defaults.

    The default is created (so its ids are stable and visible on the profile page) rather
    than made up anew on every submission.
    """
    profiles: dict[str, SubmissionProfile] = {
        p.kind: p for p in SubmissionProfile.objects.filter(client=client)}
    found = profiles.get(kind) or profiles.get(ProfileKind.BOTH)
    if found is not None:
        return found
    sender = _compact(client.slug)
    profile: SubmissionProfile = SubmissionProfile.objects.get_or_create(
        client=client, kind=ProfileKind.BOTH,
        defaults={"submitter_name": client.name[:60], "submitter_id": sender,
                  "isa_sender_id": sender})[0]
    return profile


def save_profile(client: Organization, kind: str, values: dict[str, str], *, acting_user: Any
                 ) -> SubmissionProfile:
    """Create or change a profile: the client's own admin decides how it sends claims."""
    require(acting_user, Action.EDIT_PLAYBOOKS, client.pk, Workflow.CHARGES_CLAIMS)
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown profile fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        profile, created = SubmissionProfile.objects.get_or_create(
            client=client, kind=kind,
            defaults={"submitter_name": client.name[:60], "submitter_id": _compact(client.slug),
                      "isa_sender_id": _compact(client.slug)})
        for name, value in values.items():
            setattr(profile, name, value)
        profile.full_clean()
        profile.save()
        record("submission.profile_saved", client_id=client.pk, obj=profile,
               acting_user=acting_user,
               detail={"kind": kind, "created": created, "fields": sorted(values)})
    return profile


def parties(profile: SubmissionProfile) -> build.Parties:
    return build.Parties(profile.submitter_name, profile.submitter_id, profile.receiver_name,
                         profile.receiver_id, profile.contact_name, profile.contact_phone)


def envelope(profile: SubmissionProfile, today: date) -> Envelope:
    return Envelope(sender=profile.isa_sender_id, receiver=profile.isa_receiver_id,
                    sender_qualifier=profile.isa_sender_qualifier,
                    receiver_qualifier=profile.isa_receiver_qualifier,
                    date=f"{today:%Y%m%d}", time=f"{timezone.localtime():%H%M}",
                    usage=profile.usage)


# --- scrubbing ----------------------------------------------------------------------------


def scrub(client: Organization, claims: Sequence[Claim], today: date, *, acting_user: Any
          ) -> ScrubOutcome:
    """Run the scrubber (it marks each claim HELD or READY) and say how clean the run was."""
    run = scrubber.scrub(client, claims, acting_user=acting_user, today=today, purpose="submission")
    return ScrubOutcome(int(run.scrubbed), int(run.clean_claims), run.pk)


def _chunked(ids: Sequence[int]) -> Iterable[list[int]]:
    """Id lists short enough for one IN (...) on every backend."""
    for start in range(0, len(ids), build.LOAD_CHUNK):
        yield list(ids[start:start + build.LOAD_CHUNK])


# --- submitting ---------------------------------------------------------------------------


def submit(client: Organization, claims: Iterable[Claim | int] | None = None, *,
           acting_user: Any, today: date | None = None) -> list[SubmissionBatch]:
    """Scrub and send ``claims``; one batch per kind.

    None means every draft not yet sent (never scrubbed, held or ready): the scrub decides
    again, so a held claim whose problem was fixed elsewhere (an authorization recorded, a
    playbook edit changed) goes out, and one that is still wrong stays held. A rejected
    claim is resent only when named: sending it unchanged would earn the same rejection.

    A claim already in a sent batch is refused unless that batch's answer rejected it.
    """
    require(acting_user, Action.WORK_ITEMS, client.pk, Workflow.CHARGES_CLAIMS)
    today = today or client.today()
    chosen = _candidates(client, claims)
    if not chosen:
        return []
    outcome = scrub(client, chosen, today, acting_user=acting_user)
    ready: list[tuple[int, str]] = []
    for chunk in _chunked([c.pk for c in chosen]):
        ready.extend(Claim.objects.filter(pk__in=chunk, front_door=FrontDoor.READY)
                     .values_list("pk", "kind"))
    batches = []
    for kind in ("P", "I"):
        ids = [pk for pk, k in ready if k == kind]
        batch = _send(client, kind, ids, outcome, today, acting_user) if ids else None
        if batch is not None:
            batches.append(batch)
    return batches


def _candidates(client: Organization, claims: Iterable[Claim | int] | None) -> list[Claim]:
    if claims is None:
        qs = Claim.objects.filter(client=client, status=ClaimStatus.DRAFT, front_door__in=(
            FrontDoor.NONE, FrontDoor.HELD, FrontDoor.READY)).exclude(origin=ClaimOrigin.MIRROR)
        return list(qs.exclude(pk__in=_already_sent()).order_by("pk"))
    ids = sorted({c if isinstance(c, int) else c.pk for c in claims})
    found = [c for chunk in _chunked(ids)
             for c in Claim.objects.filter(pk__in=chunk, client=client).order_by("pk")]
    if len(found) != len(ids):
        raise SubmissionRefused("Some of these claims are not this client's.")
    mirrored = [c.patient_control_number for c in found if c.origin == ClaimOrigin.MIRROR]
    if mirrored:
        raise SubmissionRefused("Claims mirrored from the client's own system are sent by it: "
                                + ", ".join(mirrored[:10]))
    sent = {pk for chunk in _chunked(ids)
            for pk in _already_sent().filter(claim_id__in=chunk).values_list("claim_id",
                                                                                flat=True)}
    if sent:
        pcns = [c.patient_control_number for c in found if c.pk in sent]
        raise SubmissionRefused("Already in a sent batch that has not rejected them: "
                                + ", ".join(pcns[:10]))
    return found


def _already_sent() -> Any:
    """Batch entries that still stand: sent and unanswered, or accepted."""
    return BatchClaim.objects.filter(ack_status__in=[AckStatus.SENT, AckStatus.ACCEPTED]
                                     ).values("claim_id")


def new_reference(kind: str) -> str:
    """A batch's BHT03 prefix: unique, so a 277CA's 2200B trace finds the batch again."""
    return f"{kind}{timezone.now():%y%m%d%H%M}{secrets.token_hex(4).upper()}"


def bodies(kind: str, claims: Sequence[build.Loaded], profile: SubmissionProfile, today: date,
           reference: str) -> tuple[list[TransactionBody], dict[int, tuple[str, int]]]:
    """The 837 sets for ``claims`` (loaded by ``build.load``) and where each claim went.

    ST02 counts from 0001 within the group; claim id -> (ST02, position in the set).
    """
    who = parties(profile)
    out: list[TransactionBody] = []
    placed: dict[int, tuple[str, int]] = {}
    for n, start in enumerate(range(0, len(claims), SET_SIZE), start=1):
        control = f"{n:04d}"
        chunk = claims[start:start + SET_SIZE]
        sub = build.submission(kind, chunk, who, control=control,
                               reference=f"{reference}{control}")
        pcn_to_id = {c.patient_control_number: c.pk for c in chunk}
        for position, typed in enumerate(sub.claims, start=1):
            placed[pcn_to_id[typed.patient_control_number]] = (control, position)
        out.append(build_837(sub, date=f"{today:%Y%m%d}", time="1200"))
    return out, placed


def _send(client: Organization, kind: str, ids: list[int], outcome: ScrubOutcome,
          today: date, actor: Any) -> SubmissionBatch | None:
    """One batch, all or nothing: the claims are locked and checked READY first, so two
    people pressing Submit at once cannot put the same claim in two files."""
    profile = profile_for(client, kind)
    now = timezone.now()
    with transaction.atomic():
        ids = _lock_ready(ids)
        if not ids:
            return None
        claims = build.load(ids)
        reference = new_reference(kind)
        sets, placed = bodies(kind, claims, profile, today, reference)
        out = outbound.write(client, "837", sets, envelope(profile, today),
                             acting_user=person(actor),
                             count=len(claims), name=f"837{kind}-{now:%Y%m%d%H%M%S}.x12",
                             purpose=f"837{kind} claims")
        out.name = f"837{kind}-{out.isa13}.x12"
        out.save(update_fields=["name"])
        batch = SubmissionBatch.objects.create(
            client=client, kind=kind, outbound=out, created_by=person(actor), created_at=now,
            claims_count=len(claims), clean_claim_rate=outcome.rate, scrubbed=outcome.scrubbed,
            scrub_run_id=outcome.run_id, reference=reference)
        BatchClaim.objects.bulk_create(
            [BatchClaim(batch=batch, claim_id=c.pk, set_control=placed[c.pk][0],
                        position=placed[c.pk][1]) for c in claims], batch_size=2000)
        _mark_sent(ids, now, actor)
        _close_old_rejections(client, ids, batch)
        record("submission.batch_sent", client_id=client.pk, obj=batch, acting_user=person(actor),
               detail={"kind": kind, "claims": len(claims), "isa13": out.isa13,
                       "sets": len(sets), "clean_claim_rate": str(outcome.rate)})
        if profile.outbound_dir:
            drop(Path(profile.outbound_dir), out.name, bytes(out.content))
    return batch


def _lock_ready(ids: list[int]) -> list[int]:
    """The claims among ``ids`` still READY, locked until the batch commits (PostgreSQL;
    SQLite has one writer at a time anyway)."""
    ready: list[int] = []
    for chunk in _chunked(ids):
        ready += (Claim.objects.select_for_update().filter(pk__in=chunk,
                                                            front_door=FrontDoor.READY)
                  .order_by("pk").values_list("pk", flat=True))
    return ready


def _mark_sent(ids: list[int], now: Any, actor: Any) -> None:
    """SENT at the front door; a draft becomes SUBMITTED and only now reaches the ledger,
    through the claims app's ``post_charges_many`` (the ledger rules stay theirs)."""
    for chunk in _chunked(ids):
        Claim.objects.filter(pk__in=chunk).update(front_door=FrontDoor.SENT, updated_at=now)
        Claim.objects.filter(pk__in=chunk, status=ClaimStatus.DRAFT).update(
            status=ClaimStatus.SUBMITTED)
        loaded = list(Claim.objects.filter(pk__in=chunk).select_related("client"))
        post_charges_many(loaded, acting_user=person(actor))


def _close_old_rejections(client: Organization, ids: list[int], batch: SubmissionBatch) -> None:
    """A corrected claim going out again settles the rejection items of its earlier tries."""
    reasons = {pk: f"resubmitted in batch {batch.pk}" for chunk in _chunked(ids)
               for pk in WorkItem.objects.active().filter(
                   client=client, kind=ItemKind.REJECTION, claim_id__in=chunk
               ).values_list("pk", flat=True)}
    if reasons:
        close(client.pk, reasons)


def drop(folder: Path, name: str, data: bytes) -> Path:
    """Write into the outbound folder under a temporary name, then rename: a watcher on the
    folder never picks up half a file."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        target = folder / name
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target

