"""A small month of posted lines for the reports, written directly (no posting run): two
payers, two codes, one underpayment recovered in part by a later payment, one recovered in
full (the later payment capped at the shortfall), one overpayment taken back by a PLB, one
denial. The figures the tests expect are computed by hand in ``EXPECTED`` below."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from rcmdesk.claims.models import Claim, ClaimLine
from rcmdesk.contracts.models import (
    Contract,
    LineVariance,
    Recoupment,
    RecoupmentSource,
    VarianceKind,
)
from rcmdesk.contracts.tests import factories
from rcmdesk.remits.models import RemitClaim, RemitLine, Remittance
from rcmdesk.tenancy.models import Organization

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
CREATED = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # 11:00 in New York: March 1


def _at(day: int) -> datetime:
    return datetime(2026, 3, day, 16, 0, tzinfo=UTC)


@dataclass
class Month:
    client: Organization
    aetna: Contract
    blue: Contract
    claims: dict[str, Claim]
    remittances: dict[str, Remittance]


def _remittance(client: Organization, contract: Contract, name: str, received: int,
                paid_on: int) -> Remittance:
    return Remittance.objects.create(
        client=client, st_control=name, payer=contract.payer, payer_key=contract.payer.payer_id,
        payer_name=contract.payer.name, trace_number=f"TRN-{name}", amount=Decimal(0),
        payment_date=date(2026, 3, paid_on), created_at=_at(received))


def _remit_claim(remittance: Remittance, claim: Claim, *, paid: str, outcome: str = "posted",
                 index: int = 1) -> RemitClaim:
    return RemitClaim.objects.create(
        remittance=remittance, index=index, claim=claim,
        patient_control_number=claim.patient_control_number,
        status_code="4" if outcome == "denied" else "1", charge=claim.total_charge,
        paid=Decimal(paid), outcome=outcome)


def _pay(remit: RemitClaim, line: ClaimLine, paid: str, index: int = 1) -> RemitLine:
    return RemitLine.objects.create(remit_claim=remit, index=index, claim_line=line,
                                    procedure=line.procedure, charge=line.charge,
                                    paid=Decimal(paid))


def _variance(contract: Contract, paid_line: RemitLine, expected: str, found: int
              ) -> LineVariance:
    """allowed = paid (no patient share here), variance = allowed - expected."""
    allowed, want = paid_line.paid, Decimal(expected)
    variance = allowed - want
    kind = (VarianceKind.UNDERPAID if variance < -1 else VarianceKind.OVERPAID
            if variance > 1 else VarianceKind.WITHIN)
    line = paid_line.claim_line
    assert line is not None
    return LineVariance.objects.create(
        client=contract.client, remit_line=paid_line,
        remittance=paid_line.remit_claim.remittance, claim=line.claim, claim_line=line,
        payer=contract.payer, contract=contract, procedure=line.procedure,
        expected=want, allowed=allowed, paid=allowed, patient_responsibility=Decimal(0),
        variance=variance, contractual_excess=Decimal(0), kind=kind,
        found_on=date(2026, 3, found))


def march(client: Organization) -> Month:
    aetna = factories.contract(client, {"99213": "100.00", "99214": "130.00"},
                               of=factories.payer(client, "P-AETNA", "Aetna (synthetic)"))
    blue = factories.contract(client, {"99213": "100.00"},
                              of=factories.payer(client, "P-BLUE", "Blue Shield (synthetic)"))
    one = factories.claim(client, [("99213", "150.00"), ("99214", "200.00")], pcn="M1",
                          of=aetna.payer, created_at=CREATED)
    two = factories.claim(client, [("99213", "150.00")], pcn="M2", of=blue.payer,
                          created_at=CREATED)
    three = factories.claim(client, [("99214", "200.00")], pcn="M3", of=aetna.payer,
                            created_at=CREATED)
    four = factories.claim(client, [("99213", "150.00")], pcn="M4", of=blue.payer,
                           created_at=CREATED)
    l1, l2 = one.lines.order_by("line_number")
    (l3,), (l4,) = three.lines.all(), two.lines.all()

    # Aetna's first 835 (received March 10, paid March 9): 99213 $20 short, 99214 as
    # contracted on claim one; claim three's 99214 $10 over.
    r1 = _remittance(client, aetna, "R1", received=10, paid_on=9)
    c1 = _remit_claim(r1, one, paid="210.00")
    _variance(aetna, _pay(c1, l1, "80.00"), "100.00", found=10)
    _variance(aetna, _pay(c1, l2, "130.00", index=2), "130.00", found=10)
    c3 = _remit_claim(r1, three, paid="140.00", index=2)
    _variance(aetna, _pay(c3, l3, "140.00"), "130.00", found=10)
    # Blue's first 835: claim two's 99213 $40 short, claim four denied.
    r2 = _remittance(client, blue, "R2", received=11, paid_on=10)
    c2 = _variance(blue, _pay(_remit_claim(r2, two, paid="60.00"), l4, "60.00"), "100.00",
                   found=11)
    assert c2.kind == VarianceKind.UNDERPAID
    _remit_claim(r2, four, paid="0.00", outcome="denied", index=2)
    # Later: Aetna pays $15 more on claim one's 99213 (open $5) and takes back claim three's
    # $10 by a PLB WO nobody explained; Blue pays $50 more on claim two (recovered: $40).
    r3 = _remittance(client, aetna, "R3", received=20, paid_on=19)
    _pay(_remit_claim(r3, one, paid="15.00"), l1, "15.00")
    Recoupment.objects.create(client=client, remittance=r3, source=RecoupmentSource.PLB,
                              reason="WO", reference="M3", amount=Decimal("10.00"),
                              claim=three, claim_line=l3, found_on=date(2026, 3, 20))
    r4 = _remittance(client, blue, "R4", received=21, paid_on=21)
    _pay(_remit_claim(r4, two, paid="50.00"), l4, "50.00")
    return Month(client, aetna, blue, {"one": one, "two": two, "three": three, "four": four},
                 {"R1": r1, "R2": r2, "R3": r3, "R4": r4})
