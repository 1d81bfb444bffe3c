"""A denied claim with its remit, and a denial item leased to a specialist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rcmdesk.claims.models import Claim, ClaimLine, Coverage, Provider
from rcmdesk.remits.models import RemitAdjustment, RemitClaim, RemitLine, Remittance
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import ItemStatus, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim, make_item

REMIT_DATE = date(2026, 3, 2)


@dataclass
class Denied:
    claim: Claim
    lines: list[ClaimLine]
    item: WorkItem


def denied_claim(client: Organization, pcn: str = "PCN-7781", *,
                 payer_kind: str = "commercial") -> Denied:
    """Two lines billed; the payer paid line 1 and denied line 2 with CO-197 / N54."""
    claim = make_claim(client, pcn, charge="250.00", payer_kind=payer_kind,
                       service=date(2026, 1, 14), balance="150.00")
    provider = Provider.objects.create(client=client, npi="1234567893",
                                       name="Acme Family Medicine PC")
    coverage = Coverage.objects.create(client=client, patient=claim.patient,
                                       payer=claim.payer, member_id="MBR0042")
    claim.patient.birth_date = date(1980, 5, 17)
    claim.patient.sex = "F"
    claim.patient.save()
    claim.billing_provider, claim.coverage = provider, coverage
    claim.payer_claim_control_number = "PAYER-CCN-55512"
    claim.save()
    lines = [
        ClaimLine.objects.create(claim=claim, line_number=1, procedure_qualifier="HC",
                                 procedure="99213", charge=Decimal("100.00"),
                                 units=Decimal("1"), service_date=date(2026, 1, 14)),
        ClaimLine.objects.create(claim=claim, line_number=2, procedure_qualifier="HC",
                                 procedure="97110", modifiers=["GP"],
                                 charge=Decimal("150.00"), units=Decimal("2"),
                                 service_date=date(2026, 1, 14), control_number="L2CTRL"),
    ]
    remit = Remittance.objects.create(client=client, st_control="0001", payer=claim.payer,
                                      payer_key="P1", payer_name=claim.payer.name,
                                      trace_number="TRACE1", amount=Decimal("80.00"),
                                      payment_date=REMIT_DATE)
    rc = RemitClaim.objects.create(remittance=remit, index=0, claim=claim,
                                   patient_control_number=pcn, status_code="1",
                                   charge=Decimal("250.00"), paid=Decimal("80.00"),
                                   payer_claim_control_number="PAYER-CCN-55512",
                                   outcome="denied")
    paid = RemitLine.objects.create(remit_claim=rc, index=0, claim_line=lines[0],
                                    procedure="99213", charge=Decimal("100.00"),
                                    paid=Decimal("80.00"))
    RemitAdjustment.objects.create(remit_claim=rc, remit_line=paid, group="CO", reason="45",
                                   amount=Decimal("20.00"), category="contractual")
    denied = RemitLine.objects.create(remit_claim=rc, index=1, claim_line=lines[1],
                                      procedure="97110", charge=Decimal("150.00"),
                                      paid=Decimal("0.00"), remarks=[["HE", "N54"]])
    RemitAdjustment.objects.create(remit_claim=rc, remit_line=denied, group="CO",
                                   reason="197", amount=Decimal("150.00"),
                                   category="authorization", posted=False)
    item = make_item(client, claim.pk, claim=claim, claim_line=lines[1],
                     category="authorization", amount=Decimal("150.00"))
    return Denied(claim, lines, item)


def lease(item: WorkItem, user: Any) -> WorkItem:
    """Leave the item as Get next would: in progress, leased to ``user``."""
    WorkItem.objects.filter(pk=item.pk).update(
        assignee=user, status=ItemStatus.IN_PROGRESS,
        lease_expires_at=timezone.now() + timedelta(minutes=30))
    return WorkItem.objects.get(pk=item.pk)
