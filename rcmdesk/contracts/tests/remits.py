"""Claims with expected amounts, paid by hand-written 835s, for the variance and recoupment
tests (the expected lines are written here directly: pricing claims is ``expected``'s)."""

from __future__ import annotations

from decimal import Decimal

from rcmdesk.claims.models import Claim, Payer
from rcmdesk.contracts.models import Contract, ExpectedLine, FeeRate
from rcmdesk.contracts.tests.factories import contract
from rcmdesk.remits.tests.x12text import make_claim
from rcmdesk.tenancy.models import Organization

PAYER = "PAYER01"  # x12text.header's N1*PR id


def payer_contract(client: Organization, fees: dict[str, str]) -> Contract:
    payer = Payer.objects.get_or_create(client=client, payer_id=PAYER,
                                        defaults={"name": "Acme Payer"})[0]
    return contract(client, fees, of=payer)


def expected_claim(client: Organization, made: Contract, pcn: str,
                   lines: list[tuple[str, str]]) -> Claim:
    """A charged claim whose lines are expected at their contract fee."""
    claim = make_claim(client, pcn, lines, payer_id=PAYER)
    for line in claim.lines.order_by("line_number"):
        rate = FeeRate.objects.filter(contract=made, procedure=line.procedure).first()
        amount = rate.amount if rate is not None else None
        ExpectedLine.objects.update_or_create(claim_line=line, defaults={
            "client": client, "claim": claim, "contract": made, "rate": rate,
            "amount": amount, "basis": f"${amount or Decimal(0):,.2f} x 1 unit"})
    return claim
