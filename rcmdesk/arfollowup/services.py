"""Asking payers where a claim stands: one 276 (005010X212) per request, for one claim or a batch.

The 276 goes out through intake's outbound writer, so its control numbers are never reused and
the file is kept as written. Each claim gets its own trace number (TRN02), unique per client:
the payer echoes it in the 277, which is how the answer finds its question again
(``rcmdesk.arfollowup.status277``).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.accounts.people import person
from rcmdesk.arfollowup.models import ClaimStatusRequest
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim, ClaimStatus, Payer, Provider
from rcmdesk.intake import outbound
from rcmdesk.intake.models import OutboundFile
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue import services as workqueue
from rcmdesk.workqueue.actionsets import action_set
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.services import BulkResult
from rcmdesk.x12 import t276
from rcmdesk.x12.values import DateRef, Name
from rcmdesk.x12.writer import Envelope, TransactionBody
from rcmdesk.x12.writers import build_276


class MixedClients(errors.Invalid, ValueError):
    """One 276 file belongs to one client; a batch across clients is refused."""


def request_status(claims: Sequence[Claim], *, acting_user: Any, sender: str = "",
                   receiver: str = "") -> OutboundFile:
    """Write one 276 asking about ``claims`` and remember each question by its trace number.

    One transaction set per payer (a 276 is addressed to one payer), all in one interchange.
    ``acting_user`` is checked for permission and named by the audit trail; each claim's
    open AR follow-up item, if any, notes the question in its history.
    """
    claims = _distinct(claims)
    if not claims:
        raise ValueError("Choose at least one claim to ask about.")
    client = claims[0].client
    if any(c.client_id != client.pk for c in claims):
        raise MixedClients("A claim status request covers one client's claims.")
    require(acting_user, Action.WORK_ITEMS, client.pk, Workflow.AR_FOLLOWUP)
    items = {c.pk: [item] for c in claims if (item := open_ar_item(c)) is not None}
    return _write(client, claims, items, acting_user=acting_user, sender=sender,
                  receiver=receiver)


@dataclass
class StatusRequests(BulkResult):
    """Items a 276 was asked for (``done``), the others with why (``skipped``), and the
    276 files written: one per client."""

    files: list[OutboundFile] = field(default_factory=list)


def request_status_for_items(items: Sequence[WorkItem], *,
                             acting_user: Any) -> StatusRequests:
    """A 276 for each item's claim: one item from its page, or a workbench selection.

    Each item is checked on its own (its workflow's permission, its kind's action set, not
    done, not in someone else's hands, a claim that was sent), so one that cannot be asked
    about is skipped with the reason while the others go; two items on one claim share one
    inquiry. Each item's history records the request (``status_requested``).
    """
    result = StatusRequests()
    by_client: dict[int, list[WorkItem]] = {}
    for item in items:
        why = _why_not(acting_user, item)
        if why:
            result.skipped[item.pk] = why
        else:
            by_client.setdefault(item.client_id, []).append(item)
    for group in by_client.values():
        claims = [i.claim for i in group if i.claim is not None]
        asked: dict[int, list[WorkItem]] = {}
        for item in group:
            asked.setdefault(item.claim_id or 0, []).append(item)
        result.files.append(_write(group[0].client, _distinct(claims), asked,
                                   acting_user=acting_user))
        result.done += [i.pk for i in group]
    return result


def _why_not(user: Any, item: WorkItem) -> str:
    """Why no 276 can be asked from ``item``, in the words the skipped list shows."""
    try:
        require(user, Action.WORK_ITEMS, item.client_id, Workflow(item.workflow))
    except (PermissionDenied, Http404):
        return "Not allowed."
    if not action_set(item.kind).status_request:
        return ("A claim status request (276) is not an action for a "
                f"{item.get_kind_display()} item.")
    if item.status == ItemStatus.DONE:
        return "This item is done."
    if item.claim is None:
        return "This item has no claim to ask about."
    if item.claim.status == ClaimStatus.DRAFT:
        return "The claim has not been sent yet: there is nothing to ask the payer about."
    if (item.status == ItemStatus.IN_PROGRESS and item.assignee_id not in (None, user.pk)
            and item.lease_expires_at is not None and item.lease_expires_at > timezone.now()):
        return "Someone else is working this item."
    return ""


def _write(client: Organization, claims: list[Claim], items: dict[int, list[WorkItem]], *,
           acting_user: Any, sender: str = "", receiver: str = "") -> OutboundFile:
    """The one 276 writer: the file, a request per claim tied to the item it was asked for,
    the audit trail, and the request in each item's history, in one transaction."""
    traces = {c.pk: new_trace(c) for c in claims}
    bodies = _bodies(claims, traces, client.name, sender or _sender(client.slug),
                     client.today())
    envelope = Envelope(sender=sender or _sender(client.slug),
                        receiver=receiver or _receiver(claims))
    now = timezone.now()
    with transaction.atomic():
        out = outbound.write(client, "276", bodies, envelope, acting_user=acting_user,
                             count=len(claims),
                             name=f"276-{now:%Y%m%d%H%M%S}-{len(claims)}.x12",
                             purpose="claim status request")
        for claim in claims:
            asked = items.get(claim.pk, [])
            req = ClaimStatusRequest.objects.create(
                client=client, claim=claim, outbound=out, trace=traces[claim.pk],
                requested_at=now, requested_by=person(acting_user),
                item=asked[0] if asked else None)
            record("arfollowup.status_requested", client_id=client.pk, obj=req,
                   acting_user=acting_user,
                   detail={"claim": claim.pk, "trace": req.trace, "isa13": out.isa13,
                           "items": [i.pk for i in asked]})
            for item in asked:
                workqueue.touch_for_request(item, ActionKind.STATUS_REQUESTED,
                                            f"276 trace {req.trace}", now,
                                            acting_user=acting_user)
    return out


def new_trace(claim: Claim) -> str:
    """TRN02 for one inquiry: the claim id makes it readable on a call, the random tail makes
    it unique (the database constraint has the last word)."""
    return f"C{claim.pk}R{secrets.token_hex(5).upper()}"


def _distinct(claims: Sequence[Claim]) -> list[Claim]:
    seen: dict[int, Claim] = {}
    for claim in claims:
        seen.setdefault(claim.pk, claim)
    return list(seen.values())


def _sender(slug: str) -> str:
    return slug.upper().replace("-", "")[:15] or "RCMDESK"


def _receiver(claims: Sequence[Claim]) -> str:
    payers = {c.payer.payer_id for c in claims}
    return payers.pop()[:15] if len(payers) == 1 else "RECEIVER"



# --- the 276 body ------------------------------------------------------------------------


def _bodies(claims: Sequence[Claim], traces: dict[int, str], client_name: str,
            submitter: str, today: date) -> list[TransactionBody]:
    by_payer: dict[int, list[Claim]] = {}
    for claim in claims:
        by_payer.setdefault(claim.payer_id, []).append(claim)
    receiver = Name("41", "2", client_name, id_qualifier="46", id=submitter)
    bodies = []
    for n, group in enumerate(by_payer.values(), start=1):
        request = t276.StatusRequest(
            f"{n:04d}", traces[group[0].pk], _payer(group[0].payer), receiver,
            _providers(group, traces))
        bodies.append(build_276(request, date=f"{today:%Y%m%d}"))
    return bodies


def _payer(payer: Payer) -> Name:
    return Name("PR", "2", payer.name, id_qualifier="PI", id=payer.payer_id)


def _provider_name(provider: Provider | None, fallback: str) -> Name:
    if provider is None:
        return Name("1P", "2", fallback)
    return Name("1P", "2", provider.name, id_qualifier="XX", id=provider.npi)


def _providers(claims: Sequence[Claim], traces: dict[int, str]) -> tuple[
        t276.ProviderInquiry, ...]:
    """Provider > subscriber > claim, in the order the claims came."""
    grouped: dict[int | None, dict[int, list[Claim]]] = {}
    for claim in claims:
        grouped.setdefault(claim.billing_provider_id, {}).setdefault(
            claim.patient_id, []).append(claim)
    out = []
    for by_patient in grouped.values():
        first = next(iter(by_patient.values()))[0]
        people = tuple(_subscriber(group, traces) for group in by_patient.values())
        out.append(t276.ProviderInquiry(
            _provider_name(first.billing_provider, first.client.name), people))
    return tuple(out)


def _subscriber(claims: Sequence[Claim], traces: dict[int, str]) -> t276.Person:
    """The patient as subscriber: 5010 member ids are unique per person, so the dependent
    level is not needed to find the claim."""
    claim = claims[0]
    p = claim.patient
    member = claim.coverage.member_id if claim.coverage is not None else ""
    name = Name("IL", "1", p.last_name, p.first_name, p.middle_name, p.suffix,
                "MI" if member else "", member)
    return t276.Person(
        name, f"{p.birth_date:%Y%m%d}" if p.birth_date else "", p.sex if p.birth_date else "",
        tuple(_inquiry(c, traces[c.pk]) for c in claims))


def _inquiry(claim: Claim, trace: str) -> t276.ClaimInquiry:
    refs: list[tuple[str, str]] = []
    if claim.payer_claim_control_number:
        refs.append(("1K", claim.payer_claim_control_number))
    refs.append(("EJ", claim.patient_control_number))
    dates: tuple[DateRef, ...] = ()
    if claim.service_from is not None:
        end = claim.service_to or claim.service_from
        dates = (DateRef("472", f"{claim.service_from:%Y%m%d}-{end:%Y%m%d}", "RD8"),)
    return t276.ClaimInquiry(trace, tuple(refs), claim.total_charge, dates)


# --- the AR item's history ---------------------------------------------------------------


def open_ar_item(claim: Claim) -> WorkItem | None:
    """The claim's active AR follow-up item, if a producer made one."""
    return WorkItem.objects.active().filter(
        client_id=claim.client_id, kind=ItemKind.AR_FOLLOWUP,
        source_key=f"claim:{claim.pk}").first()
