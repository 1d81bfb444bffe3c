"""The three 835 balancing rules, checked before anything posts.

An 835 that does not balance is held for a person: posting part of it, or "fixing" it by
plugging a difference into an adjustment account, would hide the payer's mistake.
"""

from __future__ import annotations

from decimal import Decimal

from rcmdesk.x12 import t835


def interest(claim: t835.Claim) -> Decimal:
    """AMT*I: paid on top of the adjudicated amount and included in CLP04."""
    return sum((amount for qualifier, amount in claim.amounts if qualifier == "I"), Decimal(0))


def signed_payment(remit: t835.Remittance) -> Decimal:
    """BPR02 with BPR03's sign: D means the provider owes the payer."""
    amount = remit.payment.amount
    return -amount if remit.payment.credit_debit == "D" else amount


def line_problem(claim: t835.Claim, index: int, line: t835.ServiceLine) -> str | None:
    adjusted = sum((a.amount for a in line.adjustments), Decimal(0))
    if line.charge - adjusted == line.paid:
        return None
    return (f"claim {claim.patient_control_number} line {index}: SVC02 {line.charge} less "
            f"adjustments {adjusted} is not SVC03 {line.paid}")


def claim_problem(claim: t835.Claim) -> str | None:
    adjusted = sum((a.amount for a in claim.adjustments), Decimal(0))
    adjusted += sum((a.amount for ln in claim.lines for a in ln.adjustments), Decimal(0))
    expected = claim.charge - adjusted
    if claim.paid in (expected, expected + interest(claim)):
        return None
    return (f"claim {claim.patient_control_number}: CLP03 {claim.charge} less adjustments "
            f"{adjusted} is not CLP04 {claim.paid}")


def payment_problem(remit: t835.Remittance) -> str | None:
    paid = sum((c.paid for c in remit.claims), Decimal(0))
    provider = sum((p.amount for p in remit.provider_adjustments), Decimal(0))
    if signed_payment(remit) == paid - provider:
        return None
    return (f"BPR02 {remit.payment.amount} is not claim payments {paid} less provider "
            f"adjustments {provider}")


def first_problem(remit: t835.Remittance) -> str | None:
    """The first imbalance, line before claim before payment, or None."""
    for claim in remit.claims:
        for index, line in enumerate(claim.lines, start=1):
            problem = line_problem(claim, index, line)
            if problem:
                return problem
        problem = claim_problem(claim)
        if problem:
            return problem
    return payment_problem(remit)
