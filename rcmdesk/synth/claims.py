"""Encounters turned into typed 837 claims (``rcmdesk.x12.t837``), one batch at a time.

A batch is one practice's billing day: its claims are built, written, adjudicated and
dropped before the next batch, which is what keeps memory flat at a million claims.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from rcmdesk.synth import codes
from rcmdesk.synth.world import Coverage, Patient, Payer, Practice, World
from rcmdesk.x12 import t837
from rcmdesk.x12.values import DateRef, Name

CENT = Decimal("0.01")
ONE = Decimal(1)
_VISIT_WEIGHTS = [p.weight for p in codes.VISITS]
_ANCILLARY_WEIGHTS = [p.weight for p in codes.ANCILLARIES]


@dataclass(frozen=True, slots=True)
class Billed:
    """A claim as billed plus what adjudication needs that the 837 does not say."""

    claim: t837.Claim
    kind: str
    practice: Practice
    patient: Patient
    coverage: Coverage
    payer: Payer
    service_date: date


def d8(day: date) -> str:
    return day.strftime("%Y%m%d")


def billing_provider(practice: Practice) -> t837.Provider:
    """The 2010AA provider; built once per practice so HL grouping sees equal objects."""
    return t837.Provider(
        Name("85", "2", practice.name, "", "", "", "XX", practice.npi),
        practice.address,
        "EI",
        practice.tin,
        practice.taxonomy,
    )


def _subscriber(patient: Patient, coverage: Coverage, payer: Payer) -> t837.Subscriber:
    return t837.Subscriber(
        responsibility="P",
        relationship="18",
        group_number=coverage.group_number,
        filing_indicator=payer.filing_indicator,
        name=Name("IL", "1", patient.last, patient.first, "", "", "MI", coverage.member_id),
        payer=Name("PR", "2", payer.name, "", "", "", "PI", payer.payer_id),
        address=patient.address,
        birth_date=d8(patient.birth_date),
        gender=patient.sex,
    )


def _charge(base: Decimal, practice: Practice) -> Decimal:
    """Practices set charges as a multiple of a base fee, in whole dollars."""
    return (base * practice.fee_factor).quantize(ONE).quantize(CENT)


def _diagnoses(rng: random.Random) -> tuple[t837.Diagnosis, ...]:
    picked = rng.sample(codes.DIAGNOSES, rng.choice((1, 1, 2, 2, 3, 4)))
    return tuple(t837.Diagnosis("ABK" if i == 0 else "ABF", code) for i, code in enumerate(picked))


def _professional_lines(
    rng: random.Random, practice: Practice, pcn: str, dos: date, dx: int
) -> tuple[t837.ServiceLine, ...]:
    visit = rng.choices(codes.VISITS, _VISIT_WEIGHTS)[0]
    chosen = [visit]
    for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 3))):
        extra = rng.choices(codes.ANCILLARIES, _ANCILLARY_WEIGHTS)[0]
        if extra not in chosen:
            chosen.append(extra)
    date_ref = (DateRef("472", d8(dos), "D8"),)
    all_pointers = tuple(str(i) for i in range(1, min(dx, 4) + 1))
    return tuple(
        t837.ServiceLine(
            number=str(n),
            procedure=("HC", proc.code),
            charge=_charge(proc.charge, practice),
            unit_basis="UN",
            units=ONE,
            diagnosis_pointers=all_pointers if n == 1 else ("1",),
            dates=date_ref,
            control_number=f"{pcn}L{n}",
        )
        for n, proc in enumerate(chosen, start=1)
    )


def _institutional_lines(
    rng: random.Random, practice: Practice, pcn: str, dos: date
) -> tuple[t837.ServiceLine, ...]:
    picked = [codes.INSTITUTIONAL[rng.choice((0, 0, 1))]]
    for item in rng.sample(codes.INSTITUTIONAL[2:], rng.choice((0, 1, 2, 3))):
        picked.append(item)
    date_ref = (DateRef("472", d8(dos), "D8"),)
    return tuple(
        t837.ServiceLine(
            number=str(n),
            procedure=("HC", hcpcs),
            charge=_charge(base, practice),
            unit_basis="UN",
            units=ONE,
            revenue_code=revenue,
            dates=date_ref,
            control_number=f"{pcn}L{n}",
        )
        for n, (revenue, hcpcs, base) in enumerate(picked, start=1)
    )


def _inpatient_lines(
    rng: random.Random, practice: Practice, pcn: str, dos: date, stay: int
) -> tuple[t837.ServiceLine, ...]:
    """Room and board per day plus pharmacy and lab, dated on admission."""
    date_ref = (DateRef("472", d8(dos), "D8"),)
    items: list[tuple[str, tuple[str, ...], Decimal, Decimal]] = [
        ("0110", (), _charge(codes.ROOM_AND_BOARD, practice) * stay, Decimal(stay)),
        ("0250", (), _charge(codes.INPATIENT_PHARMACY, practice), ONE),
    ]
    if rng.random() < 0.7:
        revenue, hcpcs, base = codes.INSTITUTIONAL[2]
        items.append((revenue, ("HC", hcpcs), _charge(base, practice), ONE))
    return tuple(
        t837.ServiceLine(
            number=str(n),
            procedure=procedure,
            charge=charge,
            unit_basis="DA" if revenue == "0110" else "UN",
            units=units,
            revenue_code=revenue,
            dates=date_ref,
            control_number=f"{pcn}L{n}",
        )
        for n, (revenue, procedure, charge, units) in enumerate(items, start=1)
    )


def make_claim(
    rng: random.Random,
    world: World,
    practice: Practice,
    provider: t837.Provider,
    pcn: str,
    dos: date,
) -> Billed:
    """One encounter of a random patient on ``dos`` as a typed claim."""
    patient = rng.choice(world.patients)
    coverage = patient.primary
    payer = world.payer(coverage.payer_code)
    dx = _diagnoses(rng)
    if practice.kind == "I" and rng.random() < 0.15:
        stay = rng.randint(1, 4)
        lines = _inpatient_lines(rng, practice, pcn, dos, stay)
        facility, qualifier = "11", "A"  # bill type 111: inpatient, admit through discharge
        dates: tuple[DateRef, ...] = (
            DateRef("434", f"{d8(dos)}-{d8(dos + timedelta(days=stay))}", "RD8"),
            DateRef("435", f"{d8(dos)}{rng.choice(('0730', '1415', '2210'))}", "DT"),
        )
        dx = (*dx, t837.Diagnosis("ABJ", dx[0].code))
    elif practice.kind == "I":
        lines = _institutional_lines(rng, practice, pcn, dos)
        facility, qualifier = "13", "A"  # bill type 131: hospital outpatient
        dates = (DateRef("434", f"{d8(dos)}-{d8(dos)}", "RD8"),)
    else:
        lines = _professional_lines(rng, practice, pcn, dos, len(dx))
        facility, qualifier = "11", "B"  # office, place-of-service code
        dates = ()
    claim = t837.Claim(
        patient_control_number=pcn,
        charge=sum((line.charge for line in lines), Decimal("0.00")),
        facility_code=facility,
        facility_qualifier=qualifier,
        frequency="1",
        billing_provider=provider,
        subscriber=_subscriber(patient, coverage, payer),
        patient=None,
        diagnoses=dx,
        dates=dates,
        lines=lines,
        **_admission(practice.kind, facility),
    )
    return Billed(claim, practice.kind, practice, patient, coverage, payer, dos)


def _admission(kind: str, facility: str) -> dict[str, str]:
    """CL1 for the 837I: an inpatient stay is an urgent admission from a physician
    referral; outpatient visits carry only the discharge status (home).
    """
    if kind != "I":
        return {}
    if facility == "11":
        return {"admission_type": "3", "admission_source": "1", "patient_status": "01"}
    return {"patient_status": "01"}


def service_date(rng: random.Random, billing_day: date) -> date:
    """Practices bill within a week of the visit."""
    return billing_day - timedelta(days=rng.randint(1, 7))
