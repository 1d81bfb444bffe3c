"""Corrected (frequency 7) and void (frequency 8) claims, rebuilt from our mirrored rows.

The payer finds the claim being replaced or voided by REF*F8 (its own claim control
number), so a claim without one cannot be corrected this way. We do not mirror diagnosis
codes, so the caller passes them (a corrected claim is usually a coding fix anyway).
Resubmitting only the denied lines is allowed only where the client's appeal policy for the
payer says the payer takes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.audit.services import record
from rcmdesk.claims.models import Claim, ClaimLine
from rcmdesk.denials.playbook import policy_for
from rcmdesk.intake import outbound
from rcmdesk.intake.models import OutboundFile
from rcmdesk.remits.carc_categories import is_denial
from rcmdesk.remits.models import RemitAdjustment, RemitClaim
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue.models import ActionKind, ItemKind, WorkItem
from rcmdesk.workqueue.services import NotAllowed, touch_for_request
from rcmdesk.x12 import t837
from rcmdesk.x12.values import DateRef, Name
from rcmdesk.x12.writer import Envelope, TransactionBody
from rcmdesk.x12.writers import build_837

FREQUENCIES = {"7": "replacement", "8": "void"}
# SBR09 claim filing indicator by payer kind (837P / 837I differ only for Medicare).
_FILING = {"medicare": "MB", "medicaid": "MC", "commercial": "CI", "other": "ZZ"}


class CannotCorrect(errors.Invalid, ValueError):
    """The claim lacks what a corrected or void claim must carry."""


def corrected_claim(claim: Claim, frequency: str = "7",
                    lines: Sequence[ClaimLine] | None = None, *,
                    acting_user: Any, diagnoses: Sequence[t837.Diagnosis] = (),
                    billing: t837.Provider | None = None, sender: str = "",
                    receiver: str = "") -> OutboundFile:
    """Write an 837 replacing (7) or voiding (8) ``claim``; ``lines`` limits it to those.

    ``billing`` supplies the billing provider's address and tax id, which we do not mirror
    (the guide requires them; without them the provider is named by NPI alone).
    """
    require(acting_user, Action.WORK_ITEMS, claim.client_id, Workflow.DENIALS)
    if frequency not in FREQUENCIES:
        raise CannotCorrect("Frequency must be 7 (replacement) or 8 (void).")
    if not claim.payer_claim_control_number:
        raise CannotCorrect("The payer's claim number (REF*F8) is unknown for this claim; "
                            "a corrected or void claim must name it.")
    chosen = _lines(acting_user, claim, frequency, lines)
    if not diagnoses:
        raise CannotCorrect("Give the claim's diagnosis codes: we do not mirror them from "
                            "the 837, and the payer needs them on the corrected claim.")
    sub = submission(claim, frequency, chosen, tuple(diagnoses), billing)
    now = timezone.now()
    day, hour = f"{now:%Y%m%d}", f"{now:%H%M}"
    body = with_original_reference(build_837(sub, date=day, time=hour),
                                   claim.payer_claim_control_number)
    client = claim.client
    envelope = Envelope(sender=sender or client.slug.upper()[:15],
                        receiver=receiver or claim.payer.payer_id[:15], date=day, time=hour)
    with transaction.atomic():
        out = outbound.write(
            client, "837", [body], envelope, acting_user=acting_user, count=1,
            name=f"837{claim.kind}-{FREQUENCIES[frequency]}-{claim.patient_control_number}-"
                 f"{now:%Y%m%d%H%M%S}.x12",
            purpose=f"{FREQUENCIES[frequency]} claim")
        record(f"denials.claim_{FREQUENCIES[frequency]}", client_id=client.pk, obj=claim,
               acting_user=acting_user, detail={"outbound": out.pk, "isa13": out.isa13,
                                   "lines": [ln.line_number for ln in chosen],
                                   "payer_claim_number": claim.payer_claim_control_number})
        _note_on_denial_items(claim, f"{FREQUENCIES[frequency]} claim {out.name}",
                              acting_user=acting_user)
    return out


def _note_on_denial_items(claim: Claim, note: str, *, acting_user: Any) -> None:
    """A corrected claim is work on the claim's open denials: their history says so."""
    for item in WorkItem.objects.active().filter(client_id=claim.client_id, claim=claim,
                                                 kind=ItemKind.DENIAL):
        touch_for_request(item, ActionKind.CORRECTED_REBILLED, note, acting_user=acting_user)


def denied_lines(claim: Claim) -> list[ClaimLine]:
    """The claim's lines the latest remit denied (what "resubmit only the denied lines"
    sends), in line order."""
    remit = (RemitClaim.objects.filter(claim=claim)
             .order_by(F("remittance__payment_date").desc(nulls_last=True), "-id").first())
    if remit is None:
        return []
    ids = {adj.remit_line.claim_line_id
           for adj in RemitAdjustment.objects.filter(remit_claim=remit, remit_line__isnull=False)
           .select_related("remit_line") if is_denial(adj.group, adj.reason)}
    return list(claim.lines.filter(pk__in=ids).order_by("line_number"))


def _lines(user: Any, claim: Claim, frequency: str,
           lines: Sequence[ClaimLine] | None) -> list[ClaimLine]:
    every = list(claim.lines.order_by("line_number"))
    if lines is None:
        return every
    wanted = {ln.pk for ln in lines}
    if not wanted <= {ln.pk for ln in every}:
        raise CannotCorrect("Those lines are not on this claim.")
    if len(wanted) == len(every):
        return every
    if frequency == "8":
        raise CannotCorrect("A void cancels the whole claim; it cannot name lines.")
    if not policy_for(claim.client_id, claim.payer).allows_line_resubmission:
        raise NotAllowed("This payer is not set up to take only the denied lines; "
                         "resubmit the whole claim (or ask the client to change the policy).")
    return [ln for ln in every if ln.pk in wanted]


def _d8(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def submission(claim: Claim, frequency: str, lines: Sequence[ClaimLine],
               diagnoses: tuple[t837.Diagnosis, ...],
               billing: t837.Provider | None = None) -> t837.ClaimSubmission:
    """Our mirrored rows as the typed 837 the writer takes."""
    institutional = claim.kind == "I"
    provider = claim.billing_provider
    patient, payer, coverage = claim.patient, claim.payer, claim.coverage
    billing = billing or t837.Provider(
        name=Name("85", "2", provider.name if provider else claim.client.name,
                  id_qualifier="XX" if provider else "", id=provider.npi if provider else ""),
        taxonomy=provider.taxonomy if provider else "")
    filing = _FILING.get(payer.kind, "ZZ")
    if filing == "MB" and institutional:
        filing = "MA"
    subscriber = t837.Subscriber(
        responsibility=coverage.priority if coverage else "P", relationship="18",
        group_number="", filing_indicator=filing,
        name=Name("IL", "1", patient.last_name, patient.first_name, patient.middle_name,
                  patient.suffix, "MI" if coverage else "", coverage.member_id if coverage else ""),
        payer=Name("PR", "2", payer.name, id_qualifier="PI", id=payer.payer_id),
        birth_date=_d8(patient.birth_date), gender=patient.sex)
    built = t837.Claim(
        patient_control_number=claim.patient_control_number,
        charge=sum((ln.charge for ln in lines), claim.total_charge * 0),
        facility_code=claim.facility_code or ("11" if not institutional else ""),
        facility_qualifier="A" if institutional else "B",
        frequency=frequency, billing_provider=billing, subscriber=subscriber, patient=None,
        diagnoses=diagnoses,
        dates=_statement_dates(claim) if institutional else (),
        lines=tuple(_line(n, ln, institutional, len(diagnoses))
                    for n, ln in enumerate(lines, start=1)))
    return t837.ClaimSubmission(
        kind="I" if institutional else "P", control="0001",
        reference=f"{claim.patient_control_number}-{frequency}"[:30],
        submitter=Name("41", "2", claim.client.name, id_qualifier="46",
                       id=claim.client.slug.upper()),
        receiver=Name("40", "2", payer.name, id_qualifier="46", id=payer.payer_id),
        claims=(built,))


def _statement_dates(claim: Claim) -> tuple[DateRef, ...]:
    if claim.service_from is None:
        return ()
    end = claim.service_to or claim.service_from
    return (DateRef("434", f"{_d8(claim.service_from)}-{_d8(end)}", "RD8"),)


def _line(number: int, line: ClaimLine, institutional: bool,
          diagnosis_count: int) -> t837.ServiceLine:
    procedure = ((line.procedure_qualifier or "HC"),
                 line.procedure, *line.modifiers) if line.procedure else ()
    served = line.service_date or line.claim.service_from
    return t837.ServiceLine(
        number=str(number), procedure=tuple(procedure), charge=line.charge,
        unit_basis="UN", units=line.units, revenue_code=line.revenue_code,
        diagnosis_pointers=() if institutional else tuple(
            str(i) for i in range(1, min(diagnosis_count, 4) + 1)),
        dates=(DateRef("472", _d8(served), "D8"),) if served else (),
        control_number=line.control_number)


def with_original_reference(body: TransactionBody, payer_claim_number: str) -> TransactionBody:
    """Add REF*F8 (the payer's claim control number) to the claim's 2300 loop.

    The guide puts the 2300 REF segments after CLM, its DTPs (and CL1 on the 837I) and
    before the HI segments; the writer has no slot for it, so it goes in just before HI
    (or before the first line when there is no HI).
    """
    segments = [list(s) for s in body.segments]
    clm = next(i for i, s in enumerate(segments) if s[0] == "CLM")
    at = next((i for i, s in enumerate(segments[clm:], start=clm) if s[0] in ("HI", "LX")),
              len(segments))
    segments.insert(at, ["REF", "F8", payer_claim_number])
    return TransactionBody(body.set_id, body.version, body.functional_id, body.control,
                           segments)
