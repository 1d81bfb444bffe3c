"""The payers behind the clearinghouse: what becomes of each claim of an 837.

The decisions come from the synthetic payer model (``rcmdesk.synth``): the outcome mix, the
277CA front-door rejections, the adjudication that writes balanced 835 claim payments. What
this module adds is the bridge from a *received* 837 (anyone's, read with ``x12.t837``) to
the synthetic model's objects, and the mapping of a payer id the synthetic world does not
know to one of its payers, the same one every time.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from rcmdesk.synth import outcomes
from rcmdesk.synth.claims import Billed
from rcmdesk.synth.files import Controls, Rejection, build_277ca, remittance
from rcmdesk.synth.outcomes import Outcome
from rcmdesk.synth.world import Coverage, Patient, Payer, Practice, build_world
from rcmdesk.x12 import t278, t835, t837
from rcmdesk.x12.values import Address, Name
from rcmdesk.x12.writer import Elements, TransactionBody, amount

NO_ADDRESS = Address()
# An 835 comes this many simulated days after the 837 (the first and last day of the range):
# short, so a seven-day run sees its remits and a demo user sees one in minutes.
REMIT_DAYS = (2, 6)


def synthetic_payers(seed: int) -> tuple[Payer, ...]:
    """The synthetic world's payers (its patients and practices are not needed here)."""
    return build_world(seed, practices=2, patients=1).payers


def payer_for(payer_id: str, payers: Sequence[Payer]) -> Payer:
    """The synthetic payer of ``payer_id``: itself when the world knows it, else one chosen
    by a checksum of the id, so the same unknown payer always behaves the same way."""
    for payer in payers:
        if payer.payer_id == payer_id:
            return payer
    return payers[zlib.crc32(payer_id.encode("utf-8")) % len(payers)]


def _day(text: str, fallback: date) -> date:
    """The first date of a D8 or RD8 value."""
    try:
        return datetime.strptime(text[:8], "%Y%m%d").date()
    except ValueError:
        return fallback


def _service_date(claim: t837.Claim, fallback: date) -> date:
    for line in claim.lines:
        for ref in line.dates:
            if ref.qualifier == "472":
                return _day(ref.value, fallback)
    for ref in claim.dates:
        if ref.qualifier in ("434", "472"):
            return _day(ref.value, fallback)
    return fallback


def practice_of(provider: t837.Provider, kind: str) -> Practice:
    """The billing provider as the synthetic model's practice (name, NPI, TIN, address)."""
    return Practice(
        code="", name=provider.name.last or "BILLING PROVIDER", tin=provider.tax_id,
        npi=provider.name.id, taxonomy=provider.taxonomy,
        address=provider.address or NO_ADDRESS, kind=kind, fee_factor=Decimal(1), providers=(),
    )


def billed(claim: t837.Claim, kind: str, payer: Payer, today: date) -> Billed:
    """A received claim as the synthetic model's billed claim: the patient is the 2000C
    patient when there is one, else the subscriber; the member id is the subscriber's."""
    subscriber = claim.subscriber
    person = claim.patient.name if claim.patient is not None else subscriber.name
    birth = claim.patient.birth_date if claim.patient is not None else subscriber.birth_date
    coverage = Coverage(payer.code, subscriber.name.id, subscriber.group_number, "P")
    patient = Patient(
        account=claim.patient_control_number, last=person.last, first=person.first,
        birth_date=_day(birth, date(1970, 1, 1)), sex=subscriber.gender or "U",
        address=subscriber.address or NO_ADDRESS, coverages=(coverage,),
    )
    return Billed(claim, kind, practice_of(claim.billing_provider, kind), patient, coverage,
                  payer, _service_date(claim, today))


@dataclass(frozen=True, slots=True)
class Remit:
    """One 835 to deliver ``days`` simulated days after the 837 came in."""

    days: int
    remittance: t835.Remittance


@dataclass(frozen=True, slots=True)
class Decisions:
    """What becomes of one 837: its 277CA and the 835s that follow."""

    acknowledgment: TransactionBody | None  # None for an 837 without claims
    remits: tuple[Remit, ...]
    rejected: tuple[str, ...]  # patient control numbers rejected at the front door


def decide(submission: t837.ClaimSubmission, *, rng: random.Random, payers: Sequence[Payer],
           controls: Controls, today: date) -> Decisions:
    """Draw each claim's fate, in claim order, from ``rng`` (so a seed names the result)."""
    d8 = today.strftime("%Y%m%d")
    claims = [billed(c, submission.kind, payer_for(_payer_id(c), payers), today)
              for c in submission.claims]
    fates = [(b, outcomes.choose(rng)) for b in claims]
    rejected = [Rejection(b, *rng.choice(outcomes.REJECTIONS))
                for b, fate in fates if fate is Outcome.REJECTED]
    accepted = [(b, fate) for b, fate in fates if fate is not Outcome.REJECTED]
    front = (acknowledgment_277ca(submission, [b for b, _ in accepted], rejected, d8)
             if fates else None)
    remits: list[Remit] = []
    for group in _by_payer_and_provider(accepted):
        remits.extend(_adjudicate(group, rng=rng, controls=controls, today=today))
    return Decisions(front, tuple(remits),
                     tuple(r.billed.claim.patient_control_number for r in rejected))


def _payer_id(claim: t837.Claim) -> str:
    payer = claim.subscriber.payer
    return payer.id if payer is not None else ""


def _by_payer_and_provider(accepted: Sequence[tuple[Billed, Outcome]]
                           ) -> list[list[tuple[Billed, Outcome]]]:
    """One check per payer (as named in the 837) and billing provider, in first-seen order."""
    groups: dict[tuple[str, str], list[tuple[Billed, Outcome]]] = {}
    for item in accepted:
        key = (_payer_id(item[0].claim), item[0].practice.npi)
        groups.setdefault(key, []).append(item)
    return list(groups.values())


def _adjudicate(items: Sequence[tuple[Billed, Outcome]], *, rng: random.Random,
                controls: Controls, today: date) -> list[Remit]:
    """The payer's 835 for these claims, and a later one for reversals and corrections."""
    first = items[0][0]
    payer, practice = first.payer, first.practice
    days = rng.randint(*REMIT_DAYS)
    received = (today + timedelta(days=1)).strftime("%Y%m%d")
    claims: list[t835.Claim] = []
    later: list[t835.Claim] = []
    for b, fate in items:
        icn = controls.next_icn(payer)
        if fate is Outcome.DENIED:
            claims.append(outcomes.denied(b, icn, received, rng.randrange(1000)))
            continue
        claim = outcomes.paid(rng, b, icn, received, share=fate is not Outcome.PAID,
                              bundle=fate is Outcome.BUNDLED)
        claims.append(claim)
        if fate is Outcome.REVERSED:
            later.append(outcomes.reversal(claim))
            later.append(outcomes.paid(rng, b, controls.next_icn(payer), received, share=False,
                                       best_rate=True))
    named = first.claim.subscriber.payer
    out = [Remit(days, _remittance(controls, payer, practice, claims, today, days, named))]
    if later:
        again = days + rng.randint(1, 3)
        out.append(Remit(again, _remittance(controls, payer, practice, later, today, again,
                                            named)))
    return out


def _remittance(controls: Controls, payer: Payer, practice: Practice,
                claims: Sequence[t835.Claim], today: date, days: int,
                named: Name | None) -> t835.Remittance:
    """The synthetic model's remittance, paid on the day it is due and in the name of the
    payer the 837 named (the synthetic payer only lends its behaviour)."""
    paid_on = (today + timedelta(days=days)).strftime("%Y%m%d")
    remit = remittance(controls, payer, practice, claims, (), paid_on)
    if named is not None and named.last and remit.payer is not None:
        remit = replace(remit, payer=replace(remit.payer, name=named.last))
    return remit


def acknowledgment_277ca(submission: t837.ClaimSubmission, accepted: Sequence[Billed],
                         rejected: Sequence[Rejection], day: str) -> TransactionBody:
    """The synthetic model's 277CA, addressed to the 837's submitter, naming every claim.

    ``synth.files.build_277ca`` lists rejected claims only and names its own practices'
    submitter ids; a clearinghouse names every claim (accepted ones STC A2:20), so that the
    client can settle each claim's state, and answers the submitter that sent the file.
    """
    practice = (accepted[0] if accepted else rejected[0].billed).practice
    body = build_277ca(practice, accepted, rejected, day, submission.reference)
    segments = [list(s) for s in body.segments]
    submitter = submission.submitter
    for segment in segments:
        if segment[:2] == ["NM1", "41"] and submitter is not None:
            segment[3], segment[9] = submitter.last, submitter.id
    number = 4 + len(rejected)
    for b in accepted:
        segments += _accepted_level(b, number, day)
        number += 1
    return replace(body, segments=segments)


def _accepted_level(b: Billed, number: int, day: str) -> list[Elements]:
    p = b.patient
    return [
        ["HL", str(number), "3", "PT"],
        ["NM1", "QC", "1", p.last, p.first, "", "", "", "MI", b.coverage.member_id],
        ["TRN", "2", b.claim.patient_control_number],
        ["STC", ("A2", "20"), day, "WQ", amount(b.claim.charge)],
        ["DTP", "472", "D8", b.service_date.strftime("%Y%m%d")],
    ]


# A UMO's decisions on a 278 request (HCR01): certified in total, else pended for review.
REVIEW_DECISIONS: dict[str, int] = {"A1": 85, "A4": 15}


def review_278(request: t278.ServicesReview, rng: random.Random) -> t278.ServicesReview:
    """The utilization-management answer to a 278 request: one decision for the whole
    request, with a certification number when certified, each level keeping its trace."""
    decision = rng.choices(list(REVIEW_DECISIONS), list(REVIEW_DECISIONS.values()))[0]
    number = f"SIM{rng.randrange(10**9):09d}" if decision == "A1" else ""
    reviews = tuple(replace(r, decision=decision, certification_number=number, rejections=())
                    for r in request.reviews)
    return replace(request, response=True, reviews=reviews)
