"""Adjudication: what a payer decides for a billed claim, as typed 835 claim payments.

All adjustments are at line level so that every line balances on its own
(SVC02 - sum of its CAS = SVC03) and hence every claim does (CLP03 - sum CAS = CLP04).
Claim interest is reported in AMT*I but paid through a PLB L6 in the same remittance,
which keeps that claim balance exact instead of folding interest into CLP04.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from rcmdesk.synth.claims import CENT, Billed, d8
from rcmdesk.synth.world import Payer
from rcmdesk.x12 import t835, t837
from rcmdesk.x12.values import DateRef, Name

ZERO = Decimal("0.00")


class Outcome(StrEnum):
    """What happens to a claim; the 277CA front-end rejection happens before the payer."""

    REJECTED = "rejected"
    PAID = "paid"
    PATIENT_SHARE = "patient_share"
    BUNDLED = "bundled"
    DENIED = "denied"
    REVERSED = "reversed"


# Percent of claims per outcome (crossover and interest are overlays on paid claims).
OUTCOME_WEIGHTS: dict[Outcome, int] = {
    Outcome.REJECTED: 3,
    Outcome.PAID: 30,
    Outcome.PATIENT_SHARE: 43,
    Outcome.BUNDLED: 5,
    Outcome.DENIED: 15,
    Outcome.REVERSED: 4,
}
_OUTCOMES = list(OUTCOME_WEIGHTS)
_OUTCOME_WEIGHTS = list(OUTCOME_WEIGHTS.values())
INTEREST_RATE = 0.03  # share of paid claims with late-payment interest


@dataclass(frozen=True, slots=True)
class Denial:
    """A denial reason: CARC, the group that owes it, RARC remarks, relative weight."""

    reason: str
    group: str
    remarks: tuple[str, ...]
    weight: int


DENIALS: tuple[Denial, ...] = (
    Denial("16", "CO", ("MA130", "N290"), 2),
    Denial("16", "CO", ("N479",), 1),
    Denial("18", "CO", (), 2),
    Denial("27", "PR", ("N30",), 1),
    Denial("29", "CO", (), 1),
    Denial("50", "CO", (), 2),
    Denial("96", "CO", ("N130",), 2),
    Denial("109", "CO", (), 1),
    Denial("197", "CO", (), 2),
    Denial("204", "PR", ("N130",), 1),
    Denial("242", "CO", (), 1),
)
# Denials take reasons in turn from this weighted cycle rather than at random, so even a
# few hundred claims show every reason (tests and demos rely on seeing them all).
DENIAL_CYCLE: tuple[Denial, ...] = tuple(
    denial for n in range(max(d.weight for d in DENIALS)) for denial in DENIALS if denial.weight > n
)

# Allowed amount as a share of charge, per claim filing indicator (low, high percent).
_RATES = {"MB": (50, 70), "MC": (40, 60), "CI": (65, 90), "BL": (70, 88)}


# 277CA rejections: category, status, entity (STC01-1/-2/-3).
REJECTIONS: tuple[tuple[str, str, str], ...] = (
    ("A7", "21", ""),
    ("A7", "33", ""),
    ("A7", "562", "85"),
    ("A7", "164", "IL"),
    ("A3", "21", ""),
)


def choose(rng: random.Random) -> Outcome:
    return rng.choices(_OUTCOMES, _OUTCOME_WEIGHTS)[0]


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _rate(rng: random.Random, payer: Payer) -> Decimal:
    low, high = _RATES[payer.filing_indicator]
    return Decimal(rng.randint(low, high)) / 100


def _svc_procedure(line: t837.ServiceLine) -> tuple[str, ...]:
    """SVC01: the HCPCS when billed, else the revenue code (NU) for room/pharmacy lines."""
    return line.procedure if line.procedure else ("NU", line.revenue_code)


def _line(
    billed: Billed,
    line: t837.ServiceLine,
    adjustments: list[t835.Adjustment],
    remarks: tuple[str, ...] = (),
) -> t835.ServiceLine:
    """A 2110 whose paid amount is derived from the adjustments, so it always balances."""
    paid = line.charge - sum((a.amount for a in adjustments), ZERO)
    allowed = line.charge - sum((a.amount for a in adjustments if a.group != "PR"), ZERO)
    return t835.ServiceLine(
        procedure=_svc_procedure(line),
        charge=line.charge,
        paid=paid,
        revenue_code=line.revenue_code if line.procedure else "",
        units=line.units if line.units is not None and line.units != 1 else None,
        dates=(DateRef("472", d8(billed.service_date)),),
        adjustments=tuple(adjustments),
        amounts=(("B6", allowed),),
        remarks=tuple(("HE", code) for code in remarks),
        control_number=line.control_number,
    )


class _Share:
    """The patient's share of one claim, spent line by line: deductible, copay, coinsurance."""

    def __init__(self, rng: random.Random, payer: Payer) -> None:
        self.deductible = ZERO
        self.copay = ZERO
        self.coinsurance = Decimal(0)
        kind = payer.filing_indicator
        if kind == "MB":
            if rng.random() < 0.35:
                self.deductible = Decimal(rng.randint(20, 240))
            self.coinsurance = Decimal("0.20")
        elif kind == "MC":
            self.copay = Decimal(rng.choice((2, 3, 4)))
        else:
            if rng.random() < 0.6:
                self.copay = Decimal(rng.choice((20, 25, 30, 40)))
            if rng.random() < 0.35:
                self.deductible = Decimal(rng.randint(50, 500))
            if rng.random() < 0.4:
                self.coinsurance = Decimal(rng.choice(("0.10", "0.20", "0.30")))
        if not (self.deductible or self.copay or self.coinsurance):
            self.coinsurance = Decimal("0.20")

    def take(self, allowed: Decimal, first: bool) -> list[t835.Adjustment]:
        out: list[t835.Adjustment] = []
        left = allowed
        if self.deductible and left:
            amount = min(self.deductible, left)
            self.deductible -= amount
            left -= amount
            out.append(t835.Adjustment("PR", "1", _money(amount)))
        if first and self.copay and left:
            amount = min(self.copay, left)
            left -= amount
            out.append(t835.Adjustment("PR", "3", _money(amount)))
        if self.coinsurance and left:
            amount = _money(left * self.coinsurance)
            if amount:
                out.append(t835.Adjustment("PR", "2", amount))
        return out


def _claim(
    billed: Billed, status: str, icn: str, lines: list[t835.ServiceLine], received: str
) -> t835.Claim:
    responsibility = sum(
        (a.amount for line in lines for a in line.adjustments if a.group == "PR"), ZERO
    )
    patient = billed.patient
    return t835.Claim(
        patient_control_number=billed.claim.patient_control_number,
        status=status,
        charge=billed.claim.charge,
        paid=sum((line.paid for line in lines), ZERO),
        patient_responsibility=responsibility,
        filing_indicator=billed.payer.remit_indicator,
        payer_claim_control_number=icn,
        facility_type=billed.claim.facility_code,
        frequency=billed.claim.frequency,
        patient=Name(
            "QC", "1", patient.last, patient.first, "", "", "MI", billed.coverage.member_id
        ),
        dates=(DateRef("050", received),),
        lines=tuple(lines),
    )


def paid(
    rng: random.Random,
    billed: Billed,
    icn: str,
    received: str,
    *,
    share: bool,
    bundle: bool = False,
    best_rate: bool = False,
) -> t835.Claim:
    """A paid claim: contractual CO-45 on every line, the patient's share when ``share``,
    and with ``bundle`` the last ancillary line denied CO-97 (bundled, remark M15).

    ``best_rate`` reprices at the top of the payer's range: a correction then never
    pays less than the payment it replaces, so its remittance cannot go negative.
    """
    rate, patient_share = _terms(rng, billed, share=share, best_rate=best_rate)
    return _paid(billed, icn, received, rate, patient_share, bundle, None)


def paid_by_contract(
    rng: random.Random,
    billed: Billed,
    icn: str,
    received: str,
    allowed: Sequence[Decimal],
    *,
    share: bool,
    bundle: bool = False,
    best_rate: bool = False,
) -> tuple[t835.Claim, t835.Claim]:
    """Contract mode: the claim with each line allowed ``allowed[i]`` (the contract's
    amount, or less for a seeded underpayment), and its shadow: the claim ``paid`` would
    have written. Both come from the same draws, exactly ``paid``'s, so the run's main
    random sequence (and every later claim) is the same as without contracts; the caller
    takes its random decisions on the shadow's amounts."""
    rate, patient_share = _terms(rng, billed, share=share, best_rate=best_rate)
    shadow = _paid(billed, icn, received, rate, copy(patient_share), bundle, None)
    return _paid(billed, icn, received, rate, patient_share, bundle, allowed), shadow


def _terms(
    rng: random.Random, billed: Billed, *, share: bool, best_rate: bool
) -> tuple[Decimal, _Share | None]:
    rate = Decimal(_RATES[billed.payer.filing_indicator][1]) / 100 if best_rate else None
    rate = rate or _rate(rng, billed.payer)
    return rate, _Share(rng, billed.payer) if share else None


def _paid(
    billed: Billed,
    icn: str,
    received: str,
    rate: Decimal,
    patient_share: _Share | None,
    bundle: bool,
    contract: Sequence[Decimal] | None,
) -> t835.Claim:
    billed_lines = billed.claim.lines
    bundled = len(billed_lines) - 1 if bundle and len(billed_lines) > 1 else -1
    lines: list[t835.ServiceLine] = []
    for index, line in enumerate(billed_lines):
        if index == bundled:
            lines.append(_line(billed, line, [t835.Adjustment("CO", "97", line.charge)], ("M15",)))
            continue
        allowed = _money(line.charge * rate) if contract is None else contract[index]
        adjustments: list[t835.Adjustment] = []
        if line.charge - allowed:
            adjustments.append(t835.Adjustment("CO", "45", line.charge - allowed))
        if patient_share is not None:
            adjustments.extend(patient_share.take(allowed, index == 0))
        lines.append(_line(billed, line, adjustments))
    return _claim(billed, "1", icn, lines, received)


def denied(billed: Billed, icn: str, received: str, turn: int,
           reason: Denial | None = None) -> t835.Claim:
    """A zero-pay denial (CLP02 4) with the ``turn``-th reason of the cycle on every line
    (or ``reason``: the practice mode chooses its own, see ``rcmdesk.synth.practice``)."""
    denial = reason or DENIAL_CYCLE[turn % len(DENIAL_CYCLE)]
    lines = [
        _line(
            billed,
            line,
            [t835.Adjustment(denial.group, denial.reason, line.charge)],
            denial.remarks,
        )
        for line in billed.claim.lines
    ]
    return _claim(billed, "4", icn, lines, received)


def crossed_over(claim: t835.Claim, secondary: Payer) -> t835.Claim:
    """Medicare forwards the claim to the supplemental payer: CLP02 19 and NM1*TT."""
    carrier = Name("TT", "2", secondary.name, "", "", "", "PI", secondary.payer_id)
    return replace(claim, status="19", crossover=carrier)


def with_interest(rng: random.Random, claim: t835.Claim) -> tuple[t835.Claim, Decimal]:
    """Prompt-pay interest on a late claim, reported in AMT*I (paid by PLB L6)."""
    interest = max(CENT, _money(claim.paid * Decimal(rng.randint(5, 25)) / 1000))
    return replace(claim, amounts=(*claim.amounts, ("I", interest))), interest


def _neg(value: Decimal) -> Decimal:
    """Negated, but zero stays "0.00" rather than becoming "-0.00"."""
    return -value if value else value


def _negate_adjustments(items: tuple[t835.Adjustment, ...]) -> tuple[t835.Adjustment, ...]:
    return tuple(replace(a, amount=_neg(a.amount)) for a in items)


def reversal(claim: t835.Claim) -> t835.Claim:
    """CLP02 22: the earlier payment taken back, every amount negated."""
    lines = tuple(
        replace(
            line,
            charge=_neg(line.charge),
            paid=_neg(line.paid),
            adjustments=_negate_adjustments(line.adjustments),
            amounts=tuple((q, _neg(v)) for q, v in line.amounts),
            remarks=(),
        )
        for line in claim.lines
    )
    responsibility = claim.patient_responsibility
    return replace(
        claim,
        status="22",
        charge=_neg(claim.charge),
        paid=_neg(claim.paid),
        patient_responsibility=_neg(responsibility) if responsibility is not None else None,
        crossover=None,
        adjustments=_negate_adjustments(claim.adjustments),
        amounts=(),
        lines=lines,
    )
